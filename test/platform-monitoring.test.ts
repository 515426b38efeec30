/**
 * What the kubernetes stacks declare for their monitoring: a monitor per service with metrics, one
 * PrometheusRule whose backup staleness alerts follow the stack's own schedules, and Prometheus
 * admitted to the metrics ports only. Every object is validated against its published schema in
 * synth-artefacts.test.ts; the alerts themselves are proven with promtool in the engine suite.
 */
import { describe, expect, it } from "vitest";
import { rules } from "../components/internal";
import { evaluate, ofType, type RecordedResource } from "./support/pulumi-harness";
import { committedConfig, writeStackFile } from "./support/stack-files";
import { backupJobNames, platformOf } from "./support/topology";
import { T } from "./support/types";

type Rule = { alert?: string; expr: string; labels?: Record<string, string> };

function alertRules(resources: readonly RecordedResource[]): Rule[] {
  const [rule] = ofType(resources, T.prometheusRule);
  return (rule.inputs as { spec: { groups: { rules: Rule[] }[] } }).spec.groups.flatMap((group) => group.rules);
}

/** Seconds since the last successful run after which a CronJob's staleness alert fires. */
function staleAfterSeconds(alerts: readonly Rule[], cronJob: string): number {
  const stale = alerts.find(
    (a) =>
      a.labels?.cronjob === cronJob &&
      a.expr.includes("kube_cronjob_status_last_successful_time") &&
      />\s*\d+/.test(a.expr),
  );
  if (stale === undefined) throw new Error(`no staleness alert for ${cronJob}`);
  return Number(/>\s*(\d+)/.exec(stale.expr)![1]);
}

describe.each(["test", "prod"])("%s: monitoring", (stack) => {
  it("monitors every service with metrics and holds every backup job to its schedule", async () => {
    const { resources } = await evaluate(stack);
    const platform = platformOf(stack);
    const monitors = ofType(resources, T.serviceMonitor).map((m) => m.name);
    expect(monitors.sort()).toEqual(
      platform.services
        .filter((s) => s.metrics !== undefined)
        .map((s) => `dockyard-${s.name}`)
        .sort(),
    );
    const alerts = alertRules(resources);
    const schedules = {
      "": platform.backup.schedule,
      "-check": platform.backup.check.schedule,
      "-drill": platform.backup.drill.schedule,
    };
    for (const job of backupJobNames(platform)) {
      const schedule =
        Object.entries(schedules).find(([suffix]) => suffix !== "" && job.endsWith(`backup${suffix}`))?.[1] ??
        schedules[""];
      // Quiet on a healthy schedule: a run is due at least once within the threshold.
      expect(staleAfterSeconds(alerts, job), job).toBeGreaterThan(rules.longestGapMinutes(schedule)! * 60);
    }
  });
});

describe("backup staleness follows the stack's schedule", () => {
  it("a backup every 6 hours alerts sooner than a daily one", async () => {
    const config = structuredClone(committedConfig("prod"));
    (config["dockyard:backup"] as Record<string, unknown>).schedule = "0 */6 * * *";
    const sixHourly = alertRules((await evaluate("prod", writeStackFile(config))).resources);
    const daily = alertRules((await evaluate("prod")).resources);
    // The committed schedule is daily.
    expect(rules.longestGapMinutes(platformOf("prod").backup.schedule)).toBe(24 * 60);
    for (const job of ["web-data-backup", "postgres-data-backup"])
      expect(staleAfterSeconds(sixHourly, job), job).toBeLessThan(staleAfterSeconds(daily, job));
  });
});
