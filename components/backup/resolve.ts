import type * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import { checkedImage } from "../image-policy";
import { labelValue } from "../container-service/labels";
import type { Target, VolumeRef } from "../types";
import { ACCESS_MODES } from "../types";
import { type ArgPath, ArgProblems, argsOf, nameArg, integerArg, namespaceArg, oneOfArg, mapArg } from "../args";
import type { BackupArgs } from "../backup";
import { BACKUP_DEFAULTS } from "../defaults";
import * as rules from "../rules";

/** A Backup's Args with defaults applied and validated. */
export interface ResolvedBackup {
  /** Component instance name: the CronJob's or scheduler's name, prefix of the archive volume's. */
  readonly name: string;
  readonly target: Target;
  /** The volume backed up. */
  readonly source: VolumeRef;
  /** 5-field cron expression, UTC. */
  readonly schedule: string;
  readonly retentionDays: number;
  /** Digest-pinned image (an output is checked when it resolves). */
  readonly image: pulumi.Input<string>;
  readonly archiveSizeGiB: number;
  /** Labels of the pods mounting the source (Kubernetes pod affinity); {} when not needed. */
  readonly colocateWith: Record<string, string>;
  readonly namespace: pulumi.Input<string> | undefined;
  readonly imagePullSecrets: pulumi.Input<string>[];
  readonly storageClass: pulumi.Input<string> | undefined;
  /** Archive names start with it: the source volume's logical name. */
  readonly prefix: string;
}

/** Default archive volume size, as a multiple of `sourceSizeGiB`. */
export const ARCHIVE_SIZE_FACTOR = 2;
/** Longest Backup name: a CronJob name may have 52 characters (Jobs append 11). */
export const MAX_NAME_LENGTH = 52;

/**
 * Validates a Backup's Args and applies defaults, throwing one ComponentArgError naming the
 * instance and the argument. Pure: the component calls it before creating anything.
 */
export function resolveBackupSpec(name: string, args: BackupArgs): ResolvedBackup {
  const root = argsOf("Backup", name);
  const problems = new ArgProblems();
  problems.check(() => {
    nameArg(root.field("name"), name);
    if (name.length > MAX_NAME_LENGTH)
      root.field("name").fail(`must have at most ${MAX_NAME_LENGTH} characters (a CronJob name), got ${name.length}`);
  });
  const target = problems.check(() =>
    oneOfArg(root.field("target"), args.target ?? "", ["docker", "kubernetes"] as const, "docker"),
  );
  const source =
    target === undefined ? undefined : problems.check(() => resolveSource(root.field("volume"), args.volume, target));
  const schedule = problems.check(() => root.field("schedule").check(rules.cronSchedule, args.schedule));
  const sourceSizeGiB = problems.check(() => integerArg(root.field("sourceSizeGiB"), args.sourceSizeGiB, 1, 65536, 1));
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
  const retentionDays = problems.check(() =>
    integerArg(root.field("retentionDays"), args.retentionDays, 1, 3650, BACKUP_DEFAULTS.retentionDays),
  );
  const archiveSizeGiB =
    sourceSizeGiB === undefined
      ? undefined
      : problems.check(() =>
          integerArg(root.field("archiveSizeGiB"), args.archiveSizeGiB, 1, 65536, ARCHIVE_SIZE_FACTOR * sourceSizeGiB),
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
    retentionDays: retentionDays!,
    image: image!,
    archiveSizeGiB: archiveSizeGiB!,
    colocateWith: colocateWith!,
    namespace,
    imagePullSecrets: [...(args.imagePullSecrets ?? [])],
    storageClass: args.storageClass,
    prefix: source!.logicalName,
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
