import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { SCRATCH_DIR } from "../../apps/backup/contract";
import { podSpec, type ResolvedService, resolveServiceSpec, serviceLabels } from "../workload";
import type { ResolvedBackup } from "./resolve";
import { backupServiceArgs, type BackupMode, type BackupVolumes, containerName } from "./service-args";
import { withDatabaseStep } from "./database-pod";

type CronJob = k8s.types.input.batch.v1.CronJob;
type Job = k8s.types.input.batch.v1.Job;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/**
 * Timing of the backup, check and drill CronJobs and their Jobs, decided once:
 * - a run missed by more than `startingDeadlineSeconds` (controller down) is skipped, not run late;
 * - `backoffLimit` retries a failed pod twice; `activeDeadlineSeconds` ends a hung run;
 * - three successful and three failed Jobs are kept for `kubectl logs` (and for monitors).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export const CRON_JOB_POLICY = {
  timeZone: "Etc/UTC",
  concurrencyPolicy: "Forbid",
  startingDeadlineSeconds: 600,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
  backoffLimit: 2,
  activeDeadlineSeconds: 6 * 3600,
} as const;

/** Node label the pod affinity co-locates on: one node, where a ReadWriteOnce claim is attached. */
export const COLOCATION_TOPOLOGY_KEY = "kubernetes.io/hostname";

/** Pod volume of the scratch space each job gets. */
export const SCRATCH_VOLUME_NAME = "backup-scratch";

/** The scheduled jobs, each a CronJob on Kubernetes. */
export const SCHEDULED_JOBS = ["backup", "check", "drill"] as const;
export type ScheduledJob = (typeof SCHEDULED_JOBS)[number];

/** The container of a mode as ContainerService's resolver sees it (all hardened defaults applied). */
export function backupContainer(
  spec: ResolvedBackup,
  volumes: BackupVolumes,
  mode: BackupMode,
  secrets: Record<string, pulumi.Input<string>>,
): ResolvedService {
  return resolveServiceSpec(containerName(spec, mode), backupServiceArgs(spec, volumes, mode, secrets));
}

/**
 * One CronJob: its schedule in UTC, no overlapping runs, and a pod meeting the "restricted" Pod
 * Security Standard with a read-only root filesystem (the pod spec is ContainerService's own),
 * the repository secrets by `secretKeyRef` from `secretName`, a scratch volume created with the pod
 * and deleted with it (a generic ephemeral volume of `scratchSizeGiB`: a drill restores the whole
 * source into it), and, when the pod mounts a ReadWriteOnce claim (the source, or the volume
 * repository), a required affinity to the node of the pods labelled `colocateWith`.
 */
export function backupCronJob(
  spec: ResolvedBackup,
  volumes: BackupVolumes,
  job: ScheduledJob,
  secrets: Record<string, pulumi.Input<string>>,
  secretName: pulumi.Input<string> | undefined,
): CronJob {
  const container = backupContainer(spec, volumes, job, secrets);
  const labels = serviceLabels(container);
  const {
    timeZone,
    concurrencyPolicy,
    startingDeadlineSeconds,
    successfulJobsHistoryLimit,
    failedJobsHistoryLimit,
    backoffLimit,
    activeDeadlineSeconds,
  } = CRON_JOB_POLICY;
  // A database source's backup reaches the database over the network and mounts no source.
  const needsNode = (job === "backup" && spec.database === undefined) || volumes.repository !== undefined;
  const pod = withScratch(spec, jobPod(container, secretName));
  const schedule = { backup: spec.schedule, check: spec.check.schedule, drill: spec.drill.schedule }[job];
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: containerName(spec, job), ...namespaced(spec), labels },
    spec: {
      schedule,
      timeZone,
      concurrencyPolicy,
      startingDeadlineSeconds,
      successfulJobsHistoryLimit,
      failedJobsHistoryLimit,
      suspend: false,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit,
          activeDeadlineSeconds,
          template: {
            metadata: { labels },
            spec: {
              ...(spec.database === undefined || job === "check"
                ? pod
                : withDatabaseStep(spec, pod, job, secretName, SCRATCH_VOLUME_NAME)),
              ...(needsNode ? colocation(spec.colocateWith) : {}),
            },
          },
        },
      },
    },
  };
}

/**
 * A one-off restore Job of `snapshot` into the source claim (mounted writable at /target). The
 * workload using the claim must be scaled to zero first: no affinity is needed then. A database
 * source's Job fetches the dump into a scratch volume and loads it into the (empty) database.
 */
export function restoreJob(
  spec: ResolvedBackup,
  volumes: BackupVolumes,
  snapshot: string,
  secrets: Record<string, pulumi.Input<string>>,
  secretName: pulumi.Input<string> | undefined,
): Job {
  const container = backupContainer(spec, volumes, "restore", secrets);
  const labels = serviceLabels(container);
  const pod = jobPod(container, secretName);
  const main: Container = pod.containers[0];
  const restore = { ...pod, containers: [{ ...main, args: [snapshot] }] };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${spec.name}-restore`, ...namespaced(spec), labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: CRON_JOB_POLICY.activeDeadlineSeconds,
      template: {
        metadata: { labels },
        // A database source: restic fetches the dump into scratch space, then the database container loads it.
        spec:
          spec.database === undefined
            ? restore
            : withDatabaseStep(spec, withScratch(spec, restore), "restore", secretName, SCRATCH_VOLUME_NAME),
      },
    },
  };
}

/** ContainerService's pod spec, for a pod that runs to completion. */
function jobPod(
  container: ResolvedService,
  secretName: pulumi.Input<string> | undefined,
): PodSpec & { containers: Container[] } {
  return { ...podSpec(container, secretName), restartPolicy: "Never" } as PodSpec & { containers: Container[] };
}

/** The pod with a scratch volume at SCRATCH_DIR: a claim created with the pod and deleted with it. */
function withScratch(
  spec: ResolvedBackup,
  pod: PodSpec & { containers: Container[] },
): PodSpec & { containers: Container[] } {
  const main: Container = pod.containers[0];
  return {
    ...pod,
    containers: [
      {
        ...main,
        volumeMounts: [
          ...((main.volumeMounts as unknown[]) ?? []),
          { name: SCRATCH_VOLUME_NAME, mountPath: SCRATCH_DIR },
        ],
      },
    ] as Container[],
    volumes: [
      ...((pod.volumes as unknown[]) ?? []),
      {
        name: SCRATCH_VOLUME_NAME,
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: { "app.kubernetes.io/component": "backup" } },
            spec: {
              accessModes: ["ReadWriteOnce"],
              ...(spec.storageClass === undefined ? {} : { storageClassName: spec.storageClass }),
              resources: { requests: { storage: `${spec.scratchSizeGiB}Gi` } },
            },
          },
        },
      },
    ] as k8s.types.input.core.v1.Volume[],
  };
}

function colocation(labels: Record<string, string>): Pick<PodSpec, "affinity"> {
  if (Object.keys(labels).length === 0) return {};
  return {
    affinity: {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: labels }, topologyKey: COLOCATION_TOPOLOGY_KEY },
        ],
      },
    },
  };
}

function namespaced(spec: ResolvedBackup): { namespace?: ResolvedBackup["namespace"] } {
  return spec.namespace === undefined ? {} : { namespace: spec.namespace };
}
