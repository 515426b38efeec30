import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { type CliRun, parity, STACK_TRACE, synth } from "../support/cli";
import { committedConfig } from "../support/stack-files";
import { type CaseContext, HOSTILE_CASES, type HostileCase } from "./corpus";

/** Every file below a directory, with its text (binary as latin1). */
function filesBelow(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({
      path: join(entry.parentPath, entry.name),
      text: readFileSync(join(entry.parentPath, entry.name), "latin1"),
    }));
}

function prepare(testCase: HostileCase): CaseContext {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-hostile-"));
  const ctx: CaseContext = { dir, file: join(dir, "Pulumi.case.yaml"), out: join(dir, "out") };
  mkdirSync(ctx.out);
  if (testCase.text !== undefined) writeFileSync(ctx.file, testCase.text);
  if (testCase.config) {
    const config = structuredClone(committedConfig("prod"));
    testCase.config(config);
    writeFileSync(ctx.file, stringify({ config }));
  }
  testCase.setup?.(ctx);
  return ctx;
}

async function runCase(testCase: HostileCase, ctx: CaseContext): Promise<CliRun> {
  const fill = (text: string) => text.replaceAll("$FILE", ctx.file).replaceAll("$OUT", ctx.out);
  const args = (
    testCase.args ?? (testCase.command === "synth" ? ["prod", "--config-file", "$FILE", "--out", "$OUT"] : [])
  ).map(fill);
  return testCase.command === "synth" ? synth(...args) : parity(...args);
}

describe("hostile inputs", () => {
  it("the corpus holds at least 120 cases covering every class", () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(120);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
    const kinds = new Set(HOSTILE_CASES.map((c) => c.kind));
    expect([...kinds].sort()).toEqual([
      "echo",
      "endpoints",
      "files",
      "namespaces",
      "parity",
      "paths",
      "rules",
      "secrets",
      "usage",
    ]);
  });

  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    const ctx = prepare(testCase);
    const before = filesBelow(ctx.out).map((f) => f.path);
    const run = await runCase(testCase, ctx);
    const fill = (text: string) => text.replaceAll("$FILE", ctx.file).replaceAll("$OUT", ctx.out);
    const printed = run.stderr.trimEnd().split("\n");
    for (const line of testCase.lines ?? []) {
      if (testCase.command === "parity" && line.startsWith("  config"))
        expect(run.stdout.split("\n")).toContain(fill(line));
      else expect(printed).toContain(fill(line));
    }
    expect(run.code, run.stderr).toBe(testCase.exit);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stderr).not.toContain("internal error");
    const written = filesBelow(ctx.out);
    if (testCase.exit !== 0) {
      if (testCase.command === "synth") expect(run.stdout).toBe("");
      // Nothing written, and whatever was there before left as it was.
      expect(written.map((f) => f.path)).toEqual(before);
    } else if (testCase.command === "synth") {
      expect(written.length).toBeGreaterThan(5);
    }
    for (const secret of testCase.secrets ?? []) {
      expect(run.stdout + run.stderr).not.toContain(secret);
      for (const file of written)
        expect(file.text.includes(secret) || file.path.includes(secret), file.path).toBe(false);
    }
  });
});

describe("every problem at once", () => {
  it("a prod stack file with four independent mistakes prints four lines, each naming file and key", async () => {
    const config = structuredClone(committedConfig("prod"));
    config["dockyard:target"] = "kube"; // schema-level
    (config["dockyard:services"] as Record<string, Record<string, unknown>>).web.replicas = "three"; // schema-level
    (config["dockyard:services"] as Record<string, Record<string, unknown>>).web.cpu = "0"; // only ContainerService checked it before
    (config["dockyard:backup"] as Record<string, unknown>).schedule = "61 * * * *"; // only Backup checked it before
    const dir = mkdtempSync(join(tmpdir(), "dockyard-four-"));
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, stringify({ config }));
    const run = await synth("prod", "--config-file", file, "--out", join(dir, "out"));
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      `${file}: dockyard:target must be "docker" or "kubernetes", got "kube"`,
      `${file}: dockyard:services.web.replicas must be 1 (web is the single writer of its ReadWriteOnce data volume), got "three"`,
      `${file}: dockyard:services.web.cpu must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores, got "0"`,
      `${file}: dockyard:backup.schedule has an invalid minute field "61" (allowed: *, N, A-B, */S, A-B/S with 0-59, comma-separated), got "61 * * * *"`,
    ]);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
