import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { DATABASE_SECRET_DIR, SCRATCH_DIR } from "../../apps/backup/contract";
import type { PostgresStep } from "../../apps/backup/postgres";
import { podSpec, resolveServiceSpec } from "../workload";
import { DATABASE_CONTAINER, DATABASE_PASSWORD_FILE_NAME, databaseServiceArgs } from "./database-args";
import type { ResolvedBackup } from "./resolve";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;

/**
 * Kubernetes: a database source's job is one pod of two containers sharing its scratch volume,
 * run in order: the backup's `dump` (database image) is an init container before restic's backup;
 * the drill's and the restore's restic container is the init container that fetches the dump, and
 * `verify` or `load` (database image) runs after it. A failed init container fails the pod, so
 * nothing is stored after a failed dump and nothing restored from a dump restic could not verify.
 */

/** Pod volume of the database password: one Secret key, mounted as a file. */
export const DATABASE_SECRET_VOLUME = "database-password";

/** Key of the database password in the Backup's own Secret (when given as `database.password`). */
export const DATABASE_PASSWORD_KEY = "database-password";

/** Owner root, group fsGroup (65532, the database container's gid), read-only: as ContainerService's files. */
const PASSWORD_MODE = 0o440;

/** The database step of each job that has one. */
export const DATABASE_STEP_OF = { backup: "dump", drill: "verify", restore: "load" } as const satisfies Record<
  string,
  PostgresStep
>;
/** A job with a database step. */
export type DatabaseJob = keyof typeof DATABASE_STEP_OF;

/** The database container of `step`: ContainerService's hardened container, with the scratch volume and (to connect) the password file. */
export function databaseContainer(spec: ResolvedBackup, step: PostgresStep, scratchVolume: string): Container {
  const pod = podSpec(resolveServiceSpec(DATABASE_CONTAINER, databaseServiceArgs(spec, step)));
  const container = (pod.containers as Container[])[0];
  const mounts = (container.volumeMounts ?? []) as k8s.types.input.core.v1.VolumeMount[];
  return {
    ...container,
    volumeMounts: [
      ...mounts,
      { name: scratchVolume, mountPath: SCRATCH_DIR },
      ...(step === "verify" ? [] : [{ name: DATABASE_SECRET_VOLUME, mountPath: DATABASE_SECRET_DIR, readOnly: true }]),
    ],
  };
}

/** The password's volume: the given Secret's key, or the Backup's own Secret's. */
export function databaseSecretVolume(spec: ResolvedBackup, secretName: pulumi.Input<string> | undefined): Volume {
  const password = spec.database?.password;
  if (password === undefined) throw new Error(`Backup "${spec.name}" has no database source`);
  const [name, key] = password.kind === "secret" ? [password.name, password.key] : [secretName, DATABASE_PASSWORD_KEY];
  if (name === undefined) throw new Error(`Backup "${spec.name}": the database password needs the Backup's Secret`);
  return {
    name: DATABASE_SECRET_VOLUME,
    secret: { secretName: name, items: [{ key, path: DATABASE_PASSWORD_FILE_NAME }], defaultMode: PASSWORD_MODE },
  };
}

/**
 * The job's pod with its database step: `pod` is the restic container's (one container, the
 * scratch volume `scratchVolume` included); the result runs the two in the job's order.
 */
export function withDatabaseStep(
  spec: ResolvedBackup,
  pod: PodSpec & { containers: Container[] },
  job: DatabaseJob,
  secretName: pulumi.Input<string> | undefined,
  scratchVolume: string,
): PodSpec {
  const step = DATABASE_STEP_OF[job];
  const restic = pod.containers[0];
  const database = databaseContainer(spec, step, scratchVolume);
  const [first, then] = job === "backup" ? [database, restic] : [restic, database];
  return {
    ...pod,
    initContainers: [first],
    containers: [then],
    volumes: [
      ...((pod.volumes ?? []) as Volume[]),
      ...(step === "verify" ? [] : [databaseSecretVolume(spec, secretName)]),
    ],
  };
}
