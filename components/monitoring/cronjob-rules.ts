/**
 * Alerts on the Backups' CronJobs (backup, check, drill) from kube-state-metrics. How long a
 * CronJob may go without a success is derived from its own schedule, with the project's cron
 * grammar (components/rules/cron.ts, ADR 0016): two of its longest intervals and an hour, so one
 * missed or failed run is tolerated (its own failure alerts), two are not. A backup every 6 hours
 * alerts 13 hours after its last success, a daily one after 49 hours, a weekly check after 337.
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/cronjob-metrics.md
 */
import * as rules from "../rules";
import { matchers, spoken } from "./promql";
import type { MonitoredCronJob, ResolvedMonitoring } from "./resolve";
import { alertingRule, holdFor, type RuleGroup } from "./rule-model";

/** The time a run is allowed beyond its interval (the same hour the drill's maximum age allows: rules/cron.ts). */
export const RUN_ALLOWANCE_SECONDS = 3600;
/** How late past its due time a run may still not have started before CronJobNotScheduled. */
export const SCHEDULE_LATENESS_SECONDS = 3600;

/**
 * Seconds a CronJob on `schedule` may go without a successful run before it alerts: two of its
 * longest gaps between runs (as Kubernetes runs it) and {@link RUN_ALLOWANCE_SECONDS}.
 */
export function staleAfterSeconds(schedule: string): number {
  const gap = rules.longestGapMinutes(schedule);
  if (gap === undefined) throw new Error(`"${schedule}" is not a cron schedule that fires`);
  return 2 * gap * 60 + RUN_ALLOWANCE_SECONDS;
}

const PURPOSE = {
  backup: "backs up the volume",
  check: "checks the repository",
  drill: "restores the newest snapshot as a drill",
} as const;

/** The CronJob alerts of every Backup, or undefined when there is none. */
export function cronJobRuleGroup(spec: ResolvedMonitoring): RuleGroup | undefined {
  if (spec.cronJobs.length === 0) return undefined;
  return { name: `${spec.namespace}.cronjobs`, rules: spec.cronJobs.flatMap((job) => cronJobAlerts(spec, job)) };
}

function cronJobAlerts(spec: ResolvedMonitoring, job: MonitoredCronJob) {
  const cronJob = matchers({ namespace: spec.namespace, cronjob: job.name });
  // The CronJob controller names each Job `<cronjob>-<scheduled time in minutes>`.
  const jobs = matchers({ namespace: spec.namespace, job_name: { op: "=~", value: `${job.name}-[0-9]+` } });
  const stale = staleAfterSeconds(job.schedule);
  const gap = (rules.longestGapMinutes(job.schedule) ?? 0) * 60;
  const what = `${job.name} (${PURPOSE[job.purpose]}, "${job.schedule}" UTC)`;
  const lastSuccess = `max by (namespace, cronjob) (kube_cronjob_status_last_successful_time${cronJob})`;
  return [
    alertingRule(spec, "CronJobNoRecentSuccess", {
      // Never succeeded: counted from its creation.
      expr:
        `time() - ${lastSuccess} > ${stale}\nor\n` +
        `(time() - max by (namespace, cronjob) (kube_cronjob_created${cronJob}) > ${stale}\n` +
        ` unless on (namespace, cronjob) kube_cronjob_status_last_successful_time${cronJob})`,
      severity: job.purpose === "backup" ? "critical" : "warning",
      forSeconds: holdFor(spec, "CronJobNoRecentSuccess", 0),
      labels: { cronjob: job.name },
      summary: `${job.name} in ${spec.namespace} has not succeeded for {{ $value | humanizeDuration }}`,
      description:
        `${what} runs at most ${spoken(gap)} apart; its last success (or its creation) was ` +
        `{{ $value | humanizeDuration }} ago, past ${spoken(stale)} (two intervals and an hour): ` +
        (job.purpose === "backup"
          ? "no new snapshot is being taken."
          : job.purpose === "check"
            ? "the repository's integrity is not being verified."
            : "nothing proves the backups can be restored."),
    }),
    alertingRule(spec, "CronJobFailed", {
      // The newest failures only: a failed run older than the last success has been made good.
      expr:
        `max by (namespace, job_name) (kube_job_status_failed${jobs}) > 0\n` +
        `unless on (namespace, job_name) (kube_job_status_succeeded${jobs} > 0)\n` +
        `unless on (namespace, job_name) (kube_job_status_active${jobs} > 0)\n` +
        `unless on (namespace, job_name) (\n` +
        `  kube_job_status_start_time${jobs}\n  < on (namespace) group_left ()\n` +
        `  max by (namespace) (kube_cronjob_status_last_successful_time${cronJob})\n)`,
      severity: "warning",
      forSeconds: holdFor(spec, "CronJobFailed", 0),
      labels: { cronjob: job.name },
      summary: `Run {{ $labels.job_name }} of ${job.name} in ${spec.namespace} failed`,
      description:
        `{{ $labels.job_name }}, a run of ${what}, failed after its retries and no later run has succeeded. ` +
        `Its pods are kept: kubectl logs job/{{ $labels.job_name }} -n ${spec.namespace}.`,
    }),
    alertingRule(spec, "CronJobNotScheduled", {
      expr: `time() - max by (namespace, cronjob) (kube_cronjob_next_schedule_time${cronJob}) > ${SCHEDULE_LATENESS_SECONDS}`,
      severity: "warning",
      forSeconds: holdFor(spec, "CronJobNotScheduled", 0),
      labels: { cronjob: job.name },
      summary: `${job.name} in ${spec.namespace} has not started a run due {{ $value | humanizeDuration }} ago`,
      description:
        `${what} was due {{ $value | humanizeDuration }} ago and no run has started: the CronJob is suspended, ` +
        `the run was skipped (more than 10 minutes late: startingDeadlineSeconds), or the CronJob controller is not running.`,
    }),
  ];
}
