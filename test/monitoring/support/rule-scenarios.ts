/**
 * Unit tests of the alerting rules, for `promtool test rules`: series as kube-state-metrics, the
 * kubelet, cert-manager and the apps would expose them, and which alerts must fire (or stay quiet)
 * at which time, for the monitoring of ./fixture.ts. Every expectation is written from what the
 * alert promises, not from its expression: the times, labels, summaries and the values Prometheus
 * computes (durations, percentages) are worked out here by hand, e.g. a backup every 6 hours
 * tolerates one missed run and its hour (quiet at 12h50m) but not two (firing at 13h10m).
 * Every alert is shown both firing and quiet (test/monitoring/rule-scenarios.test.ts holds that).
 */
import type { AlertName } from "../../../components/monitoring/args";

/** An alert expected at a check: its labels (all of them, besides alertname), its summary, and the values its description shows. */
export interface Fired {
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  /** The text each `{{ $value … }}` template of the description renders to (its `$labels` come from `labels`). */
  readonly values?: Readonly<Record<string, string>>;
}

/** At `at` (a duration from the start), exactly `fires` of `alert` are firing: none means quiet (or only pending). */
export interface Check {
  readonly at: string;
  readonly alert: AlertName;
  readonly fires: readonly Fired[];
}

/** A situation: series (promtool's expanding notation) sampled every `interval`, and the checks. */
export interface Scenario {
  readonly name: string;
  readonly interval: string;
  /** How often promtool evaluates the rules: longer for scenarios spanning weeks (no `for:` involved). @default "1m" */
  readonly evaluationInterval?: string;
  readonly series: Readonly<Record<string, string>>;
  readonly checks: readonly Check[];
}

const NS = 'namespace="shop"';
const front = (labels: string) => `{${NS}, job="front", ${labels}}`;
const records = 'method="GET", route="/api/records"';

/** front's traffic, per minute: answered 200 and 502 (both counted), errors (the 502s), and probes (ignored). */
function errorTraffic(ok: string, failed: string, minutes = 70): Record<string, string> {
  return {
    [`http_requests_total${front(`${records}, status="200"`)}`]: ok,
    [`http_requests_total${front(`${records}, status="502"`)}`]: failed,
    [`http_request_errors_total${front(records)}`]: failed,
    // Probes answer fast and never fail: counted, they would dilute every ratio below its threshold.
    [`http_requests_total${front('method="GET", route="/healthz", status="200"')}`]: `0+6000x${minutes}`,
  };
}

/** front's latency, per minute: answers within 0.5 s and all answers; probes all fast (ignored). */
function latencyTraffic(fast: string): Record<string, string> {
  return {
    [`http_request_duration_seconds_bucket${front(`${records}, le="0.5"`)}`]: fast,
    [`http_request_duration_seconds_count${front(records)}`]: "0+600x70",
    [`http_request_duration_seconds_bucket${front('method="GET", route="/healthz", le="0.5"')}`]: "0+6000x70",
    [`http_request_duration_seconds_count${front('method="GET", route="/healthz"')}`]: "0+6000x70",
  };
}

const burn = (
  kind: "error" | "latency",
  speed: "Fast" | "Slow",
  long: string,
  short: string,
  factor: string,
  value: string,
): Fired => ({
  labels: {
    namespace: "shop",
    job: "front",
    service: "front",
    long_window: long,
    short_window: short,
    severity: speed === "Fast" ? "critical" : "warning",
  },
  summary: `front in shop is burning its ${kind} budget ${factor} times as fast as allowed`,
  values: { "$value | humanizePercentage": value },
});
// The SRE workbook's pairs: page on 14.4× over 1h (and 5m) or 6× over 6h (and 30m); ticket on 3× over 1d (and 2h) or 1× over 3d (and 6h).
const fast1h = (kind: "error" | "latency", value: string) => burn(kind, "Fast", "1h", "5m", "14.4", value);
const fast6h = (kind: "error" | "latency", value: string) => burn(kind, "Fast", "6h", "30m", "6", value);
const slow1d = (kind: "error" | "latency", value: string) => burn(kind, "Slow", "1d", "2h", "3", value);
const slow3d = (kind: "error" | "latency", value: string) => burn(kind, "Slow", "3d", "6h", "1", value);

