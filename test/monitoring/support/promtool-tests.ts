/**
 * Writes ./rule-scenarios.ts as `promtool test rules` files: one per evaluation interval, each
 * naming the rule file. The expected labels and summaries are the scenarios' own; an expected
 * description is the rule's text with its templates filled in from the scenario's labels and
 * values (so a wrong number or object fails, while prose can change without touching them).
 */
import { stringify } from "yaml";
import type { AlertingRule, RuleGroup } from "../../../components/monitoring/rule-model";
import { isAlert } from "../../../components/monitoring/rule-model";
import { RUNBOOK } from "./fixture";
import type { Check, Fired, Scenario } from "./rule-scenarios";

/** The one alerting rule a fired alert comes from: same name, and its static labels among the alert's. */
export function ruleOf(groups: readonly RuleGroup[], check: Check, fired: Fired): AlertingRule {
  const candidates = groups
    .flatMap((g) => g.rules)
    .filter(isAlert)
    .filter((r) => r.alert === check.alert)
    .filter((r) => Object.entries(r.labels).every(([k, v]) => fired.labels[k] === v));
  if (candidates.length !== 1)
    throw new Error(`${check.alert} at ${check.at} ${JSON.stringify(fired.labels)} matches ${candidates.length} rules`);
  return candidates[0];
}

/** A rule's annotation with its `{{ … }}` templates filled in; throws on a template the scenario gives no text for. */
export function fillTemplates(text: string, fired: Fired): string {
  return text.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const label = /^\$labels\.(\w+)$/.exec(expression);
    const value = label === null ? fired.values?.[expression] : fired.labels[label[1]];
    if (value === undefined) throw new Error(`no text for {{ ${expression} }} in "${text}"`);
    return value;
  });
}

/** The test files (name → text), one per evaluation interval, each loading `ruleFile`. */
export function promtoolTestFiles(
  ruleFile: string,
  groups: readonly RuleGroup[],
  scenarios: readonly Scenario[],
): Map<string, string> {
  const byInterval = new Map<string, Scenario[]>();
  for (const s of scenarios) {
    const interval = s.evaluationInterval ?? "1m";
    byInterval.set(interval, [...(byInterval.get(interval) ?? []), s]);
  }
  const files = new Map<string, string>();
  for (const [interval, list] of byInterval) {
    const tests = list.map((s) => ({
      name: s.name,
      interval: s.interval,
      input_series: Object.entries(s.series).map(([series, values]) => ({ series, values })),
      alert_rule_test: s.checks.map((check) => ({
        eval_time: check.at,
        alertname: check.alert,
        exp_alerts: check.fires.map((fired) => {
          const rule = ruleOf(groups, check, fired);
          return {
            exp_labels: { ...fired.labels },
            exp_annotations: {
              summary: fired.summary,
              description: fillTemplates(rule.annotations.description, fired),
              runbook_url: `${RUNBOOK}#${check.alert.toLowerCase()}`,
            },
          };
        }),
      })),
    }));
    files.set(
      `tests-${interval}.yaml`,
      stringify({ rule_files: [ruleFile], evaluation_interval: interval, tests }, { lineWidth: 0 }),
    );
  }
  return files;
}
