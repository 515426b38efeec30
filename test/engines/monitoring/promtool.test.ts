/**
 * Prometheus' own tool on the generated rules: `promtool check rules` (syntax, PromQL, templates,
 * duplicate rules) on every shape of input, and `promtool test rules` on the scenarios of
 * test/monitoring/support/rule-scenarios.ts: every alert firing and staying quiet, at the times,
 * with the labels and the annotations worked out there.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { MonitoringArgs } from "../../../components";
import { monitoringObjects, prometheusRuleFile } from "../../../components/monitoring/objects";
import { SHOP } from "../../monitoring/support/fixture";
import { promtoolTestFiles } from "../../monitoring/support/promtool-tests";
import { SCENARIOS } from "../../monitoring/support/rule-scenarios";
import { needs } from "../support/needs";
import { toolPath } from "../support/requirements";

const run = promisify(execFile);
needs("promtool");

const dir = mkdtempSync(join(tmpdir(), "dockyard-promtool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs promtool in `dir` (30 s at most); its exit status and output. */
async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(await toolPath("promtool"), args, { cwd: dir, timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    if (e.killed === true) throw new Error(`promtool ${args.join(" ")} did not finish within 30 s`);
    return { code: typeof e.code === "number" ? e.code : 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** Writes the rule file and the scenarios' test files for `args` under `prefix`; the test files' names. */
function writeTests(prefix: string, args: MonitoringArgs): string[] {
  const ruleFile = `${prefix}-rules.yaml`;
  writeFileSync(join(dir, ruleFile), prometheusRuleFile("dockyard", args));
  const files = promtoolTestFiles(ruleFile, monitoringObjects("dockyard", args).prometheusRule.spec.groups, SCENARIOS);
  return [...files].map(([name, text]) => {
    writeFileSync(join(dir, `${prefix}-${name}`), text);
    return `${prefix}-${name}`;
  });
}

describe("promtool check rules", () => {
  it.each<[string, MonitoringArgs]>([
    ["every kind of alert (the tests' namespace)", SHOP],
    ["nothing but the workloads", { namespace: "bare", release: "r" }],
    [
      "objectives on a whole-second threshold, cert-manager labels honoured, alerts shortened",
      {
        ...SHOP,
        services: [
          { name: "front", metricsPort: 9464, objectives: { latency: { thresholdSeconds: 1, target: 0.95 } } },
        ],
        certManagerNamespaceLabel: "namespace",
        alertFor: { ServiceDown: "2s", VolumeFillingUp: "0s" },
      },
    ],
  ])("accepts the rules for %s", async (_what, args) => {
    writeFileSync(join(dir, "check.yaml"), prometheusRuleFile("dockyard", args));
    const { code, output } = await promtool("check", "rules", "check.yaml");
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(code, output).toBe(0);
  });

  it("refuses a broken rule (the check bites)", async () => {
    writeFileSync(
      join(dir, "broken.yaml"),
      prometheusRuleFile("dockyard", SHOP).replace("max by (namespace, job) (", "max by (namespace, job ("),
    );
    const { code, output } = await promtool("check", "rules", "broken.yaml");
    expect(code).not.toBe(0);
    expect(output).toMatch(/parse error/);
  });
});

describe("promtool test rules", () => {
  it("every alert fires and stays quiet as the scenarios say", async () => {
    const files = writeTests("shop", SHOP);
    // One promtool per evaluation interval, side by side: the 1-minute file takes longest (~6 s).
    const results = await Promise.all(files.map((file) => promtool("test", "rules", file)));
    for (const [i, { code, output }] of results.entries()) {
      expect(output, files[i]).toContain("SUCCESS");
      expect(code, `${files[i]}:\n${output}`).toBe(0);
    }
  });

  it("fail when a CronJob's threshold is not its own schedule's (a daily backup's 49 h for a 6-hourly one)", async () => {
    const files = writeTests("daily", { ...SHOP, backups: [{ name: "web-data-backup", schedule: "0 3 * * *" }] });
    const { code, output } = await promtool(
      "test",
      "rules",
      files.find((f) => f.endsWith("tests-10m.yaml"))!,
    );
    expect(code).not.toBe(0);
    expect(output).toContain("alertname: CronJobNoRecentSuccess, time: 13h10m");
  });

  it("fail when probes count in an objective (they would dilute front's errors below every threshold)", async () => {
    const files = writeTests("probes", {
      ...SHOP,
      services: SHOP.services!.map((s) => ({ ...s, objectives: { ...s.objectives, ignoredRoutes: [] } })),
    });
    const { code, output } = await promtool(
      "test",
      "rules",
      files.find((f) => f.endsWith("tests-1m.yaml"))!,
    );
    expect(code).not.toBe(0);
    expect(output).toContain("alertname: ErrorBudgetBurnFast");
  });
});
