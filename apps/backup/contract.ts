/**
 * What the backup image promises to whoever runs it: where its scripts are, the directories
 * they read and write, the environment they take, and the user they run as. The Backup
 * component and the tests use these values instead of repeating them.
 */

/** `backup`: one restic snapshot of SOURCE_DIR, then retention (`forget --prune` with KEEP_*). */
export const BACKUP_COMMAND = "/usr/local/bin/backup";
/** `check`: `restic check`, reading back CHECK_READ_DATA_PERCENT percent of the data. */
export const CHECK_COMMAND = "/usr/local/bin/check";
/** `drill`: restores the newest snapshot into SCRATCH_DIR and verifies it; exit 0 only when it holds. */
export const DRILL_COMMAND = "/usr/local/bin/drill";
/** `restore [snapshot]`: into TARGET_DIR, which must be empty; default the newest snapshot. */
export const RESTORE_COMMAND = "/usr/local/bin/restore";
/** `scheduler`: the Docker target's minute loop; `scheduler health` is the image's HEALTHCHECK. */
export const SCHEDULER_COMMAND = "/usr/local/bin/scheduler";
/** The image's exec-form HEALTHCHECK (only the long-running scheduler passes it). */
export const SCHEDULER_HEALTH_COMMAND: readonly string[] = [SCHEDULER_COMMAND, "health"];
/** `scheduler status`: each job's last result; exit 1 when one failed (for a monitor). */
export const SCHEDULER_STATUS_COMMAND: readonly string[] = [SCHEDULER_COMMAND, "status"];
/** HEALTHCHECK timings of the image, in seconds (the scheduler touches its heartbeat every minute). */
export const SCHEDULER_HEALTH = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 90 } as const;

/** Where the volume to back up is mounted (read-only). */
export const SOURCE_DIR = "/source";
/** Where the volume repository (dev) is mounted; restic's repository is a directory inside it. */
export const REPOSITORY_DIR = "/repository";
/** The volume repository as restic sees it (below the mount, clear of a filesystem's lost+found). */
export const VOLUME_REPOSITORY = `${REPOSITORY_DIR}/restic`;
/** Writable working space: restic's temporary pack files, and where a drill restores to. */
export const SCRATCH_DIR = "/scratch";
/** Where `restore` restores to (the volume being restored, mounted writable). */
export const TARGET_DIR = "/target";

/**
 * The environment the scripts read (see apps/backup/lib.sh). Secret ones reach the container as
 * Kubernetes Secret references or Docker secret environment, never as arguments.
 */
export const ENV = {
  repository: "RESTIC_REPOSITORY",
  password: "RESTIC_PASSWORD",
  restUsername: "RESTIC_REST_USERNAME",
  restPassword: "RESTIC_REST_PASSWORD",
  s3AccessKeyId: "AWS_ACCESS_KEY_ID",
  s3SecretAccessKey: "AWS_SECRET_ACCESS_KEY",
  sshPrivateKey: "SSH_PRIVATE_KEY",
  sshKnownHosts: "SSH_KNOWN_HOSTS",
  /** The snapshots' host name: the volume's logical name. */
  prefix: "PREFIX",
  schedule: "SCHEDULE",
  checkSchedule: "CHECK_SCHEDULE",
  drillSchedule: "DRILL_SCHEDULE",
  checkReadDataPercent: "CHECK_READ_DATA_PERCENT",
  drillMaxAgeHours: "DRILL_MAX_AGE_HOURS",
} as const;

/** `KEEP_<RULE>`: snapshots `restic forget` keeps by each rule (0: not used). */
export function keepVariable(rule: string): string {
  return `KEEP_${rule.toUpperCase()}`;
}

/** Numeric uid:gid the image runs as. */
export const RUN_AS_UID = 65532;
/** @see RUN_AS_UID */
export const RUN_AS_GID = 65532;

/** What `drill` prints when the drill passed, and when it failed (the rest of the line says what). */
export const DRILL_OK = "drill: OK";
/** @see DRILL_OK */
export const DRILL_FAILED = "drill: FAILED";
