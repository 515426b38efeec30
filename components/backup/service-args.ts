import type * as pulumi from "@pulumi/pulumi";
import type { ContainerServiceArgs } from "../container-service";
import type { VolumeMountArgs } from "../workload";
import type { VolumeRef } from "../types";
import {
  BACKUP_COMMAND,
  CHECK_COMMAND,
  DATABASE_AGENT_DIR,
  DATABASE_DIR,
  DRILL_COMMAND,
  ENV,
  keepVariable,
  REPOSITORY_DIR,
  RESTORE_COMMAND,
  RUN_AS_GID,
  RUN_AS_UID,
  SCHEDULER_COMMAND,
  SCHEDULER_HEALTH,
  SCHEDULER_HEALTH_COMMAND,
  SCRATCH_DIR,
  SOURCE_DIR,
  TARGET_DIR,
  VOLUME_REPOSITORY,
  VOLUME_REPOSITORY_KEY,
} from "../../apps/backup/contract";
import type { ResolvedBackup } from "./resolve";
import * as rules from "../rules";

/**
 * What a backup container does:
 * - `backup`, `check`, `drill`: one run each (a CronJob's pod on Kubernetes; one-shot on Docker);
 * - `schedule`: the Docker scheduler, running the three on their schedules;
 * - `restore`: one restore of a snapshot into the source volume (mounted writable at /target).
 * With a database source, the restic container of each (see database-args.ts for the database's).
 */
export type BackupMode = "backup" | "check" | "drill" | "schedule" | "restore";

/** Value of the `app.kubernetes.io/component` label of every backup container and object. */
export const BACKUP_COMPONENT = "backup";

/** The volumes a Backup's containers may mount besides the source. */
export interface BackupVolumes {
  /** The volume repository (kind "volume" only). */
  readonly repository?: VolumeRef;
  /** Docker: the scratch volume (Kubernetes pods get an ephemeral one each, see cron-job.ts). */
  readonly scratch?: VolumeRef;
}

const COMMANDS: Record<BackupMode, string> = {
  backup: BACKUP_COMMAND,
  check: CHECK_COMMAND,
  drill: DRILL_COMMAND,
  schedule: SCHEDULER_COMMAND,
  restore: RESTORE_COMMAND,
};

/** Name of the container (and Kubernetes instance label) of each mode. */
export function containerName(spec: ResolvedBackup, mode: BackupMode): string {
  return mode === "check" || mode === "drill" ? `${spec.name}-${mode}` : spec.name;
}

/**
 * The secret environment of every backup container: the repository password and the backend's
 * credentials, by the variables restic and the scripts read. None for the volume repository
 * without a password: its key file lives beside it.
 */
export function repositorySecrets(spec: ResolvedBackup): Record<string, pulumi.Input<string>> {
  const secrets: Record<string, pulumi.Input<string>> = {};
  if (spec.repository.password !== undefined) secrets[ENV.password] = spec.repository.password;
  if (spec.repository.kind === "remote") {
    for (const [key, value] of Object.entries(spec.repository.credentials))
      secrets[ENV[key as rules.RepositoryCredential]] = value;
  }
  return secrets;
}

/** The plain environment naming the repository (restic's URL, or the volume's directory). */
export function repositoryEnvironment(spec: ResolvedBackup): Record<string, string> {
  if (spec.repository.kind === "volume")
    return {
      [ENV.repository]: VOLUME_REPOSITORY,
      [ENV.prefix]: spec.prefix,
      ...(spec.repository.password === undefined ? { [ENV.passwordFile]: VOLUME_REPOSITORY_KEY } : {}),
    };
  return {
    [ENV.repository]: spec.repository.url,
    [ENV.prefix]: spec.prefix,
    ...(spec.repository.sshKnownHosts.length > 0
      ? { [ENV.sshKnownHosts]: spec.repository.sshKnownHosts.join("\n") }
      : {}),
  };
}

/**
 * The container a mode runs, as ContainerService Args, so both targets get every hardened default
 * from the one resolver (non-root 65532, read-only root filesystem, /tmp scratch, ALL capabilities
 * dropped, no privilege escalation, seccomp, limits). The source is only ever mounted read-only,
 * except by `restore`, which writes it. Secrets go in `secrets` (Docker: secret environment;
 * Kubernetes: a Secret referenced by `secretKeyRef`), never in arguments.
 */
