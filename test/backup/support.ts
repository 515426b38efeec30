/** Shared fixtures of the Backup tests: a digest-pinned image and volume references without Pulumi. */
import type { BackupArgs } from "../../components/backup";
import type { AccessMode, Target, VolumeRef } from "../../components/types";

/** A digest-pinned backup image reference. */
export const BACKUP_IMAGE = `registry.local/backup:0.1.0@sha256:${"c3".repeat(32)}`;

/** A known_hosts line of an SFTP server (a valid ed25519 key). */
export const KNOWN_HOST =
  "backup.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR";

/** Secret values the tests give, to look for where they must not be. */
export const SECRETS = {
  password: "repository-password-3f9a",
  restUsername: "rest-user-77",
  restPassword: "rest-password-81c2",
  s3AccessKeyId: "AKIAEXAMPLE0000",
  s3SecretAccessKey: "s3-secret-key-0d1e",
  sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
} as const;

/** An off-site REST repository with credentials. */
export const REST_REPOSITORY: NonNullable<BackupArgs["repository"]> = {
  url: "rest:https://backup.example.com/dockyard/web-data",
  password: SECRETS.password,
  restUsername: SECRETS.restUsername,
  restPassword: SECRETS.restPassword,
};

/** A volume reference as a PersistentVolume would provide it. */
export function sourceVolume(logicalName = "web-data", accessMode: AccessMode = "ReadWriteOnce"): VolumeRef {
  return { logicalName, volumeName: logicalName, accessMode };
}

/** Minimal valid Args for a target (Kubernetes needs colocateWith for a ReadWriteOnce source). */
export function minimalArgs(target: Target, changes: Partial<BackupArgs> = {}): BackupArgs {
  return {
    target,
    volume: sourceVolume(),
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
  "30 2 1 1 0",
  "0 0 1 * */1",
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
  "0 0 * * 7",
  "0 0 * * 5-7",
  "*/0 * * * *",
  "0 5-3 * * *",
  "0 3 * * MON",
  "@daily",
  "0 3 ? * *",
  // Vixie and Quartz extensions maintained cron libraries accept and Kubernetes refuses (ADR 0016).
  "0 4 L * *",
  "0 4 * * 5#2",
  "0 4 15W * *",
];

/** A digest-pinned image of a database (its own pg_dump, pg_restore, initdb). */
export const DATABASE_IMAGE = `registry.local/postgres:17@sha256:${"d7".repeat(32)}`;

/** The database password the tests give, to look for where it must not be. */
export const DATABASE_PASSWORD = "db-password-5e1f:with\\colon";

/** A database source (Backup `database`) with every required field. */
export const DATABASE = {
  host: "db",
  user: "shop",
  database: "shop",
  password: DATABASE_PASSWORD,
  image: DATABASE_IMAGE,
} as const;