const cap = 'persistentvolumeclaim="web-data"';
const GiB10 = "10737418240";
const cert = 'namespace="cert-manager", name="front", exported_namespace="shop"';
const certLabels = { name: "front", exported_namespace: "shop", namespace: "shop", certificate: "front" };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "front loses one of two instances, web its only one (from minute 5)",
    interval: "1m",
    series: {
      [`up{${NS}, job="front", instance="10.0.0.1:9464"}`]: "1x30",
      [`up{${NS}, job="front", instance="10.0.0.2:9464"}`]: "1x4 0x26",
      [`up{${NS}, job="web", instance="10.0.0.3:9464"}`]: "1x4 0x26",
    },
    checks: [
      // Down since minute 5: ServiceDown waits 2 minutes, MetricsTargetDown 5.
      { at: "6m", alert: "ServiceDown", fires: [] },
      {
        at: "8m",
        alert: "ServiceDown",
        fires: [
          {
            labels: { namespace: "shop", job: "web", service: "web", severity: "critical" },
            summary: "web in shop is down: none of its instances answers Prometheus",
          },
        ],
      },
      { at: "9m", alert: "MetricsTargetDown", fires: [] },
      // Only front's lost instance: web's is part of a whole service down, which ServiceDown reports.
      {
        at: "11m",
        alert: "MetricsTargetDown",
        fires: [
          {
            labels: {
              namespace: "shop",
              job: "front",
              instance: "10.0.0.2:9464",
              service: "front",
              severity: "warning",
            },
            summary: "10.0.0.2:9464 of front in shop does not answer Prometheus",
          },
        ],
      },
      { at: "11m", alert: "ServiceMetricsAbsent", fires: [] },
    ],
  },
  {
    name: "web has no scrape target at all",
    interval: "1m",
    series: { [`up{${NS}, job="front", instance="10.0.0.1:9464"}`]: "1x20" },
    checks: [
      { at: "9m", alert: "ServiceMetricsAbsent", fires: [] },
      {
        at: "11m",
        alert: "ServiceMetricsAbsent",
        fires: [
          {
            labels: { namespace: "shop", job: "web", service: "web", severity: "warning" },
            summary: "Prometheus finds no instance of web in shop to scrape",
          },
        ],
      },
      { at: "11m", alert: "ServiceDown", fires: [] },
    ],
  },
  {
    // 99.5 % available: 0.5 % budget; pages above 7.2 % (1h) or 3 % (6h) errors, tickets above 1.5 % (1d) or 0.5 % (3d).
    name: "front fails 20 % of its requests for 20 minutes, then none",
    interval: "1m",
    series: errorTraffic("0+480x20 10200+600x40", "0+120x20 2400x40", 60),
    checks: [
      { at: "15m", alert: "ErrorBudgetBurnFast", fires: [fast1h("error", "20%"), fast6h("error", "20%")] },
      { at: "15m", alert: "ErrorBudgetBurnSlow", fires: [slow1d("error", "20%"), slow3d("error", "20%")] },
      // 35 minutes later the last hour still holds 7.27 % errors, but the short windows are clean: no page.
      { at: "55m", alert: "ErrorBudgetBurnFast", fires: [] },
      { at: "55m", alert: "ErrorBudgetBurnSlow", fires: [slow1d("error", "7.273%"), slow3d("error", "7.273%")] },
    ],
  },
  {
    name: "front fails 5 % of its requests for an hour",
    interval: "1m",
    series: errorTraffic("0+570x70", "0+30x70"),
    checks: [
      { at: "65m", alert: "ErrorBudgetBurnFast", fires: [fast6h("error", "5%")] },
      { at: "65m", alert: "ErrorBudgetBurnSlow", fires: [slow1d("error", "5%"), slow3d("error", "5%")] },
    ],
  },
  {
    name: "front fails 2 % of its requests for an hour",
    interval: "1m",
    series: errorTraffic("0+588x70", "0+12x70"),
    checks: [
      { at: "65m", alert: "ErrorBudgetBurnFast", fires: [] },
      { at: "65m", alert: "ErrorBudgetBurnSlow", fires: [slow1d("error", "2%"), slow3d("error", "2%")] },
    ],
  },
  {
    name: "front fails 0.3 % of its requests: within its budget",
    interval: "1m",
    series: errorTraffic("0+997x70", "0+3x70"),
    checks: [
      { at: "65m", alert: "ErrorBudgetBurnFast", fires: [] },
      { at: "65m", alert: "ErrorBudgetBurnSlow", fires: [] },
    ],
  },
  {
    // 99 % within 0.5 s: 1 % budget; pages above 14.4 % or 6 % slow, tickets above 3 % or 1 %.
    name: "20 % of front's requests take longer than 0.5 s",
    interval: "1m",
    series: latencyTraffic("0+480x70"),
    checks: [
      { at: "65m", alert: "LatencyBudgetBurnFast", fires: [fast1h("latency", "20%"), fast6h("latency", "20%")] },
      { at: "65m", alert: "LatencyBudgetBurnSlow", fires: [slow1d("latency", "20%"), slow3d("latency", "20%")] },
    ],
  },
  {
    name: "4 % of front's requests take longer than 0.5 s",
    interval: "1m",
    series: latencyTraffic("0+576x70"),
    checks: [
      { at: "65m", alert: "LatencyBudgetBurnFast", fires: [] },
      { at: "65m", alert: "LatencyBudgetBurnSlow", fires: [slow1d("latency", "4%"), slow3d("latency", "4%")] },
    ],
  },
  {
    name: "0.5 % of front's requests take longer than 0.5 s: within its budget",
    interval: "1m",
    series: latencyTraffic("0+597x70"),
    checks: [{ at: "65m", alert: "LatencyBudgetBurnSlow", fires: [] }],
  },
  {
    name: "workloads lose replicas from minute 5; a container restarts three times",
    interval: "1m",
    series: {
      [`kube_pod_container_status_restarts_total{${NS}, pod="front-7d9f8-abcde", container="front"}`]:
        "0 0 1 2 3 3 3 3 3 3 3",
      [`kube_pod_container_status_restarts_total{${NS}, pod="web-0", container="web"}`]: "0 0 1 2 2 2 2 2 2 2 2",
      [`kube_deployment_spec_replicas{${NS}, deployment="front"}`]: "2x30",
      [`kube_deployment_status_replicas_available{${NS}, deployment="front"}`]: "2x4 1x26",
      [`kube_deployment_spec_replicas{${NS}, deployment="api"}`]: "1x30",
      [`kube_deployment_status_replicas_available{${NS}, deployment="api"}`]: "1x4 0x26",
      [`kube_statefulset_replicas{${NS}, statefulset="web"}`]: "1x30",
      [`kube_statefulset_status_replicas_ready{${NS}, statefulset="web"}`]: "1x4 0x26",
      [`kube_statefulset_replicas{${NS}, statefulset="postgres"}`]: "3x30",
      [`kube_statefulset_status_replicas_ready{${NS}, statefulset="postgres"}`]: "3x4 2x26",
      [`kube_horizontalpodautoscaler_status_current_replicas{${NS}, horizontalpodautoscaler="front"}`]: "4x4 6x26",
      [`kube_horizontalpodautoscaler_spec_max_replicas{${NS}, horizontalpodautoscaler="front"}`]: "6x30",
      [`kube_horizontalpodautoscaler_status_current_replicas{${NS}, horizontalpodautoscaler="other"}`]: "5x30",
      [`kube_horizontalpodautoscaler_spec_max_replicas{${NS}, horizontalpodautoscaler="other"}`]: "6x30",
    },
    checks: [
      { at: "2m", alert: "PodRestartingOften", fires: [] },
      // front's container restarted 3 times, web's twice: only front's.
      {
        at: "10m",
        alert: "PodRestartingOften",
        fires: [
          {
            labels: { namespace: "shop", pod: "front-7d9f8-abcde", container: "front", severity: "warning" },
            summary: "Container front of pod front-7d9f8-abcde in shop keeps restarting",
            values: { '$value | printf "%.0f"': "3" },
          },
        ],
      },
      { at: "4m", alert: "DeploymentUnavailable", fires: [] },
      { at: "4m", alert: "StatefulSetUnavailable", fires: [] },
      // None available since minute 5, 5 minutes allowed; front and postgres still run some (15 minutes allowed).
      {
        at: "11m",
        alert: "DeploymentUnavailable",
        fires: [
          {
            labels: { namespace: "shop", deployment: "api", severity: "critical" },
            summary: "Deployment api in shop has no available replica",
            values: { $value: "1" },
          },
        ],
      },
      {
        at: "11m",
        alert: "StatefulSetUnavailable",
        fires: [
          {
            labels: { namespace: "shop", statefulset: "web", severity: "critical" },
            summary: "StatefulSet web in shop has no ready replica",
            values: { $value: "1" },
          },
        ],
      },
      { at: "11m", alert: "DeploymentReplicasUnavailable", fires: [] },
      { at: "11m", alert: "StatefulSetReplicasNotReady", fires: [] },
      { at: "19m", alert: "HorizontalPodAutoscalerAtMax", fires: [] },
      {
        at: "21m",
        alert: "DeploymentReplicasUnavailable",
        fires: [
          {
            labels: { namespace: "shop", deployment: "front", severity: "warning" },
            summary: "Deployment front in shop runs with fewer replicas than it wants",
            values: { $value: "1" },
          },
        ],
      },
      {
        at: "21m",
        alert: "StatefulSetReplicasNotReady",
        fires: [
          {
            labels: { namespace: "shop", statefulset: "postgres", severity: "warning" },
            summary: "StatefulSet postgres in shop runs with fewer ready replicas than it wants",
            values: { $value: "2" },
          },
        ],
      },
      {
        at: "21m",
        alert: "HorizontalPodAutoscalerAtMax",
        fires: [
          {
            labels: { namespace: "shop", horizontalpodautoscaler: "front", severity: "warning" },
            summary: "Autoscaler front in shop is at its maximum",
            values: { $value: "6" },
          },
        ],
      },
    ],
  },
  {
    // Every 6 hours: a missed run (12 h without success) and its hour tolerated, not more (13 h).
    name: "no CronJob has succeeded since the start",
    interval: "10m",
    evaluationInterval: "10m",
    series: {
      [`kube_cronjob_created{${NS}, cronjob="web-data-backup"}`]: "0x130",
      [`kube_cronjob_created{${NS}, cronjob="web-data-backup-check"}`]: "0x130",
      [`kube_cronjob_created{${NS}, cronjob="web-data-backup-drill"}`]: "0x130",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup"}`]: "0x130",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup-check"}`]: "0x130",
    },
    checks: [
      { at: "12h50m", alert: "CronJobNoRecentSuccess", fires: [] },
      // The weekly check and drill are still within their two weeks and an hour.
      {
        at: "13h10m",
        alert: "CronJobNoRecentSuccess",
        fires: [
          {
            labels: { namespace: "shop", cronjob: "web-data-backup", severity: "critical" },
            summary: "web-data-backup in shop has not succeeded for 13h 10m 0s",
            values: { "$value | humanizeDuration": "13h 10m 0s" },
          },
        ],
      },
    ],
  },
  {
    // Weekly: two weeks and an hour (337 h); the drill never succeeded, counted from its creation.
    name: "backups succeed every hour; the check has not since the start, the drill never has",
    interval: "1h",
    evaluationInterval: "1h",
    series: {
      [`kube_cronjob_created{${NS}, cronjob="web-data-backup"}`]: "0x345",
      [`kube_cronjob_created{${NS}, cronjob="web-data-backup-check"}`]: "0x345",
      [`kube_cronjob_created{${NS}, cronjob="web-data-backup-drill"}`]: "0x345",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup"}`]: "0+3600x345",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup-check"}`]: "0x345",
    },
    checks: [
      { at: "336h", alert: "CronJobNoRecentSuccess", fires: [] },
      {
        at: "338h",
        alert: "CronJobNoRecentSuccess",
        fires: [
          {
            labels: { namespace: "shop", cronjob: "web-data-backup-check", severity: "warning" },
            summary: "web-data-backup-check in shop has not succeeded for 14d 2h 0m 0s",
            values: { "$value | humanizeDuration": "14d 2h 0m 0s" },
          },
          {
            labels: { namespace: "shop", cronjob: "web-data-backup-drill", severity: "warning" },
            summary: "web-data-backup-drill in shop has not succeeded for 14d 2h 0m 0s",
            values: { "$value | humanizeDuration": "14d 2h 0m 0s" },
          },
        ],
      },
    ],
  },
  {
    name: "runs fail: a backup (made good by a later success after 5 minutes), a check (made good before), a drill's pod (retried)",
    interval: "1m",
    series: {
      // The backup run started at 60 s failed; a later run succeeded at 120 s, reported from minute 5.
      [`kube_job_status_failed{${NS}, job_name="web-data-backup-29000000", reason="BackoffLimitExceeded"}`]: "1x70",
      [`kube_job_status_succeeded{${NS}, job_name="web-data-backup-29000000"}`]: "0x70",
      [`kube_job_status_active{${NS}, job_name="web-data-backup-29000000"}`]: "0x70",
      [`kube_job_status_start_time{${NS}, job_name="web-data-backup-29000000"}`]: "60x70",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup"}`]: "0x4 120x65",
      // The check run started at 300 s failed, and the check succeeded at 600 s.
      [`kube_job_status_failed{${NS}, job_name="web-data-backup-check-29000005", reason="BackoffLimitExceeded"}`]:
        "1x70",
      [`kube_job_status_succeeded{${NS}, job_name="web-data-backup-check-29000005"}`]: "0x70",
      [`kube_job_status_active{${NS}, job_name="web-data-backup-check-29000005"}`]: "0x70",
      [`kube_job_status_start_time{${NS}, job_name="web-data-backup-check-29000005"}`]: "300x70",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup-check"}`]: "600x70",
      // A drill run whose first pod failed and whose retry succeeded, and one still retrying.
      [`kube_job_status_failed{${NS}, job_name="web-data-backup-drill-29000010"}`]: "1x70",
      [`kube_job_status_succeeded{${NS}, job_name="web-data-backup-drill-29000010"}`]: "1x70",
      [`kube_job_status_active{${NS}, job_name="web-data-backup-drill-29000010"}`]: "0x70",
      [`kube_job_status_start_time{${NS}, job_name="web-data-backup-drill-29000010"}`]: "200x70",
      [`kube_job_status_failed{${NS}, job_name="web-data-backup-drill-29000020"}`]: "1x70",
      [`kube_job_status_succeeded{${NS}, job_name="web-data-backup-drill-29000020"}`]: "0x70",
      [`kube_job_status_active{${NS}, job_name="web-data-backup-drill-29000020"}`]: "1x70",
      [`kube_job_status_start_time{${NS}, job_name="web-data-backup-drill-29000020"}`]: "400x70",
      [`kube_cronjob_status_last_successful_time{${NS}, cronjob="web-data-backup-drill"}`]: "0x70",
      // The backup was due at 0 and has not started; the check and the drill are due later.
      [`kube_cronjob_next_schedule_time{${NS}, cronjob="web-data-backup"}`]: "0x70",
      [`kube_cronjob_next_schedule_time{${NS}, cronjob="web-data-backup-check"}`]: "100000x70",
      [`kube_cronjob_next_schedule_time{${NS}, cronjob="web-data-backup-drill"}`]: "100000x70",
    },
    checks: [
      {
        at: "3m",
        alert: "CronJobFailed",
        fires: [
          {
            labels: {
              namespace: "shop",
              job_name: "web-data-backup-29000000",
              cronjob: "web-data-backup",
              severity: "warning",
            },
            summary: "Run web-data-backup-29000000 of web-data-backup in shop failed",
          },
        ],
      },
      { at: "10m", alert: "CronJobFailed", fires: [] },
      { at: "59m", alert: "CronJobNotScheduled", fires: [] },
      {
        at: "62m",
        alert: "CronJobNotScheduled",
        fires: [
          {
            labels: { namespace: "shop", cronjob: "web-data-backup", severity: "warning" },
            summary: "web-data-backup in shop has not started a run due 1h 2m 0s ago",
            values: { "$value | humanizeDuration": "1h 2m 0s" },
          },
        ],
      },
    ],
  },
  {
    // cert-manager's series as its chart's ServiceMonitor stores them: the Certificate's namespace in exported_namespace.
    name: "front's certificate expires in 14 days and 30 minutes and is not Ready from minute 10",
    interval: "1m",
    series: {
      [`certmanager_certificate_expiration_timestamp_seconds{${cert}, issuer_name="letsencrypt", issuer_kind="ClusterIssuer"}`]:
        "1211400x120",
      [`certmanager_certificate_ready_status{${cert}, condition="True"}`]: "1x9 0x110",
      [`certmanager_certificate_ready_status{${cert}, condition="False"}`]: "0x9 1x110",
      [`certmanager_certificate_ready_status{${cert}, condition="Unknown"}`]: "0x120",
    },
    checks: [
      { at: "20m", alert: "CertificateNotReady", fires: [] },
      {
        at: "30m",
        alert: "CertificateNotReady",
        fires: [{ labels: { ...certLabels, severity: "warning" }, summary: "Certificate front in shop is not Ready" }],
      },
      // Within 14 days from minute 31; an hour allowed.
      { at: "1h20m", alert: "CertificateExpiringSoon", fires: [] },
      {
        at: "1h40m",
        alert: "CertificateExpiringSoon",
        fires: [
          {
            labels: { ...certLabels, severity: "warning" },
            summary: "Certificate front in shop expires in 13d 22h 50m 0s",
            values: { "$value | humanizeDuration": "13d 22h 50m 0s" },
          },
        ],
      },
      { at: "1h40m", alert: "CertificateExpiryImminent", fires: [] },
    ],
  },
  {
    name: "front's certificate expires in 3 days and 5 minutes",
    interval: "1m",
    series: {
      [`certmanager_certificate_expiration_timestamp_seconds{${cert}}`]: "259500x30",
      [`certmanager_certificate_ready_status{${cert}, condition="True"}`]: "1x30",
    },
    checks: [
      // Within 3 days from minute 6; 10 minutes allowed. The 14-day warning gives way to it.
      {
        at: "20m",
        alert: "CertificateExpiryImminent",
        fires: [
          {
            labels: { ...certLabels, severity: "critical" },
            summary: "Certificate front in shop expires in 2d 23h 45m 0s",
            values: { "$value | humanizeDuration": "2d 23h 45m 0s" },
          },
        ],
      },
      { at: "20m", alert: "CertificateExpiringSoon", fires: [] },
    ],
  },
  {
    name: "web-data has 5 % of its 10 GiB free",
    interval: "1m",
    series: {
      [`kubelet_volume_stats_capacity_bytes{${NS}, ${cap}}`]: `${GiB10}x20`,
      [`kubelet_volume_stats_available_bytes{${NS}, ${cap}}`]: "536870912x20",
    },
    checks: [
      { at: "4m", alert: "VolumeNearlyFull", fires: [] },
      {
        at: "6m",
        alert: "VolumeNearlyFull",
        fires: [
          {
            labels: { namespace: "shop", persistentvolumeclaim: "web-data", severity: "critical" },
            summary: "Volume web-data in shop is nearly full: 5% free",
            values: { "$value | humanizePercentage": "5%" },
          },
        ],
      },
      { at: "6m", alert: "VolumeFillingUp", fires: [] },
    ],
  },
  {
    // 3.5 GiB free, 1 GiB written a day: full in 3.5 days, within the 4 days looked ahead.
    name: "web-data fills by 1 GiB a day with 3.5 GiB free",
    interval: "1m",
    series: {
      [`kubelet_volume_stats_capacity_bytes{${NS}, ${cap}}`]: `${GiB10}x80`,
      [`kubelet_volume_stats_available_bytes{${NS}, ${cap}}`]: "3758096384-745654x80",
    },
    checks: [
      { at: "55m", alert: "VolumeFillingUp", fires: [] },
      {
        at: "70m",
        alert: "VolumeFillingUp",
        fires: [
          {
            labels: { namespace: "shop", persistentvolumeclaim: "web-data", severity: "warning" },
            summary: "Volume web-data in shop will be full within 4 days at its current rate",
            // 3758096384 - 70 × 745654 = 3705900604 bytes of 10737418240.
            values: { "$value | humanizePercentage": "34.51%" },
          },
        ],
      },
      { at: "70m", alert: "VolumeNearlyFull", fires: [] },
    ],
  },
  {
    // Half a GiB a day: 7 days to full, beyond the 4 looked ahead.
    name: "web-data fills by 0.5 GiB a day with 3.5 GiB free",
    interval: "1m",
    series: {
      [`kubelet_volume_stats_capacity_bytes{${NS}, ${cap}}`]: `${GiB10}x80`,
      [`kubelet_volume_stats_available_bytes{${NS}, ${cap}}`]: "3758096384-372827x80",
    },
    checks: [{ at: "70m", alert: "VolumeFillingUp", fires: [] }],
  },
];
