/** Shared fixtures of the Backup tests: a digest-pinned image and volume references without Pulumi. */
import type { BackupArgs } from "../../components/backup";
import type { AccessMode, Target, VolumeRef } from "../../components/types";

/** A digest-pinned backup image reference. */
export const BACKUP_IMAGE = `registry.local/backup:0.1.0@sha256:${"c3".repeat(32)}`;

/** A volume reference as a PersistentVolume would provide it. */
export function sourceVolume(logicalName = "web-data", accessMode: AccessMode = "ReadWriteOnce"): VolumeRef {
  return { logicalName, volumeName: logicalName, accessMode };
}

/** Minimal valid Args for a target (Kubernetes needs colocateWith for a ReadWriteOnce source). */
export function minimalArgs(target: Target, changes: Partial<BackupArgs> = {}): BackupArgs {
  return {
    target,
    volume: sourceVolume(),
    schedule: "0 3 * * *",
    image: BACKUP_IMAGE,
    ...(target === "kubernetes" ? { colocateWith: { "app.kubernetes.io/instance": "web" } } : {}),
    ...changes,
  };
}

/** Schedules both the TypeScript check and the Docker scheduler script must accept. */
export const VALID_SCHEDULES = [
  "* * * * *",
  "0 3 * * *",
  "*/15 * * * *",
  "0 8-18/2 * * 1-5",
  "5,35 0 1,15 * *",
  "0 0 * * 7",
  "30 2 1 1 0",
];

/** Schedules both must refuse. */
export const INVALID_SCHEDULES = [
  "0 3 * *",
  "0 0 3 * * *",
  "60 * * * *",
  "0 24 * * *",
  "0 0 0 * *",
  "0 0 * 13 *",
  "0 0 * * 8",
  "*/0 * * * *",
  "0 5-3 * * *",
  "0 3 * * MON",
  "@daily",
  "0 3 ? * *",
];
