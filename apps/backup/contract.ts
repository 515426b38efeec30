/**
 * What the backup image promises to whoever runs it: where its scripts are, the directories
 * they read and write, the environment they take, and the user they run as. The Backup
 * component and the tests use these values instead of repeating them.
 */

/** `backup`: archive SOURCE_DIR into ARCHIVE_DIR, then apply retention. */
export const BACKUP_COMMAND = "/usr/local/bin/backup";
/** `restore <archive-name>`: verify, then extract into TARGET_DIR. */
export const RESTORE_COMMAND = "/usr/local/bin/restore";
/** `scheduler`: the Docker target's minute loop; `scheduler health` is the image's HEALTHCHECK. */
export const SCHEDULER_COMMAND = "/usr/local/bin/scheduler";
/** The image's exec-form HEALTHCHECK (only the long-running scheduler passes it). */
export const SCHEDULER_HEALTH_COMMAND: readonly string[] = [SCHEDULER_COMMAND, "health"];
/** HEALTHCHECK timings of the image, in seconds (the scheduler touches its heartbeat every minute). */
export const SCHEDULER_HEALTH = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 90 } as const;

/** Where the volume to back up is mounted (read-only). */
export const SOURCE_DIR = "/source";
/** Where archives are written (the archive volume). */
export const ARCHIVE_DIR = "/archive";
/** Where `restore` extracts to (the volume being restored, mounted writable). */
export const TARGET_DIR = "/target";

/** Numeric uid:gid the image runs as. */
export const RUN_AS_UID = 65532;
/** @see RUN_AS_UID */
export const RUN_AS_GID = 65532;

/** Archive file name: `<prefix>-<UTC yyyymmddThhmmssZ>.tar.gz`, with `<name>.sha256` beside it. */
export const ARCHIVE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*-\d{8}T\d{6}Z\.tar\.gz$/;
