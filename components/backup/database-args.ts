import type { ContainerServiceArgs } from "../container-service";
import {
  DATABASE_DIR,
  DATABASE_PASSWORD_FILE,
  DATABASE_SECRET_DIR,
  ENV,
  RUN_AS_GID,
  SCRATCH_DIR,
} from "../../apps/backup/contract";
import { AGENT_HEALTH_COMMAND, type PostgresStep, postgresStepCommand } from "../../apps/backup/postgres";
import type { ResolvedDatabase } from "./database";
import type { ResolvedBackup } from "./resolve";
import { BACKUP_COMPONENT, type BackupVolumes } from "./service-args";

/**
 * The database side of a database source (apps/backup/postgres.ts): a container of the database's
 * own image next to the restic container, hardened like every backup container (non-root,
 * read-only root filesystem, ALL capabilities dropped, no privilege escalation, RuntimeDefault
 * seccomp, /tmp scratch, the Backup's resources). Its uid is `database.runAsUser` (initdb needs a
 * user of the image) and its gid the backup's (65532): the restic container and it read and write
 * each other's files in the shared scratch space. It reads the password from a file only.
 */

/** Name of the database step's container in a Kubernetes pod (`kubectl logs job/<job> -c database`). */
export const DATABASE_CONTAINER = "database";

/** Suffix of the Docker helper container's ContainerService (`<backup>-database`). */
export const DATABASE_AGENT_SUFFIX = "database";

/** The file name the password has in its directory (a Secret item's path; a Docker `files` name). */
export const DATABASE_PASSWORD_FILE_NAME = "password";

/** Steps that connect to the live database, and so read its password. */
const CONNECTS: readonly PostgresStep[] = ["dump", "load", "agent"];

/** libpq's variables naming the live database, and the steps' own (never the password). */
export function databaseStepEnvironment(
  spec: ResolvedBackup,
  database: ResolvedDatabase,
  step: PostgresStep,
): Record<string, string> {
  return {
    PGHOST: database.host,
    PGPORT: String(database.port),
    PGUSER: database.user,
    PGDATABASE: database.database,
    [ENV.prefix]: spec.prefix,
    [ENV.databaseDir]: DATABASE_DIR,
    ...(CONNECTS.includes(step) ? { DATABASE_PASSWORD_FILE } : {}),
  };
}

/**
 * The database container of `step` as ContainerService Args. Kubernetes: the scratch volume and
 * the password's Secret volume are added by the pod (database-pod.ts). Docker (`agent`): the
 * scratch volume, the password as a read-only file, the database's network and a health check
 * on the agent's loop.
 */
export function databaseServiceArgs(
  spec: ResolvedBackup,
  step: PostgresStep,
  volumes: BackupVolumes = {},
): ContainerServiceArgs {
  const database = spec.database;
  if (database === undefined) throw new Error(`Backup "${spec.name}" has no database source`);
  const docker = spec.target === "docker";
  const password = database.password.kind === "value" ? database.password.value : undefined;
  return {
    target: spec.target,
    image: database.image,
    runAsUser: database.runAsUser,
    runAsGroup: RUN_AS_GID,
    component: BACKUP_COMPONENT,
    imagePullSecrets: spec.imagePullSecrets,
    namespace: spec.namespace,
    resources: spec.resources,
    command: postgresStepCommand(step),
    environment: databaseStepEnvironment(spec, database, step),
    ...(docker
      ? {
          volumes: volumes.scratch ? [{ volume: volumes.scratch, mountPath: SCRATCH_DIR, readOnly: false }] : [],
          ...(password === undefined
            ? {}
            : { files: { [DATABASE_PASSWORD_FILE_NAME]: password }, filesDir: DATABASE_SECRET_DIR }),
          ...(database.network === undefined ? {} : { network: database.network }),
          healthCheck: {
            command: [...AGENT_HEALTH_COMMAND],
            intervalSeconds: 10,
            timeoutSeconds: 5,
            retries: 3,
            startPeriodSeconds: 10,
          },
        }
      : {}),
  };
}