export function backupServiceArgs(
  spec: ResolvedBackup,
  volumes: BackupVolumes,
  mode: BackupMode,
  secrets: Record<string, pulumi.Input<string>>,
): ContainerServiceArgs {
  const jobs = {
    backup: Object.fromEntries(rules.RETENTION_RULES.map((rule) => [keepVariable(rule), String(spec.keep[rule])])),
    check: { [ENV.checkReadDataPercent]: String(spec.check.readDataPercent) },
    drill: { [ENV.drillMaxAgeHours]: String(spec.drill.maxSnapshotAgeHours) },
  };
  const scheduled = {
    [ENV.schedule]: spec.schedule,
    [ENV.checkSchedule]: spec.check.schedule,
    [ENV.drillSchedule]: spec.drill.schedule,
  };
  // A database source: no job mounts the volume; every one but check works in the scratch space
  // it shares with the database container (restore too: it fetches the dump there).
  const database = spec.database !== undefined;
  const backsUp = mode === "backup" || mode === "schedule";
  const scratch = mode !== "restore" || database;
  const environment: Record<string, string> = {
    ...repositoryEnvironment(spec),
    ...(scratch ? { SCRATCH_DIR } : {}),
    ...(mode === "restore" && !database ? { TARGET_DIR } : {}),
    ...(backsUp && !database ? { SOURCE_DIR } : {}),
    ...(backsUp ? jobs.backup : {}),
    ...(mode === "check" || mode === "schedule" ? jobs.check : {}),
    ...(mode === "drill" || mode === "schedule" ? jobs.drill : {}),
    ...(mode === "schedule" ? scheduled : {}),
    ...(mode === "check" ? {} : databaseEnvironment(spec)),
  };
  const mounts: VolumeMountArgs[] = [
    ...(backsUp && !database ? [{ volume: spec.source, mountPath: SOURCE_DIR, readOnly: true }] : []),
    ...(mode === "restore" && !database ? [{ volume: spec.source, mountPath: TARGET_DIR, readOnly: false }] : []),
    ...(volumes.repository ? [{ volume: volumes.repository, mountPath: REPOSITORY_DIR, readOnly: false }] : []),
    ...(volumes.scratch && scratch ? [{ volume: volumes.scratch, mountPath: SCRATCH_DIR, readOnly: false }] : []),
  ];
  return {
    target: spec.target,
    image: spec.image,
    runAsUser: RUN_AS_UID,
    runAsGroup: RUN_AS_GID,
    component: BACKUP_COMPONENT,
    imagePullSecrets: spec.imagePullSecrets,
    namespace: spec.namespace,
    resources: spec.resources,
    command: [COMMANDS[mode]],
    environment,
    secrets,
    volumes: mounts,
    ...jobEgress(spec, mode),
    // A one-shot container must not be restarted by Docker; Kubernetes Jobs set their own policy.
    ...(spec.target === "docker" && mode !== "schedule" ? { restartPolicy: "no" as const } : {}),
    ...(mode === "schedule" ? { healthCheck: { command: [...SCHEDULER_HEALTH_COMMAND], ...SCHEDULER_HEALTH } } : {}),
  };
}

/**
 * What the restic container of a database source's job needs to know: the database (its dump's
 * name), the shared work space and, on Docker, where the helper container takes requests. Nothing
 * for a volume source.
 */
export function databaseEnvironment(spec: ResolvedBackup): Record<string, string> {
  if (spec.database === undefined) return {};
  return {
    [ENV.databaseName]: spec.database.database,
    [ENV.databaseDir]: DATABASE_DIR,
    ...(spec.target === "docker" ? { [ENV.databaseAgent]: DATABASE_AGENT_DIR } : {}),
  };
}

/**
 * What a job's pods may reach (Kubernetes): the repository ({@link repositoryEgress}) and, for a
 * database source's backup and restore, the database on its port: its ContainerService's pods
 * when `database.service` names it, else any address (a database outside the cluster).
 */
export function jobEgress(spec: ResolvedBackup, mode: BackupMode): Pick<ContainerServiceArgs, "allowTo" | "allowDns"> {
  const repository = repositoryEgress(spec);
  const db = spec.database;
  if (db === undefined || (mode !== "backup" && mode !== "restore")) return repository;
  const ports = [{ port: db.port }];
  const toDatabase =
    db.service === undefined
      ? [
          { cidr: "0.0.0.0/0", ports },
          { cidr: "::/0", ports },
        ]
      : [{ service: db.service, ports }];
  return { allowDns: true, allowTo: [...(repository.allowTo ?? []), ...toDatabase] };
}

/** Default port of each way a repository is reached. */
const TRANSPORT_PORTS = { https: 443, http: 80, ssh: 22 } as const;

/**
 * What a job's NetworkPolicy lets it reach (Kubernetes): an off-site repository by its port only,
 * wherever its name resolves (a policy cannot name a host), and DNS to resolve it; a repository
 * on a volume, nothing. The same policy as any service's: see ContainerService `allowTo`.
 */
export function repositoryEgress(spec: ResolvedBackup): Pick<ContainerServiceArgs, "allowTo" | "allowDns"> {
  if (spec.repository.kind !== "remote") return {};
  const { port, transport } = spec.repository.parsed;
  const ports = [{ port: port ?? TRANSPORT_PORTS[transport] }];
  return {
    allowDns: true,
    allowTo: [
      { cidr: "0.0.0.0/0", ports },
      { cidr: "::/0", ports },
    ],
  };
}
