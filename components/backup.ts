import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Target, VolumeRef } from "./types";
import type { ResourceArgs } from "./container-service/args";
import { ContainerService } from "./container-service";
import { PersistentVolume } from "./persistent-volume";
import { secretManifest } from "./container-service/kubernetes-objects";
import { backupContainer, backupCronJob, restoreJob, SCHEDULED_JOBS } from "./backup/cron-job";
import {
  dockerOneShotSettings,
  dockerRestoreCommand,
  dockerSchedulerArgs,
  oneShotNetwork,
  passedByName,
  SCHEDULER_SUFFIX,
} from "./backup/docker-scheduler";
import { type ResolvedBackup, resolveBackupSpec } from "./backup/resolve";
import { type BackupVolumes, repositorySecrets } from "./backup/service-args";
import type { RetentionPolicy } from "./rules/restic";

/**
 * Where a Backup's snapshots go. With a `url`, an off-site restic repository (one per volume:
 * callers give each Backup its own path); without, a volume `<name>-repository` beside the source
 * (same engine or cluster: for development, it does not survive losing the host).
 * @see https://restic.readthedocs.io/en/stable/030_preparing_a_new_repo.html
 */
export interface BackupRepositoryArgs {
  /**
   * restic repository URL: `rest:https://host[:port]/path`, `sftp:user@host:/path`,
   * `sftp://user@host[:port]/path` or `s3:https://host/bucket[/prefix]`. No credentials in it:
   * they have fields of their own. Initialized by the first backup.
   * @default none: the volume repository
   */
  readonly url?: string;
  /**
   * The repository password restic encrypts everything with (a secret). Required with `url`.
   * Keep a copy outside the platform: without it the snapshots cannot be read.
   * @default generated (volume repository only; kept in the stack's state and the repositoryPassword output)
   */
  readonly password?: pulumi.Input<string>;
  /** `rest:` basic-auth user (a secret; with restPassword, over https only). @default none */
  readonly restUsername?: pulumi.Input<string>;
  /** `rest:` basic-auth password (a secret). @default none */
  readonly restPassword?: pulumi.Input<string>;
  /** `s3:` access key ID (a secret; with s3SecretAccessKey). @default none: ambient credentials (e.g. workload identity) */
  readonly s3AccessKeyId?: pulumi.Input<string>;
  /** `s3:` secret access key (a secret). @default none */
  readonly s3SecretAccessKey?: pulumi.Input<string>;
  /** `sftp:` private key in OpenSSH format (a secret); required for sftp. @default none */
  readonly sshPrivateKey?: pulumi.Input<string>;
  /** `sftp:` the server's known_hosts lines (`ssh-keyscan` prints them); required for sftp. @default none */
  readonly sshKnownHosts?: string[];
}

