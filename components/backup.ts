import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Target, VolumeRef } from "./types";
import { ContainerService } from "./container-service";
import { PersistentVolume } from "./persistent-volume";
import { backupContainer, backupCronJob, restoreJob } from "./backup/cron-job";
import { networkPolicyManifest } from "./container-service/network-policy";
import {
  dockerOneShotSettings,
  dockerRestoreCommand,
  dockerSchedulerArgs,
  SCHEDULER_SUFFIX,
  shellQuote,
} from "./backup/docker-scheduler";
import { type ResolvedBackup, resolveBackupSpec } from "./backup/resolve";
import type { DockerContainerSettings } from "./container-service/docker-settings";

/** Arguments of {@link Backup}. See docs/guides/backups.md. */
export interface BackupArgs {
  /** Where the volume lives: the local Docker engine or Kubernetes. The provider comes from the resource options. */
  readonly target: Target;
  /** The PersistentVolume to back up (its `volumeName` is mounted read-only, its `logicalName` prefixes the archives). */
  readonly volume: VolumeRef;
  /**
   * When to back up: a 5-field cron expression in UTC (`*`, `N`, `A-B`, `*\/S`, `A-B/S`, lists; no names or macros).
   * @example "0 3 * * *" (03:00 UTC daily)
   */
  readonly schedule: string;
  /**
   * Days an archive is kept: each backup deletes archives older than this, 1–3650.
   * @default 7
   */
  readonly retentionDays?: number;
  /** The backup image (apps/backup) by digest (`repo@sha256:…`); on Docker a local image ID (`sha256:…`) too. May be an output. */
  readonly image: pulumi.Input<string>;
  /**
   * Size in GiB of the volume being backed up, used only for the default archive size.
   * @default 1 (PersistentVolume's default)
   */
  readonly sourceSizeGiB?: number;
  /**
   * Size in GiB of the archive volume (Kubernetes; Docker's local driver has no limit).
   * @default 2 × sourceSizeGiB (room for retentionDays+1 compressed archives of a compressible volume)
   */
  readonly archiveSizeGiB?: number;
  /**
   * Kubernetes only: labels of the pods that mount the volume (e.g. `{ "app.kubernetes.io/instance": "web" }`).
   * A ReadWriteOnce claim is attached to one node, so the backup job gets a required pod affinity to
   * these pods on `kubernetes.io/hostname`. Required for a ReadWriteOnce volume; ignored on Docker.
   * @default {} (no affinity: allowed only for ReadWriteMany/ReadOnlyMany volumes)
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
   */
  readonly colocateWith?: Record<string, string>;
  /**
   * Kubernetes only: namespace of the CronJob and archive claim: the volume's namespace.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Kubernetes only: names of `kubernetes.io/dockerconfigjson` Secrets to pull the image with.
   * @default []
   */
  readonly imagePullSecrets?: pulumi.Input<string>[];
  /**
   * Kubernetes only: StorageClass of the archive claim (prefer one on other disks than the source's).
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: pulumi.Input<string>;
}

/**
 * Scheduled tar+gzip backups of a PersistentVolume, with a sha256 beside each archive and
 * retention, onto an archive volume of its own (`<name>-archive`, retained on delete and
 * protected with the component's `protect` option). Kubernetes: a CronJob. Docker: a hardened
 * scheduler container. `restoreCommand` says how to restore.
 */
export class Backup extends pulumi.ComponentResource {
  /** Name of the archive volume (Docker volume or PVC). */
  declare public readonly archiveVolumeName: pulumi.Output<string>;
  /** A command restoring archive `$ARCHIVE` into the volume (see docs/guides/backups.md). */
  declare public readonly restoreCommand: pulumi.Output<string>;
  /** Name of the CronJob, or of the Docker scheduler container. */
  declare public readonly schedulerName: pulumi.Output<string>;
  /** The archive volume itself (retained on delete; to mount it elsewhere, or copy it off-site). */
  declare public readonly archive: PersistentVolume;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:storage:Backup", name, {}, opts);
    const spec = resolveBackupSpec(name, args);
    const archive = new PersistentVolume(
      `${name}-archive`,
      {
        target: spec.target,
        sizeGiB: spec.archiveSizeGiB,
        accessMode: "ReadWriteOnce",
        storageClass: spec.storageClass,
        namespace: spec.namespace,
        retainOnDelete: true,
      },
      { parent: this, protect: opts?.protect },
    );
    const wired = spec.target === "docker" ? this.wireDocker(spec, archive) : this.wireKubernetes(spec, archive);
    this.archive = archive;
    this.archiveVolumeName = archive.volumeName;
    this.restoreCommand = wired.restoreCommand;
    this.schedulerName = wired.schedulerName;
    this.registerOutputs({
      archiveVolumeName: this.archiveVolumeName,
      restoreCommand: this.restoreCommand,
      schedulerName: this.schedulerName,
    });
  }

  private wireDocker(spec: ResolvedBackup, archive: PersistentVolume): Wired {
    const scheduler = new ContainerService(`${spec.name}-${SCHEDULER_SUFFIX}`, dockerSchedulerArgs(spec, archive), {
      parent: this,
    });
    const settings = pulumi.output(
      dockerOneShotSettings(spec, archive, "restore"),
    ) as pulumi.Output<DockerContainerSettings>;
    return {
      schedulerName: scheduler.workloadNames.apply((names) => names[0]),
      restoreCommand: settings.apply((s) =>
        [restorePreamble(spec), dockerRestoreCommand(s, `${spec.name}-restore`)].join("\n"),
      ),
    };
  }

  private wireKubernetes(spec: ResolvedBackup, archive: PersistentVolume): Wired {
    const manifest = backupCronJob(spec, archive);
    const cronJob = new k8s.batch.v1.CronJob(
      spec.name,
      { metadata: manifest.metadata, spec: manifest.spec },
      { parent: this },
    );
    // The same mechanism as services: the job's pods (backup and restore alike) reach their
    // volumes through mounts, not the network, so their policy admits nothing in or out.
    const policy = networkPolicyManifest(backupContainer(spec, archive, "backup"));
    new k8s.networking.v1.NetworkPolicy(spec.name, { metadata: policy.metadata, spec: policy.spec }, { parent: this });
    const job = pulumi.output(restoreJob(spec, archive, "$ARCHIVE"));
    return {
      schedulerName: cronJob.metadata.name,
      restoreCommand: job.apply((j) =>
        [
          restorePreamble(spec),
          `# Scale the workload mounting "${spec.source.logicalName}" to 0 first; delete the Job when it has succeeded.`,
          `kubectl apply -f - <<EOF\n${JSON.stringify(j, null, 2)}\nEOF`,
        ].join("\n"),
      ),
    };
  }
}

function restorePreamble(spec: ResolvedBackup): string {
  return `# Restore volume "${spec.source.logicalName}": set ARCHIVE to an archive name, e.g. ARCHIVE=${shellQuote(`${spec.prefix}-20260101T030000Z.tar.gz`)}`;
}

/** What a target's wiring returns to the constructor. */
interface Wired {
  readonly schedulerName: pulumi.Output<string>;
  readonly restoreCommand: pulumi.Output<string>;
}
