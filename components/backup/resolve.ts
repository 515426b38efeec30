import type * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import { checkedImage } from "../image-policy";
import { labelValue } from "../container-service/labels";
import type { ResourceArgs } from "../container-service/args";
import type { Target, VolumeRef } from "../types";
import { ACCESS_MODES } from "../types";
import {
  type ArgPath,
  ArgProblems,
  argsOf,
  integerArg,
  knownKeysArg,
  mapArg,
  nameArg,
  namespaceArg,
  oneOfArg,
} from "../args";
import type { BackupArgs, BackupRepositoryArgs } from "../backup";
import { BACKUP_DEFAULTS, LIMITS } from "../defaults";
import * as rules from "../rules";

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
  /** The volume backed up. */
  readonly source: VolumeRef;
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
  /** Kubernetes: size of each job's scratch volume (a drill restores the whole source into it). */
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

const REPOSITORY_KEYS = ["url", "password", ...rules.CREDENTIAL_KEYS, "sshKnownHosts"] as const;

/**
 * Validates a Backup's Args and applies defaults, throwing one ComponentArgError naming the
 * instance and every wrong argument. Pure: the component calls it before creating anything.
 */
export function resolveBackupSpec(name: string, args: BackupArgs): ResolvedBackup {
  const root = argsOf("Backup", name);
  const problems = new ArgProblems();
  problems.check(() => {
    nameArg(root.field("name"), name);
    if (name.length > MAX_NAME_LENGTH)
      root
        .field("name")
        .fail(`must have at most ${MAX_NAME_LENGTH} characters (CronJob names append "-check"), got ${name.length}`);
  });
  const target = problems.check(() =>
    oneOfArg(root.field("target"), args.target ?? "", ["docker", "kubernetes"] as const, "docker"),
  );
  const source =
    target === undefined ? undefined : problems.check(() => resolveSource(root.field("volume"), args.volume, target));
  const schedule = problems.check(() =>
    root.field("schedule").optional(rules.cronSchedule, args.schedule, BACKUP_DEFAULTS.schedule),
  );
  const keep = problems.check(() => resolveKeep(root.field("keep"), args.keep));
  const check = problems.check(() => {
    const at = root.field("check");
    const given = knownKeysArg(at, args.check, ["schedule", "readDataPercent"]);
    const checkSchedule = problems.check(() =>
      at.field("schedule").optional(rules.cronSchedule, given.schedule, BACKUP_DEFAULTS.check.schedule),
    );
    const readDataPercent = problems.check(() =>
      integerArg(
        at.field("readDataPercent"),
        given.readDataPercent,
        LIMITS.backup.readDataPercent.min,
        LIMITS.backup.readDataPercent.max,
        BACKUP_DEFAULTS.check.readDataPercent,
      ),
    );
    return { schedule: checkSchedule!, readDataPercent: readDataPercent! };
  });
  const drill = problems.check(() => {
    const at = root.field("drill");
    const given = knownKeysArg(at, args.drill, ["schedule", "maxSnapshotAgeHours"]);
    const drillSchedule = problems.check(() =>
      at.field("schedule").optional(rules.cronSchedule, given.schedule, BACKUP_DEFAULTS.drill.schedule),
    );
    const maxSnapshotAgeHours = problems.check(() =>
      integerArg(
        at.field("maxSnapshotAgeHours"),
        given.maxSnapshotAgeHours,
        LIMITS.backup.maxSnapshotAgeHours.min,
        LIMITS.backup.maxSnapshotAgeHours.max,
        BACKUP_DEFAULTS.drill.maxSnapshotAgeHours,
      ),
    );
    // The same rule as stack config: the drill must allow the longest gap between backups.
    const tooYoung =
      schedule === undefined || maxSnapshotAgeHours === undefined
        ? undefined
        : rules.drillAgeProblem(schedule, maxSnapshotAgeHours);
    if (tooYoung !== undefined)
      problems.check(() => at.field("maxSnapshotAgeHours").fail(`${tooYoung}, got ${maxSnapshotAgeHours}`));
    return { schedule: drillSchedule!, maxSnapshotAgeHours: maxSnapshotAgeHours! };
  });
  const repository = problems.check(() => resolveRepository(root.field("repository"), args.repository, problems));
  const sourceSizeGiB = problems.check(() =>
    integerArg(root.field("sourceSizeGiB"), args.sourceSizeGiB, LIMITS.volumeSizeGiB.min, LIMITS.volumeSizeGiB.max, 1),
  );
  const image =
    target === undefined
      ? undefined
      : problems.check(() => {
          const value = args.image;
          if (
            value === undefined ||
            value === null ||
            (typeof value === "string" && (value === "" || /\s/.test(value)))
          ) {
            root
              .field("image")
              .fail(`must be a digest-pinned image reference (repo@sha256:…), got ${describeValue(value)}`);
          }
          return checkedImage(root.field("image"), value, target, {
            allowLatestTag: false,
            allowMutableImageTag: false,
          });
        });
  const repositorySizeGiB =
    sourceSizeGiB === undefined
      ? undefined
      : problems.check(() =>
          integerArg(
            root.field("repositorySizeGiB"),
            args.repositorySizeGiB,
            LIMITS.volumeSizeGiB.min,
            LIMITS.volumeSizeGiB.max,
            BACKUP_DEFAULTS.repositorySizeFactor * sourceSizeGiB,
          ),
        );
  const colocateWith =
    source === undefined || target === undefined
      ? undefined
      : problems.check(() => resolveColocation(root.field("colocateWith"), args.colocateWith, source, target));
  const namespace = problems.check(() => namespaceArg(root.field("namespace"), args.namespace));
  problems.throwIfAny();
  return {
    name,
    target: target!,
    source: source!,
    schedule: schedule!,
    keep: keep!,
    check: check!,
    drill: drill!,
    repository: repository!,
    image: image!,
    repositorySizeGiB: repositorySizeGiB!,
    scratchSizeGiB: sourceSizeGiB!,
    resources: { ...BACKUP_DEFAULTS.resources, ...args.resources },
    colocateWith: colocateWith!,
    namespace,
    imagePullSecrets: [...(args.imagePullSecrets ?? [])],
    storageClass: args.storageClass,
    prefix: source!.logicalName,
  };
}

