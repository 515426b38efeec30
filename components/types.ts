import type * as pulumi from "@pulumi/pulumi";

/** Types more than one component takes in its Args. */

/** Where a service runs. */
export type Target = "docker" | "kubernetes";

/** Kubernetes access modes; Docker volumes honour the same single-writer rules. */
export type AccessMode = "ReadWriteOnce" | "ReadWriteOncePod" | "ReadWriteMany" | "ReadOnlyMany";
/** All access modes, for validation. */
export const ACCESS_MODES: readonly AccessMode[] = [
  "ReadWriteOnce",
  "ReadWriteOncePod",
  "ReadWriteMany",
  "ReadOnlyMany",
];

/** What a service needs to know about a volume it mounts; {@link PersistentVolume} implements it. */
export interface VolumeRef {
  /** The volume's own logical name (also its physical name). */
  readonly logicalName: string;
  /** The Docker volume or PersistentVolumeClaim name to mount. */
  readonly volumeName: pulumi.Input<string>;
  /** How many writers the volume admits. */
  readonly accessMode: AccessMode;
}
