/**
 * Alerts on the services' own metrics: whether Prometheus reaches them (`up`), and their
 * objectives, alerted on by multi-window, multi-burn-rate alerts as the Google SRE workbook
 * recommends: a 30-day error budget, paged on when 2 % of it burns in an hour or 5 % in six
 * hours, ticketed when 10 % burns in a day or in three; each long window paired with a short one
 * (1/12 of it) so an alert stops soon after the burning does.
 * @see https://sre.google/workbook/alerting-on-slos/#6-multiwindow-multi-burn-rate-alerts
 */
import type { AlertName } from "./args";
import { HTTP_METRICS } from "./defaults";
import { bucketBound, matchers, num, regexLiteral, spoken } from "./promql";
import type { ResolvedMonitoredService, ResolvedMonitoring } from "./resolve";
import { alertingRule, holdFor, type RecordingRule, type RuleGroup, type Severity } from "./rule-model";

/** Days the error budget spans. */
export const SLO_PERIOD_DAYS = 30;

/** One pair of windows of the multi-window, multi-burn-rate alerts. */
export interface BurnWindow {
  /** Fast (page) or Slow (ticket). */
  readonly speed: "Fast" | "Slow";
  readonly severity: Severity;
  readonly long: string;
  readonly short: string;
  /** How many times faster than allowed the budget burns: `share of the budget / (long window / period)`. */
  readonly factor: number;
  /** The share of the 30-day budget burnt within the long window at that rate. */
  readonly budgetShare: number;
}

/** The SRE workbook's table for a 30-day objective. */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { speed: "Fast", severity: "critical", long: "1h", short: "5m", factor: 14.4, budgetShare: 0.02 },
  { speed: "Fast", severity: "critical", long: "6h", short: "30m", factor: 6, budgetShare: 0.05 },
  { speed: "Slow", severity: "warning", long: "1d", short: "2h", factor: 3, budgetShare: 0.1 },
  { speed: "Slow", severity: "warning", long: "3d", short: "6h", factor: 1, budgetShare: 0.1 },
];

/** Every window a ratio is recorded over. */
const WINDOWS = [...new Set(BURN_WINDOWS.flatMap((w) => [w.short, w.long]))];

/** Recording rule names: the error and slow ratios of a service's requests over a window. */
export function ratioRecord(kind: "error" | "slow", window: string): string {
  return `job:http_request_${kind}_ratio:rate${window}`;
}

/** Default `for:` of the target alerts, in seconds. */
const FOR = { ServiceDown: 120, MetricsTargetDown: 300, ServiceMetricsAbsent: 600 } as const;

/** The rule groups of one service: whether it is scraped, and its objectives when it has any. */
export function serviceRuleGroups(spec: ResolvedMonitoring, service: ResolvedMonitoredService): RuleGroup[] {
  const groups: RuleGroup[] = [
    { name: `${spec.namespace}.${service.name}.targets`, rules: targetAlerts(spec, service) },
  ];
  const { availability, latency } = service.objectives;
  if (availability !== undefined || latency !== undefined)
    groups.push({ name: `${spec.namespace}.${service.name}.objectives`, rules: objectiveRules(spec, service) });
  return groups;
}

function targetAlerts(spec: ResolvedMonitoring, service: ResolvedMonitoredService) {
  const up = `up${matchers({ namespace: spec.namespace, job: service.name })}`;
  const where = `${service.name} in ${spec.namespace}`;
  const down = holdFor(spec, "ServiceDown", FOR.ServiceDown);
  const targetDown = holdFor(spec, "MetricsTargetDown", FOR.MetricsTargetDown);
  const absent = holdFor(spec, "ServiceMetricsAbsent", FOR.ServiceMetricsAbsent);
  return [
    alertingRule(spec, "ServiceDown", {
      expr: `max by (namespace, job) (${up}) == 0`,
      severity: "critical",
      forSeconds: down,
      labels: { service: service.name },
      summary: `${where} is down: none of its instances answers Prometheus`,
      description:
        `Every instance of ${service.name} has failed Prometheus' scrape of its metrics port (${service.metricsPort}) ` +
        `for ${spoken(down)}: it is not running, not ready to serve, or not reachable from Prometheus.`,
    }),
    alertingRule(spec, "MetricsTargetDown", {
      expr: `${up} == 0\nunless on (namespace, job)\n(max by (namespace, job) (${up}) == 0)`,
      severity: "warning",
      forSeconds: targetDown,
      labels: { service: service.name },
      summary: `{{ $labels.instance }} of ${where} does not answer Prometheus`,
      description:
        `One instance of ${service.name} ({{ $labels.instance }}) has failed its scrapes for ${spoken(targetDown)} ` +
        `while others answer: one replica is unhealthy, restarting or unreachable.`,
    }),
    alertingRule(spec, "ServiceMetricsAbsent", {
      expr: `absent(${up})`,
      severity: "warning",
      forSeconds: absent,
      labels: { service: service.name },
      summary: `Prometheus finds no instance of ${where} to scrape`,
      description:
        `No scrape target of ${service.name} has existed for ${spoken(absent)}: the service has no pods, ` +
        `or its ${service.monitor} does not select them (release label, port name "${service.metricsPortName}").`,
    }),
  ];
}

