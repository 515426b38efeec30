/**
 * The promtool unit tests' scenarios (run by test/engines/monitoring/promtool.test.ts), checked
 * without Prometheus: every alert is shown both firing and staying quiet, every expected alert
 * comes from exactly one rule whose templates the scenario fills, and its summary is what that
 * rule's summary renders to.
 */
import { describe, expect, it } from "vitest";
import { ALERT_NAMES } from "../../components";
import { monitoringObjects } from "../../components/monitoring/objects";
import { SHOP } from "./support/fixture";
import { fillTemplates, promtoolTestFiles, ruleOf } from "./support/promtool-tests";
import { SCENARIOS } from "./support/rule-scenarios";

const groups = monitoringObjects("dockyard", SHOP).prometheusRule.spec.groups;
const checks = SCENARIOS.flatMap((s) => s.checks);

describe("rule scenarios", () => {
  it.each(ALERT_NAMES)("show %s firing and staying quiet", (alert) => {
    expect(checks.some((c) => c.alert === alert && c.fires.length > 0)).toBe(true);
    expect(checks.some((c) => c.alert === alert && c.fires.length === 0)).toBe(true);
  });

  it("expect alerts that one rule each makes, with the summary that rule renders", () => {
    for (const check of checks)
      for (const fired of check.fires) {
        const rule = ruleOf(groups, check, fired);
        expect(fillTemplates(rule.annotations.summary, fired), `${check.alert} at ${check.at}`).toBe(fired.summary);
        expect(() => fillTemplates(rule.annotations.description, fired)).not.toThrow();
      }
  });

  it("are written as one promtool test file per evaluation interval", () => {
    const files = promtoolTestFiles("rules.yaml", groups, SCENARIOS);
    expect([...files.keys()].sort()).toEqual(["tests-10m.yaml", "tests-1h.yaml", "tests-1m.yaml"]);
    for (const text of files.values()) expect(text).toMatch(/^rule_files:\n {2}- rules.yaml\nevaluation_interval: /);
  });
});
