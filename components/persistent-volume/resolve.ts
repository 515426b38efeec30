import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { LIMITS, VOLUME_DEFAULTS } from "../defaults";
import { DOCKYARD_LABELS } from "../kubernetes-labels";
import * as rules from "../rules";
import type { PersistentVolumeArgs } from "../persistent-volume";
import { userLabels } from "../container-service/labels";
import { ACCESS_MODES, type AccessMode, type Target } from "../types";
import { ArgProblems, argsOf, booleanArg, nameArg, integerArg, namespaceArg, oneOfArg } from "../args";

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
  const problems = new ArgProblems();
  problems.check(() => nameArg(root.field("name"), name));
  const spec = {
    target: problems.check(() =>
      oneOfArg(root.field("target"), args.target ?? "", ["docker", "kubernetes"] as const, "docker"),
    ),
    sizeGiB: problems.check(() =>
      integerArg(
        root.field("sizeGiB"),
        args.sizeGiB,
        LIMITS.volumeSizeGiB.min,
        LIMITS.volumeSizeGiB.max,
        VOLUME_DEFAULTS.sizeGiB,
      ),
    ),
    accessMode: problems.check(() =>
      oneOfArg(root.field("accessMode"), args.accessMode, ACCESS_MODES, "ReadWriteOnce"),
    ),
    storageClass: problems.check(() =>
      typeof args.storageClass === "string"
        ? root.field("storageClass").check(rules.dnsSubdomain, args.storageClass)
        : args.storageClass,
    ),
    namespace: problems.check(() => namespaceArg(root.field("namespace"), args.namespace)),
    labels: problems.check(() => userLabels(root.field("labels"), args.labels)),
    retainOnDelete: problems.check(() => booleanArg(root.field("retainOnDelete"), args.retainOnDelete, true)),
  };
  problems.throwIfAny();
  return {
    name,
    target: spec.target!,
    sizeGiB: spec.sizeGiB!,
    accessMode: spec.accessMode!,
    storageClass: spec.storageClass,
    namespace: spec.namespace,
    labels: spec.labels!,
    retainOnDelete: spec.retainOnDelete!,
  };
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