/** Arguments of {@link Backup}. See docs/guides/backups.md. */
export interface BackupArgs {
  /** Where the volume lives: the local Docker engine or Kubernetes. The provider comes from the resource options. */
  readonly target: Target;
  /** The PersistentVolume to back up (its `volumeName` is mounted read-only; its `logicalName` names its snapshots). */
  readonly volume: VolumeRef;
  /**
   * When to back up: a 5-field cron expression in UTC (`*`, `N`, `A-B`, `*\/S`, `A-B/S`, lists; no names or macros).
   * @default "0 3 * * *" (03:00 UTC daily)
   */
  readonly schedule?: string;
  /**
   * Retention after each backup (`restic forget --prune`, this volume's snapshots only): how many
   * snapshots each rule keeps; 0 leaves a rule out; at least one must keep something.
   * @default { daily: 7, weekly: 4, monthly: 6 } (each rule left out takes its default)
   * @see https://restic.readthedocs.io/en/stable/060_forget.html
   */
  readonly keep?: Partial<RetentionPolicy>;
  /**
   * The periodic `restic check` of the whole repository: its schedule (UTC) and the share of the
   * data it reads back each time (a different random subset; 0 checks the structure only).
   * @default { schedule: "30 4 * * 0", readDataPercent: 5 } (Sundays 04:30 UTC)
   */
  readonly check?: { readonly schedule?: string; readonly readDataPercent?: number };
  /**
   * The restore drill: its schedule (UTC), and how old the newest snapshot may be before the
   * drill fails (backups stopped).
   * @default { schedule: "30 4 * * 3", maxSnapshotAgeHours: 48 } (Wednesdays 04:30 UTC)
   */
  readonly drill?: { readonly schedule?: string; readonly maxSnapshotAgeHours?: number };
  /** Where snapshots go, and the secrets to reach and open it. @default the volume repository, password generated */
  readonly repository?: BackupRepositoryArgs;
  /** The backup image (apps/backup) by digest (`repo@sha256:…`); on Docker a local image ID (`sha256:…`) too. May be an output. */
  readonly image: pulumi.Input<string>;
  /**
   * Size in GiB of the volume being backed up: the default volume repository size, and on
   * Kubernetes the size of each job's scratch volume (a drill restores the whole volume there).
   * @default 1 (PersistentVolume's default)
   */
  readonly sourceSizeGiB?: number;
  /**
   * Size in GiB of the volume repository (Kubernetes; Docker's local driver has no limit).
   * @default 2 × sourceSizeGiB
   */
  readonly repositorySizeGiB?: number;
  /**
   * CPU and memory of each job (restic keeps the repository's index in memory).
   * @default { cpu: "1", memory: "1Gi" }
   */
  readonly resources?: ResourceArgs;
  /**
   * Kubernetes only: labels of the pods that mount the volume (e.g. `{ "app.kubernetes.io/instance": "web" }`).
   * A ReadWriteOnce claim is attached to one node, so the backup job gets a required pod affinity to
   * these pods on `kubernetes.io/hostname`. Required for a ReadWriteOnce volume; ignored on Docker.
   * @default {} (no affinity: allowed only for ReadWriteMany/ReadOnlyMany volumes)
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
   */
  readonly colocateWith?: Record<string, string>;
  /**
   * Kubernetes only: namespace of the CronJobs, the Secret and the claims: the volume's namespace.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Kubernetes only: names of `kubernetes.io/dockerconfigjson` Secrets to pull the image with.
   * @default []
   */
  readonly imagePullSecrets?: pulumi.Input<string>[];
  /**
   * Kubernetes only: StorageClass of the volume repository and of the jobs' scratch volumes.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: pulumi.Input<string>;
}

/**
 * Scheduled, encrypted, deduplicated restic backups of a PersistentVolume, with retention, a
 * periodic `restic check` and a restore drill, into a restic repository: off-site by URL, or a
 * volume `<name>-repository` beside the source (retained on delete). Kubernetes: three CronJobs
 * and a Secret. Docker: a hardened scheduler container. `restoreCommand` says how to restore.
 * The Backup's state (volume repository, generated password, Secret) takes the `protect` option.
 */
export class Backup extends pulumi.ComponentResource {
  /** The repository: its URL (no credentials), or the volume repository's volume name. */
  declare public readonly repository: pulumi.Output<string>;
  /** The repository password (a secret): the generated one, or the one given. */
  declare public readonly repositoryPassword: pulumi.Output<string>;
  /** A command restoring snapshot `$SNAPSHOT` (default latest) into the empty volume (see docs/guides/backups.md). */
  declare public readonly restoreCommand: pulumi.Output<string>;
  /** Name of the backup CronJob, or of the Docker scheduler container (which runs every job). */
  declare public readonly schedulerName: pulumi.Output<string>;
  /** Names of the check and drill CronJobs, or the Docker scheduler container's. */
  declare public readonly checkName: pulumi.Output<string>;
  /** @see checkName */
  declare public readonly drillName: pulumi.Output<string>;
  /** The volume repository (undefined with a repository URL). */
  declare public readonly repositoryVolume: PersistentVolume | undefined;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:storage:Backup", name, {}, opts);
    const spec = resolveBackupSpec(name, args);
    // protect guards what the snapshots cannot be read without; jobs and schedulers stay replaceable.
    const guarded = { parent: this, protect: opts?.protect ?? false };
    const volume =
      spec.repository.kind === "volume"
        ? new PersistentVolume(
            `${name}-repository`,
            {
              target: spec.target,
              sizeGiB: spec.repositorySizeGiB,
              accessMode: "ReadWriteOnce",
              storageClass: spec.storageClass,
              namespace: spec.namespace,
              retainOnDelete: true,
            },
            guarded,
          )
        : undefined;
    const password = pulumi.secret(
      spec.repository.password ??
        new random.RandomPassword(`${name}-password`, { length: 40, special: false }, guarded).result,
    );
    const secrets = repositorySecrets(spec, password);
    const wired =
      spec.target === "docker"
        ? this.wireDocker(spec, { repository: volume }, secrets)
        : this.wireKubernetes(spec, { repository: volume }, secrets, guarded);
    this.repositoryVolume = volume;
    this.repository = volume
      ? volume.volumeName
      : pulumi.output(spec.repository.kind === "remote" ? spec.repository.url : "");
    this.repositoryPassword = password;
    this.restoreCommand = wired.restoreCommand;
    this.schedulerName = wired.names.backup;
    this.checkName = wired.names.check;
    this.drillName = wired.names.drill;
    this.registerOutputs({
      repository: this.repository,
      repositoryPassword: this.repositoryPassword,
      restoreCommand: this.restoreCommand,
      schedulerName: this.schedulerName,
      checkName: this.checkName,
      drillName: this.drillName,
    });
  }

