import type * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import { checkedImage } from "../image-policy";
import { labelValue, type ResourceArgs } from "../workload";
import type { Target, VolumeRef } from "../types";
import { ACCESS_MODES } from "../types";
import { allDefined, type ArgPath, argsOf, knownKeys } from "../args";
import type { BackupArgs, BackupRepositoryArgs } from "../backup";
import { BACKUP_DEFAULTS, LIMITS } from "../defaults";
import * as rules from "../rules";
import { type ResolvedDatabase, resolveDatabase } from "./database";

/** Where snapshots go: a volume beside the source (dev), or an off-site restic repository. */
export type ResolvedRepository =
  | {
      readonly kind: "volume";
      /** The password when one was given; otherwise the first backup generates a key file beside the repository. */
      readonly password: pulumi.Input<string> | undefined;
    }
  | {
      readonly kind: "remote";
      /** The repository URL, as given (no credentials in it). */
      readonly url: string;
      readonly parsed: rules.ResticRepository;
      readonly password: pulumi.Input<string>;
      /** The backend's credentials that were given, by key. */
      readonly credentials: Readonly<Partial<Record<rules.RepositoryCredential, pulumi.Input<string>>>>;
      /** SFTP: the server's known_hosts lines. */
      readonly sshKnownHosts: readonly string[];
    };

/** A Backup's Args with defaults applied and validated. */
export interface ResolvedBackup {
  /** Component instance name: the CronJobs' and scheduler's names start with it. */
  readonly name: string;
  readonly target: Target;
  /** The volume backed up; with `database`, the database's volume (it names the snapshots, no job mounts it). */
  readonly source: VolumeRef;
  /** A database backed up by its dump instead of the volume's files. */
  readonly database: ResolvedDatabase | undefined;
  /** 5-field cron expressions, UTC. */
  readonly schedule: string;
  readonly keep: rules.RetentionPolicy;
  readonly check: { readonly schedule: string; readonly readDataPercent: number };
  readonly drill: { readonly schedule: string; readonly maxSnapshotAgeHours: number };
  readonly repository: ResolvedRepository;
  /** Digest-pinned image (an output is checked when it resolves). */
  readonly image: pulumi.Input<string>;
  /** Size of the volume repository (used only for the volume kind). */
  readonly repositorySizeGiB: number;
  /**
   * Kubernetes: size of each job's scratch volume: a drill restores the whole source into it; for
   * a database, twice the source (the dump, and the drill's throwaway server restored from it).
   */
  readonly scratchSizeGiB: number;
  readonly resources: ResourceArgs;
  /** Labels of the pods mounting the source (Kubernetes pod affinity); {} when not needed. */
  readonly colocateWith: Record<string, string>;
  readonly namespace: pulumi.Input<string> | undefined;
  readonly imagePullSecrets: pulumi.Input<string>[];
  readonly storageClass: pulumi.Input<string> | undefined;
  /** The snapshots' host name: the source volume's logical name. */
  readonly prefix: string;
}

/**
 * Longest Backup name: a CronJob name may have 52 characters (Jobs append 11), and the check and
 * drill CronJobs append "-check" and "-drill".
 */
export const MAX_NAME_LENGTH = 46;

/** A database's scratch space, in multiples of its volume: the dump, and the drill's server restored from it. */
export const DATABASE_SCRATCH_FACTOR = 2;

/** An optional value as a defined one: `{ value }`, or undefined after a problem. */
function wrap<T>(value: T | undefined): { value: T } | undefined {
  return value === undefined ? undefined : { value };
}

const REPOSITORY_KEYS = ["url", "password", ...rules.CREDENTIAL_KEYS, "sshKnownHosts"] as const;

/**
 * Validates a Backup's Args and applies defaults, throwing one ComponentArgError naming the
 * instance and every wrong argument. Pure: the component calls it before creating anything.
 */