function objectiveRules(spec: ResolvedMonitoring, service: ResolvedMonitoredService) {
  const { availability, latency, ignoredRoutes } = service.objectives;
  const selector = matchers({
    namespace: spec.namespace,
    job: service.name,
    ...(ignoredRoutes.length === 0 ? {} : { route: { op: "!~", value: ignoredRoutes.map(regexLiteral).join("|") } }),
  });
  const by = "sum by (namespace, job)";
  const recordings: RecordingRule[] = [];
  const alerts = [];
  const job = matchers({ namespace: spec.namespace, job: service.name });
  if (availability !== undefined) {
    for (const w of WINDOWS)
      recordings.push({
        record: ratioRecord("error", w),
        expr:
          `${by} (rate(${HTTP_METRICS.errors}${selector}[${w}]))\n/\n` +
          `${by} (rate(${HTTP_METRICS.requests}${selector}[${w}]))`,
      });
    const budget = 1 - availability;
    for (const window of BURN_WINDOWS)
      alerts.push(
        burnAlert(spec, service, `ErrorBudgetBurn${window.speed}`, window, budget, job, {
          kind: "error",
          what: "failed",
          objective: `${num(availability * 100)} % of requests succeed`,
        }),
      );
  }
  if (latency !== undefined) {
    const le = matchers({
      namespace: spec.namespace,
      job: service.name,
      ...(ignoredRoutes.length === 0 ? {} : { route: { op: "!~", value: ignoredRoutes.map(regexLiteral).join("|") } }),
      le: bucketBound(latency.thresholdSeconds),
    });
    for (const w of WINDOWS)
      recordings.push({
        record: ratioRecord("slow", w),
        expr:
          `1 - (\n  ${by} (rate(${HTTP_METRICS.duration}_bucket${le}[${w}]))\n  /\n` +
          `  ${by} (rate(${HTTP_METRICS.duration}_count${selector}[${w}]))\n)`,
      });
    const budget = 1 - latency.target;
    for (const window of BURN_WINDOWS)
      alerts.push(
        burnAlert(spec, service, `LatencyBudgetBurn${window.speed}`, window, budget, job, {
          kind: "slow",
          what: `took longer than ${num(latency.thresholdSeconds)} s`,
          objective: `${num(latency.target * 100)} % of requests are answered within ${num(latency.thresholdSeconds)} s`,
        }),
      );
  }
  return [...recordings, ...alerts];
}

function burnAlert(
  spec: ResolvedMonitoring,
  service: ResolvedMonitoredService,
  alert: AlertName,
  window: BurnWindow,
  budget: number,
  job: string,
  sli: { readonly kind: "error" | "slow"; readonly what: string; readonly objective: string },
) {
  const threshold = num(window.factor * budget);
  const daysLeft = SLO_PERIOD_DAYS / window.factor;
  const budgetKind = sli.kind === "error" ? "error" : "latency";
  return alertingRule(spec, alert, {
    expr:
      `${ratioRecord(sli.kind, window.long)}${job} > ${threshold}\nand\n` +
      `${ratioRecord(sli.kind, window.short)}${job} > ${threshold}`,
    severity: window.severity,
    forSeconds: holdFor(spec, alert, 0),
    labels: { service: service.name, long_window: window.long, short_window: window.short },
    summary:
      `${service.name} in ${spec.namespace} is burning its ${budgetKind} budget ` +
      `${num(window.factor)} times as fast as allowed`,
    description:
      `{{ $value | humanizePercentage }} of ${service.name}'s requests ${sli.what} over the last ${window.long} ` +
      `(and still over the last ${window.short}); the objective (${sli.objective} over ${SLO_PERIOD_DAYS} days) allows ` +
      `${num(budget * 100)} %. At this rate ${num(window.budgetShare * 100)} % of the ${SLO_PERIOD_DAYS}-day budget is ` +
      `gone within ${window.long}, and all of it in ${spoken(Math.round(daysLeft * 86_400))}.`,
  });
}
