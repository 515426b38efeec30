/**
 * Prometheus rule groups as plain data (the shape of a rule file and of a PrometheusRule's
 * `spec.groups`), and the one way an alert is made: a severity, a summary and a description
 * naming the object, a runbook link, and its `for:` unless the caller shortened it.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
import type { AlertName } from "./args";
import { duration, durationSeconds } from "./promql";
import type { ResolvedMonitoring } from "./resolve";

/** How urgent an alert is: critical pages someone, warning opens a ticket. */
export type Severity = "critical" | "warning";

/** An alerting rule as Prometheus reads it. */
export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

/** A recording rule as Prometheus reads it. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** A named group of rules, evaluated together. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (AlertingRule | RecordingRule)[];
}

/** What an alert says besides its name: see {@link alertingRule}. */
export interface AlertSpec {
  readonly expr: string;
  readonly severity: Severity;
  /** Seconds the condition must hold before it fires (0: at once): {@link holdFor}'s answer. */
  readonly forSeconds: number;
  /** Labels beyond `severity` (e.g. the object's name when the expression does not carry it). */
  readonly labels?: Readonly<Record<string, string>>;
  /** One line naming the object (Go templates of `$labels` and `$value` allowed). */
  readonly summary: string;
  /** What it means, with the numbers behind it. */
  readonly description: string;
}

/** The `runbook_url` of an alert: the runbook's address and the alert's section (its name in lower case). */
export function runbookUrl(spec: Pick<ResolvedMonitoring, "runbookUrl">, alert: AlertName): string {
  return `${spec.runbookUrl}#${alert.toLowerCase()}`;
}

/** Seconds an alert's condition must hold: `alertFor`'s value for it when given, else its default. */
export function holdFor(spec: Pick<ResolvedMonitoring, "alertFor">, alert: AlertName, defaultSeconds: number): number {
  const given = spec.alertFor[alert];
  return given === undefined ? defaultSeconds : (durationSeconds(given) ?? defaultSeconds);
}

/** An alerting rule with the severity label, the annotations and the `for:` every alert gets. */
export function alertingRule(spec: ResolvedMonitoring, alert: AlertName, a: AlertSpec): AlertingRule {
  return {
    alert,
    expr: a.expr,
    ...(a.forSeconds === 0 ? {} : { for: duration(Math.round(a.forSeconds)) }),
    labels: { severity: a.severity, ...a.labels },
    annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(spec, alert) },
  };
}

/** Whether a rule is an alerting rule. */
export function isAlert(rule: AlertingRule | RecordingRule): rule is AlertingRule {
  return "alert" in rule;
}