export function resolveBackupSpec(name: string, args: BackupArgs): ResolvedBackup {
  const root = argsOf("Backup", name);
  if (root.field("name").check(rules.serviceName, name) !== undefined && name.length > MAX_NAME_LENGTH)
    root
      .field("name")
      .report(`must have at most ${MAX_NAME_LENGTH} characters (CronJob names append "-check"), got ${name.length}`);
  const target = root.field("target").check(rules.oneOf(["docker", "kubernetes"] as const), args.target ?? "");
  const source = target && resolveSource(root.field("volume"), args.volume, target);
  const schedule = root.field("schedule").optional(rules.cronSchedule, args.schedule, BACKUP_DEFAULTS.schedule);
  const keep = resolveKeep(root.field("keep"), args.keep);
  const check = resolveCheck(root.field("check"), args.check);
  const drill = resolveDrill(root.field("drill"), args.drill, schedule);
  const repository = resolveRepository(root.field("repository"), args.repository);
  const { min, max } = LIMITS.volumeSizeGiB;
  const sourceSizeGiB = root.field("sourceSizeGiB").optional(rules.integerIn(min, max), args.sourceSizeGiB, 1);
  const image = target && resolveImage(root.field("image"), args.image, target);
  const repositorySizeGiB =
    sourceSizeGiB === undefined
      ? undefined
      : root
          .field("repositorySizeGiB")
          .optional(
            rules.integerIn(min, max),
            args.repositorySizeGiB,
            BACKUP_DEFAULTS.repositorySizeFactor * sourceSizeGiB,
          );
  const database =
    args.database === undefined
      ? { value: undefined }
      : wrap(
          resolveDatabase(root.field("database"), args.database, target, (at, value) =>
            target === undefined ? undefined : resolveImage(at, value, target),
          ),
        );
  const colocateWith =
    source &&
    target &&
    resolveColocation(root.field("colocateWith"), args.colocateWith, source, target, args.database !== undefined);
  const namespace = root.field("namespace").plain(rules.dnsLabel, args.namespace);
  const spec = root.problems.done({
    target,
    source,
    schedule,
    keep,
    check,
    drill,
    repository,
    image,
    repositorySizeGiB,
    scratchSizeGiB:
      sourceSizeGiB === undefined || args.database === undefined
        ? sourceSizeGiB
        : Math.min(max, DATABASE_SCRATCH_FACTOR * sourceSizeGiB),
    colocateWith,
    database,
  });
  return {
    name,
    ...spec,
    database: spec.database.value,
    resources: { ...BACKUP_DEFAULTS.resources, ...args.resources },
    namespace,
    imagePullSecrets: [...(args.imagePullSecrets ?? [])],
    storageClass: args.storageClass,
    prefix: spec.source.logicalName,
  };
}

function resolveImage(at: ArgPath, value: pulumi.Input<string> | undefined, target: Target) {
  if (value === undefined || value === null || (typeof value === "string" && (value === "" || /\s/.test(value))))
    return at.report(`must be a digest-pinned image reference (repo@sha256:…), got ${describeValue(value)}`);
  return checkedImage(at, value, target, { allowLatestTag: false, allowMutableImageTag: false });
}

function resolveKeep(at: ArgPath, value: unknown): rules.RetentionPolicy | undefined {
  const given = knownKeys(at, value, rules.RETENTION_RULES);
  if (given === undefined) return undefined;
  const counts = rules.RETENTION_RULES.map((rule) => [
    rule,
    at.field(rule).optional(rules.retentionCount, given[rule], BACKUP_DEFAULTS.keep[rule]),
  ]);
  const keep = allDefined(Object.fromEntries(counts) as Record<rules.RetentionRule, number | undefined>);
  const problem = keep && rules.retentionPolicyProblem(keep);
  return problem === undefined ? keep : at.report(problem);
}

function resolveCheck(at: ArgPath, value: unknown): ResolvedBackup["check"] | undefined {
  const given = knownKeys(at, value, ["schedule", "readDataPercent"]);
  const { min, max } = LIMITS.backup.readDataPercent;
  return (
    given &&
    allDefined({
      schedule: at.field("schedule").optional(rules.cronSchedule, given.schedule, BACKUP_DEFAULTS.check.schedule),
      readDataPercent: at
        .field("readDataPercent")
        .optional(rules.integerIn(min, max), given.readDataPercent, BACKUP_DEFAULTS.check.readDataPercent),
    })
  );
}

function resolveDrill(at: ArgPath, value: unknown, backups: string | undefined): ResolvedBackup["drill"] | undefined {
  const given = knownKeys(at, value, ["schedule", "maxSnapshotAgeHours"]);
  if (given === undefined) return undefined;
  const { min, max } = LIMITS.backup.maxSnapshotAgeHours;
  const schedule = at.field("schedule").optional(rules.cronSchedule, given.schedule, BACKUP_DEFAULTS.drill.schedule);
  const maxSnapshotAgeHours = at
    .field("maxSnapshotAgeHours")
    .optional(rules.integerIn(min, max), given.maxSnapshotAgeHours, BACKUP_DEFAULTS.drill.maxSnapshotAgeHours);
  // The same rule as stack config: the drill must allow the longest gap between backups.
  const tooYoung =
    backups === undefined || maxSnapshotAgeHours === undefined
      ? undefined
      : rules.drillAgeProblem(backups, maxSnapshotAgeHours);
  if (tooYoung !== undefined) return at.field("maxSnapshotAgeHours").report(`${tooYoung}, got ${maxSnapshotAgeHours}`);
  return allDefined({ schedule, maxSnapshotAgeHours });
}

