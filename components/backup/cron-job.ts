import type * as k8s from "@pulumi/kubernetes";
import { serviceLabels } from "../container-service/labels";
import { podSpec } from "../container-service/pod-spec";
import { resolveServiceSpec } from "../container-service/resolve";
import type { ResolvedService } from "../container-service/spec";
import type { VolumeRef } from "../types";
import type { ResolvedBackup } from "./resolve";
import { backupServiceArgs } from "./service-args";

type CronJob = k8s.types.input.batch.v1.CronJob;
type Job = k8s.types.input.batch.v1.Job;
type PodSpec = k8s.types.input.core.v1.PodSpec;

/**
 * Timing of the backup CronJob and its Jobs, decided once:
 * - a run missed by more than `startingDeadlineSeconds` (controller down) is skipped, not run late;
 * - `backoffLimit` retries a failed pod twice; `activeDeadlineSeconds` ends a hung run;
 * - three successful and three failed Jobs are kept for `kubectl logs`.
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

/** The backup container as ContainerService's resolver sees it (all hardened defaults applied). */
export function backupContainer(spec: ResolvedBackup, archive: VolumeRef, mode: "backup" | "restore"): ResolvedService {
  return resolveServiceSpec(spec.name, backupServiceArgs(spec, archive, mode));
}

/**
 * The CronJob: the schedule in UTC, no overlapping runs, and a pod meeting the "restricted" Pod
 * Security Standard with a read-only root filesystem (the pod spec is ContainerService's own),
 * mounting the source claim read-only and the archive claim writable, required to run on the
 * node of the pods labelled `colocateWith` (the node the ReadWriteOnce source is attached to).
 */
export function backupCronJob(spec: ResolvedBackup, archive: VolumeRef): CronJob {
  const container = backupContainer(spec, archive, "backup");
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
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: spec.name, ...namespaced(spec), labels },
    spec: {
      schedule: spec.schedule,
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
          template: { metadata: { labels }, spec: { ...jobPod(container), ...colocation(spec.colocateWith) } },
        },
      },
    },
  };
}

/**
 * A one-off restore Job of the archive `archiveName` into the source claim (mounted writable at
 * /target). The workload using the claim must be scaled to zero first: no affinity is needed then.
 */
export function restoreJob(spec: ResolvedBackup, archive: VolumeRef, archiveName: string): Job {
  const container = backupContainer(spec, archive, "restore");
  const labels = serviceLabels(container);
  const pod = jobPod(container);
  const [main] = pod.containers as k8s.types.input.core.v1.Container[];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${spec.name}-restore`, ...namespaced(spec), labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: CRON_JOB_POLICY.activeDeadlineSeconds,
      template: { metadata: { labels }, spec: { ...pod, containers: [{ ...main, args: [archiveName] }] } },
    },
  };
}

/** ContainerService's pod spec, for a pod that runs to completion. */
function jobPod(container: ResolvedService): PodSpec & { containers: unknown[] } {
  return { ...podSpec(container), restartPolicy: "Never" } as PodSpec & { containers: unknown[] };
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