  private wireDocker(
    spec: ResolvedBackup,
    volumes: BackupVolumes,
    secrets: Record<string, pulumi.Input<string>>,
  ): Wired {
    // Throwaway working space: temporary pack files, and what a drill restores (removed after it).
    const scratch = new PersistentVolume(
      `${spec.name}-scratch`,
      { target: "docker", accessMode: "ReadWriteOnce", retainOnDelete: false },
      { parent: this, protect: false },
    );
    const withScratch = { ...volumes, scratch };
    const scheduler = new ContainerService(
      `${spec.name}-${SCHEDULER_SUFFIX}`,
      dockerSchedulerArgs(spec, withScratch, secrets),
      { parent: this, protect: false },
    );
    const name = scheduler.workloadNames.apply((names) => names[0]);
    const network = oneShotNetwork(spec);
    const settings = pulumi
      .output(dockerOneShotSettings(spec, volumes, "restore", {}))
      .apply((s) => passedByName(s, Object.keys(secrets)));
    return {
      names: { backup: name, check: name, drill: name },
      restoreCommand: settings.apply((s) =>
        [
          ...restorePreamble(spec, Object.keys(secrets)),
          `# Stop what writes "${spec.source.logicalName}" first (docker stop <container>), start it again after.`,
          dockerRestoreCommand(s, `${spec.name}-restore`, network),
        ].join("\n"),
      ),
    };
  }

  private wireKubernetes(
    spec: ResolvedBackup,
    volumes: BackupVolumes,
    secrets: Record<string, pulumi.Input<string>>,
    guarded: pulumi.CustomResourceOptions,
  ): Wired {
    const manifest = secretManifest(backupContainer(spec, volumes, "backup", secrets))!;
    // Retained in prod: deleting the Backup leaves the repository readable from the cluster.
    const secret = new k8s.core.v1.Secret(
      `${spec.name}-repository`,
      {
        metadata: manifest.metadata,
        type: manifest.type,
        stringData: Object.fromEntries(Object.entries(secrets).map(([key, value]) => [key, pulumi.secret(value)])),
      },
      { ...guarded, retainOnDelete: guarded.protect },
    );
    const secretName = secret.metadata.name;
    const names = Object.fromEntries(
      SCHEDULED_JOBS.map((job) => {
        const manifest = backupCronJob(spec, volumes, job, secrets, secretName);
        const cronJob = new k8s.batch.v1.CronJob(
          job === "backup" ? spec.name : `${spec.name}-${job}`,
          { metadata: manifest.metadata, spec: manifest.spec },
          { parent: this, protect: false },
        );
        return [job, cronJob.metadata.name];
      }),
    ) as Wired["names"];
    // The restore pod reads the same Secret, by reference: the Job holds no secret value.
    const job = pulumi.output(restoreJob(spec, volumes, "${SNAPSHOT:-latest}", secrets, secretName));
    return {
      names,
      restoreCommand: job.apply((j) =>
        [
          ...restorePreamble(spec, []),
          `# Scale the workload mounting "${spec.source.logicalName}" to 0 first; delete the Job when it has succeeded, then scale back.`,
          `kubectl apply -f - <<EOF\n${JSON.stringify(j, null, 2)}\nEOF`,
        ].join("\n"),
      ),
    };
  }
}

function restorePreamble(spec: ResolvedBackup, passedByName: readonly string[]): string[] {
  return [
    `# Restore volume "${spec.source.logicalName}" from its restic repository into the EMPTY volume (restore refuses a non-empty one).`,
    `# SNAPSHOT: a snapshot ID, default latest (the drill's log and "restic snapshots" list them).`,
    ...(passedByName.length === 0
      ? []
      : [
          `# Export ${passedByName.join(", ")} in this shell first (the password: the Backup's repositoryPassword output); docker run takes them from it by name, so they are never written here.`,
        ]),
  ];
}

/** What a target's wiring returns to the constructor. */
interface Wired {
  readonly names: {
    readonly backup: pulumi.Output<string>;
    readonly check: pulumi.Output<string>;
    readonly drill: pulumi.Output<string>;
  };
  readonly restoreCommand: pulumi.Output<string>;
}
