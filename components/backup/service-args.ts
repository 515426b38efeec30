import type { ContainerServiceArgs } from "../container-service";
import type { VolumeRef } from "../types";
import {
  ARCHIVE_DIR,
  BACKUP_COMMAND,
  RESTORE_COMMAND,
  RUN_AS_GID,
  RUN_AS_UID,
  SCHEDULER_COMMAND,
  SCHEDULER_HEALTH,
  SCHEDULER_HEALTH_COMMAND,
  SOURCE_DIR,
  TARGET_DIR,
} from "../../apps/backup/contract";
import type { ResolvedBackup } from "./resolve";

/**
 * What a backup container does:
 * - `backup`: one run (the Kubernetes CronJob's pod; a one-shot run on Docker);
 * - `schedule`: the Docker scheduler, running `backup` on the schedule;
 * - `restore`: one restore of an archive into the source volume (mounted writable at /target).
 */
export type BackupMode = "backup" | "schedule" | "restore";

/** Value of the `app.kubernetes.io/component` label of every backup container and object. */
export const BACKUP_COMPONENT = "backup";

/**
 * The container a backup mode runs, as ContainerService Args, so both targets get every hardened
 * default from the one resolver (non-root 65532, read-only root filesystem, /tmp scratch, ALL
 * capabilities dropped, no privilege escalation, seccomp, limits). The source is only ever
 * mounted read-only, except by `restore`, which writes it and reads the archives read-only.
 */
export function backupServiceArgs(spec: ResolvedBackup, archive: VolumeRef, mode: BackupMode): ContainerServiceArgs {
  const common = {
    target: spec.target,
    image: spec.image,
    runAsUser: RUN_AS_UID,
    runAsGroup: RUN_AS_GID,
    component: BACKUP_COMPONENT,
    imagePullSecrets: spec.imagePullSecrets,
    namespace: spec.namespace,
  } satisfies Partial<ContainerServiceArgs>;
  const backupEnv = { SOURCE_DIR, ARCHIVE_DIR, RETENTION_DAYS: String(spec.retentionDays), PREFIX: spec.prefix };
  const reading = [
    { volume: spec.source, mountPath: SOURCE_DIR, readOnly: true },
    { volume: archive, mountPath: ARCHIVE_DIR, readOnly: false },
  ];
  // A one-shot container must not be restarted by Docker; Kubernetes Jobs set their own policy.
  const oneShot = spec.target === "docker" ? { restartPolicy: "no" as const } : {};
  switch (mode) {
    case "backup":
      return { ...common, ...oneShot, command: [BACKUP_COMMAND], environment: backupEnv, volumes: reading };
    case "schedule":
      return {
        ...common,
        command: [SCHEDULER_COMMAND],
        environment: { ...backupEnv, SCHEDULE: spec.schedule },
        volumes: reading,
        healthCheck: { command: [...SCHEDULER_HEALTH_COMMAND], ...SCHEDULER_HEALTH },
      };
    case "restore":
      return {
        ...common,
        ...oneShot,
        command: [RESTORE_COMMAND],
        environment: { ARCHIVE_DIR, TARGET_DIR },
        volumes: [
          { volume: archive, mountPath: ARCHIVE_DIR, readOnly: true },
          { volume: spec.source, mountPath: TARGET_DIR, readOnly: false },
        ],
      };
  }
}