const KNOWN_HOSTS = rules.rule("a list of known_hosts lines", (value) =>
  Array.isArray(value) && value.length > 0
    ? rules.accept(value as unknown[])
    : rules.refuse("must be a list of known_hosts lines"),
);

/**
 * The repository: its URL checked by the same rule as stack config, and the credentials that go
 * with its backend (secrets: only their presence is checked; values are never shown).
 */
function resolveRepository(at: ArgPath, value: BackupRepositoryArgs | undefined): ResolvedRepository | undefined {
  const given = knownKeys(at, value, REPOSITORY_KEYS) as BackupRepositoryArgs | undefined;
  if (given === undefined) return undefined;
  const url = at.field("url").optional(rules.resticRepository, given.url, undefined);
  if (given.url !== undefined && url === undefined) return undefined;
  const parsed = url === undefined ? undefined : (rules.parseResticRepository(url) as rules.ResticRepository);
  const present = <T>(v: T): v is NonNullable<T> => v !== undefined && v !== null && v !== "";
  const lines: unknown = given.sshKnownHosts;
  const hostsAt = at.field("sshKnownHosts");
  const knownHosts =
    lines === undefined ? [] : hostsAt.each(KNOWN_HOSTS, lines, (here, line) => here.check(rules.sshKnownHost, line));
  const presence: rules.GivenCredentials = {
    password: present(given.password),
    // Given but malformed is reported above, once: not again as missing.
    sshKnownHosts: lines !== undefined,
    ...Object.fromEntries(rules.CREDENTIAL_KEYS.map((key) => [key, present(given[key])])),
  };
  for (const { key, problem } of rules.repositoryCredentialProblems(parsed, presence)) at.field(key).report(problem);
  const unknownHost =
    parsed === undefined || knownHosts === undefined ? undefined : rules.knownHostsProblem(parsed, knownHosts);
  if (unknownHost !== undefined) hostsAt.report(unknownHost);
  if (url === undefined || parsed === undefined) return { kind: "volume", password: given.password };
  const remote = allDefined({ url, parsed, password: given.password, sshKnownHosts: knownHosts });
  const credentials = rules.CREDENTIAL_KEYS.flatMap((key) => {
    const credential = given[key];
    return present(credential) ? [[key, credential] as const] : [];
  });
  return remote && { kind: "remote", ...remote, credentials: Object.fromEntries(credentials) };
}

function resolveSource(at: ArgPath, volume: VolumeRef | undefined, target: Target): VolumeRef | undefined {
  if (
    volume === undefined ||
    volume === null ||
    typeof volume.logicalName !== "string" ||
    !ACCESS_MODES.includes(volume.accessMode)
  )
    return at.report("must be the PersistentVolume to back up");
  if (at.field("logicalName").check(rules.serviceName, volume.logicalName) === undefined) return undefined;
  if (target === "kubernetes" && volume.accessMode === "ReadWriteOncePod")
    return at.report(
      `"${volume.logicalName}" is ReadWriteOncePod: no second pod can mount it, so a backup job cannot read it; use ReadWriteOnce`,
    );
  return volume;
}

/**
 * A ReadWriteOnce claim attaches to one node: on Kubernetes the job must run beside the pods that
 * mount it, so their labels are required there. Other access modes and Docker need none, nor a
 * database source, whose jobs reach the database over the network and mount no source.
 */
function resolveColocation(
  at: ArgPath,
  value: unknown,
  source: VolumeRef,
  target: Target,
  database: boolean,
): Record<string, string> | undefined {
  const given = at.optional(rules.map, value, {});
  const labels =
    given && allDefined(Object.fromEntries(Object.entries(given).map(([key, v]) => [key, labelValue(at.key(key), v)])));
  if (
    labels !== undefined &&
    !database &&
    target === "kubernetes" &&
    source.accessMode === "ReadWriteOnce" &&
    Object.keys(labels).length === 0
  )
    return at.report(
      `is required on Kubernetes for the ReadWriteOnce volume "${source.logicalName}": give the labels of the pods that mount it ` +
        `(e.g. { "app.kubernetes.io/instance": "web" }) so the backup job runs on their node`,
    );
  return labels;
}