function resolveKeep(at: ArgPath, value: unknown): rules.RetentionPolicy {
  const given = knownKeysArg(at, value, rules.RETENTION_RULES);
  const keep = Object.fromEntries(
    rules.RETENTION_RULES.map((rule) => [
      rule,
      at.field(rule).optional(rules.retentionCount, given[rule], BACKUP_DEFAULTS.keep[rule]),
    ]),
  ) as Record<rules.RetentionRule, number>;
  const problem = rules.retentionPolicyProblem(keep);
  if (problem !== undefined) at.fail(problem);
  return keep;
}

/**
 * The repository: its URL checked by the same rule as stack config, and the credentials that go
 * with its backend (secrets: only their presence is checked; values are never shown).
 */
function resolveRepository(
  at: ArgPath,
  value: BackupRepositoryArgs | undefined,
  problems: ArgProblems,
): ResolvedRepository {
  const given = knownKeysArg(at, value, REPOSITORY_KEYS) as BackupRepositoryArgs;
  const url = given.url === undefined ? undefined : at.field("url").check(rules.resticRepository, given.url);
  const parsed = url === undefined ? undefined : (rules.parseResticRepository(url) as rules.ResticRepository);
  const present = (v: unknown) => v !== undefined && v !== null && v !== "";
  const lines: unknown = given.sshKnownHosts;
  const knownHosts =
    lines === undefined
      ? []
      : problems.check(() => {
          if (!Array.isArray(lines) || lines.length === 0)
            at.field("sshKnownHosts").fail(`must be a list of known_hosts lines, got ${describeValue(lines)}`);
          return (lines as unknown[]).map((line, i) =>
            at.field("sshKnownHosts").index(i).check(rules.sshKnownHost, line),
          );
        });
  const presence: rules.GivenCredentials = {
    password: present(given.password),
    // Given but malformed is reported above, once: not again as missing.
    sshKnownHosts: lines !== undefined,
    ...Object.fromEntries(rules.CREDENTIAL_KEYS.map((key) => [key, present(given[key])])),
  };
  for (const { key, problem } of rules.repositoryCredentialProblems(parsed, presence))
    problems.check(() => at.field(key).fail(problem));
  const unknownHost =
    parsed === undefined || knownHosts === undefined ? undefined : rules.knownHostsProblem(parsed, knownHosts);
  if (unknownHost !== undefined) problems.check(() => at.field("sshKnownHosts").fail(unknownHost));
  if (url === undefined || parsed === undefined) return { kind: "volume", password: given.password };
  return {
    kind: "remote",
    url,
    parsed,
    password: given.password!,
    credentials: Object.fromEntries(
      rules.CREDENTIAL_KEYS.filter((key) => present(given[key])).map((key) => [key, given[key]!]),
    ),
    sshKnownHosts: knownHosts ?? [],
  };
}

function resolveSource(at: ArgPath, volume: VolumeRef | undefined, target: Target): VolumeRef {
  if (
    volume === undefined ||
    volume === null ||
    typeof volume.logicalName !== "string" ||
    !ACCESS_MODES.includes(volume.accessMode)
  ) {
    at.fail("must be the PersistentVolume to back up");
  }
  nameArg(at.field("logicalName"), volume.logicalName);
  if (target === "kubernetes" && volume.accessMode === "ReadWriteOncePod") {
    at.fail(
      `"${volume.logicalName}" is ReadWriteOncePod: no second pod can mount it, so a backup job cannot read it; use ReadWriteOnce`,
    );
  }
  return volume;
}

/**
 * A ReadWriteOnce claim attaches to one node: on Kubernetes the job must run beside the pods that
 * mount it, so their labels are required there. Other access modes and Docker need none.
 */
function resolveColocation(at: ArgPath, value: unknown, source: VolumeRef, target: Target): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, v] of Object.entries(mapArg(at, value))) labels[key] = labelValue(at.key(key), v);
  if (target === "kubernetes" && source.accessMode === "ReadWriteOnce" && Object.keys(labels).length === 0) {
    at.fail(
      `is required on Kubernetes for the ReadWriteOnce volume "${source.logicalName}": give the labels of the pods that mount it ` +
        `(e.g. { "app.kubernetes.io/instance": "web" }) so the backup job runs on their node`,
    );
  }
  return labels;
}
