import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { LIMITS, VOLUME_DEFAULTS } from "../defaults";
import { DOCKYARD_LABELS } from "../kubernetes-labels";
import * as rules from "../rules";
import type { PersistentVolumeArgs } from "../persistent-volume";
import { userLabels } from "../workload";
import { ACCESS_MODES, type AccessMode, type Target } from "../types";
import { argsOf } from "../args";

/** A PersistentVolume's Args with defaults applied and validated. */
export interface ResolvedVolume {
  /** Logical and physical name: the Docker volume's or the PVC's name. */
  readonly name: string;
  readonly target: Target;
  readonly sizeGiB: number;
  readonly accessMode: AccessMode;
  readonly storageClass: pulumi.Input<string> | undefined;
  readonly namespace: pulumi.Input<string> | undefined;
  readonly labels: Record<string, string>;
  readonly retainOnDelete: boolean;
}

/** Docker volume inputs (the @pulumi/docker `VolumeArgs` shape, plain). */
export interface DockerVolumeSettings {
  readonly name: string;
  readonly driver: string;
  readonly labels: { readonly label: string; readonly value: string }[];
}

/** Validates a PersistentVolume's Args and applies defaults (1 GiB, ReadWriteOnce, retained); every problem at once. */
export function resolveVolumeSpec(name: string, args: PersistentVolumeArgs): ResolvedVolume {
  const root = argsOf("PersistentVolume", name);
  root.field("name").check(rules.serviceName, name);
  const { min, max } = LIMITS.volumeSizeGiB;
  const spec = {
    target: root.field("target").check(rules.oneOf(["docker", "kubernetes"] as const), args.target ?? ""),
    sizeGiB: root.field("sizeGiB").optional(rules.integerIn(min, max), args.sizeGiB, VOLUME_DEFAULTS.sizeGiB),
    accessMode: root.field("accessMode").optional(rules.oneOf(ACCESS_MODES), args.accessMode, "ReadWriteOnce"),
  };
  const storageClass = root.field("storageClass").plain(rules.dnsSubdomain, args.storageClass);
  const namespace = root.field("namespace").plain(rules.dnsLabel, args.namespace);
  const labels = userLabels(root.field("labels"), args.labels);
  const retainOnDelete = root.field("retainOnDelete").optional(rules.boolean, args.retainOnDelete, true);
  return { name, ...root.problems.done({ ...spec, labels, retainOnDelete }), storageClass, namespace };
}

function volumeLabels(spec: ResolvedVolume): Record<string, string> {
  return {
    ...spec.labels,
    "app.kubernetes.io/name": spec.name,
    "app.kubernetes.io/component": "storage",
    ...DOCKYARD_LABELS,
  };
}

/**
 * A local named Docker volume called after the volume itself. The local driver has no size
 * limit, so sizeGiB only matters on Kubernetes.
 */
export function dockerVolumeSettings(spec: ResolvedVolume): DockerVolumeSettings {
  return {
    name: spec.name,
    driver: "local",
    labels: Object.entries(volumeLabels(spec)).map(([label, value]) => ({ label, value })),
  };
}

/** The PersistentVolumeClaim, named after the volume itself so no service change renames it. */
export function persistentVolumeClaim(spec: ResolvedVolume): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: spec.name,
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      labels: volumeLabels(spec),
    },
    spec: {
      accessModes: [spec.accessMode],
      volumeMode: "Filesystem",
      resources: { requests: { storage: `${spec.sizeGiB}Gi` } },
      ...(spec.storageClass === undefined ? {} : { storageClassName: spec.storageClass }),
    },
  };
}
