#!/usr/bin/env node
// `npm run mutate [-- <module>… | --force]`: one Stryker run per critical module of
// test/mutation/modules.cjs (all by default), each with its own incremental state in
// out/mutation/<module>.incremental.json, so a local run only tests the mutants of changed code or
// tests, and a module can be run alone. Then prints every module's score (mutation-report.cjs).
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const modules = require("../test/mutation/modules.cjs");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const force = args.includes("--force");
const asked = args.filter((a) => a !== "--force");
const unknown = asked.filter((id) => !modules.some((m) => m.id === id));
if (unknown.length > 0) {
  console.error(
    `mutate: no module ${unknown.map((id) => `"${id}"`).join(", ")}; the modules are: ${modules.map((m) => m.id).join(", ")}`,
  );
  process.exit(2);
}

// One module's Stryker run takes minutes to about two hours on 2 cores (docs/testing.md); the
// report, a second. Past these limits a run hangs, and is killed with a line saying so.
const MODULE_TIMEOUT_MS = 6 * 60 * 60_000;
const REPORT_TIMEOUT_MS = 60_000;

const stryker = path.join(root, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
for (const { id, name } of asked.length > 0 ? modules.filter((m) => asked.includes(m.id)) : modules) {
  console.log(`\nmutate: ${name} (${id})`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [stryker, "run", ...(force ? ["--force"] : [])], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DOCKYARD_MUTATE_MODULE: id },
    timeout: MODULE_TIMEOUT_MS,
    killSignal: "SIGKILL",
  });
  if (run.error?.code === "ETIMEDOUT") {
    console.error(`mutate: Stryker on ${id} did not finish within ${MODULE_TIMEOUT_MS / 3_600_000} h: killed`);
    process.exit(1);
  }
  if (run.status !== 0) {
    console.error(`mutate: Stryker failed on ${id} (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
  console.log(`mutate: ${id} took ${((Date.now() - started) / 60000).toFixed(1)} min`);
}

const report = spawnSync(process.execPath, [path.join(__dirname, "mutation-report.cjs")], {
  stdio: "inherit",
  timeout: REPORT_TIMEOUT_MS,
  killSignal: "SIGKILL",
});
if (report.error?.code === "ETIMEDOUT")
  console.error(`mutate: the report did not finish within ${REPORT_TIMEOUT_MS / 1000} s: killed`);
process.exit(report.status ?? 1);
