import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { describeValue } from "../errors";
import type { PersistentVolumeArgs } from "../persistent-volume";
import { userLabels } from "./labels";
import { ACCESS_MODES, type AccessMode, type Target } from "./spec";
import { argsOf, bool, dnsLabel, integerIn, oneOf } from "./validate";

/** A PersistentVolume's Args with defaults applied and validated. */
export interface VolumeSpec {
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

/** Validates a PersistentVolume's Args and applies defaults (1 GiB, ReadWriteOnce, retained). */
export function resolveVolumeSpec(name: string, args: PersistentVolumeArgs): VolumeSpec {
  const root = argsOf("PersistentVolume", name);
  dnsLabel(root.field("name"), name);
  if (args.target !== "docker" && args.target !== "kubernetes") {
    root.field("target").fail(`must be "docker" or "kubernetes", got ${describeValue(args.target)}`);
  }
  const namespace = args.namespace;
  return {
    name,
    target: args.target,
    sizeGiB: integerIn(root.field("sizeGiB"), args.sizeGiB, 1, 65536, 1),
    accessMode: oneOf(root.field("accessMode"), args.accessMode, ACCESS_MODES, "ReadWriteOnce"),
    storageClass: typeof args.storageClass === "string" ? dnsSubdomain(root.field("storageClass"), args.storageClass) : args.storageClass,
    namespace: typeof namespace === "string" ? dnsLabel(root.field("namespace"), namespace) : namespace,
    labels: userLabels(root.field("labels"), args.labels),
    retainOnDelete: bool(root.field("retainOnDelete"), args.retainOnDelete, true),
  };
}

function dnsSubdomain(at: ReturnType<typeof argsOf>, value: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) at.fail(`must be a storage class name (lower-case DNS subdomain), got ${describeValue(value)}`);
  return value;
}

function volumeLabels(spec: VolumeSpec): Record<string, string> {
  return {
    ...spec.labels,
    "app.kubernetes.io/name": spec.name,
    "app.kubernetes.io/component": "storage",
    "app.kubernetes.io/part-of": "dockyard",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/**
 * A local named Docker volume called after the volume itself. The local driver has no size
 * limit, so sizeGiB only matters on Kubernetes.
 */
export function dockerVolumeSettings(spec: VolumeSpec): DockerVolumeSettings {
  return { name: spec.name, driver: "local", labels: Object.entries(volumeLabels(spec)).map(([label, value]) => ({ label, value })) };
}

/** The PersistentVolumeClaim, named after the volume itself so no service change renames it. */
export function persistentVolumeClaim(spec: VolumeSpec): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: spec.name, ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }), labels: volumeLabels(spec) },
    spec: {
      accessModes: [spec.accessMode],
      volumeMode: "Filesystem",
      resources: { requests: { storage: `${spec.sizeGiB}Gi` } },
      ...(spec.storageClass === undefined ? {} : { storageClassName: spec.storageClass }),
    },
  };
}
