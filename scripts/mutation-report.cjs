#!/usr/bin/env node
// Prints the mutation score of each critical module from Stryker's JSON report
// (out/mutation/mutation.json, written by `npm run mutate`): killed (and timed-out) mutants over
// all mutants that could be tested, with the reviewed equivalent mutants of
// test/mutation/equivalent-mutants.json counted apart. Exit 1 when a module is below its target,
// or when a listed equivalent mutant no longer exists (the list must stay true).
"use strict";
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const REPORT = path.join(root, "out", "mutation", "mutation.json");
const EQUIVALENTS = path.join(root, "test", "mutation", "equivalent-mutants.json");
const TARGET = 85;

/** The critical modules, by path prefix. */
const MODULES = [
  ["hardening and container translators", ["components/hardening.ts", "components/container-service/"]],
  ["image policy", ["components/image-policy.ts", "components/registry/image-ref.ts"]],
  ["registry config and credentials", ["components/registry/"]],
  ["value rules", ["components/rules/"]],
  ["config schema and secret handling", ["infra/config", "infra/stack-file.ts", "infra/secrets.ts"]],
  ["parity", ["infra/parity/"]],
  [
    "protection wiring",
    ["infra/providers.ts", "infra/containers.ts", "infra/backups.ts", "infra/registry.ts", "infra/machines.ts"],
  ],
  ["libvirt providers", ["components/libvirt/"]],
  ["backup", ["components/backup"]],
];

function moduleOf(file) {
  return MODULES.find(([, prefixes]) => prefixes.some((prefix) => file.startsWith(prefix)))?.[0] ?? "other";
}

/** A summary of the last report, or undefined when there is none. */
function summarize() {
  if (!existsSync(REPORT)) return undefined;
  const report = JSON.parse(readFileSync(REPORT, "utf8"));
  const equivalents = JSON.parse(readFileSync(EQUIVALENTS, "utf8")).mutants;
  const matched = new Set();
  const modules = new Map();
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const relative = path.relative(root, path.resolve(root, file));
    const lines = source.split("\n");
    const name = moduleOf(relative);
    const counts = modules.get(name) ?? { killed: 0, survived: 0, equivalent: 0, ignored: 0 };
    for (const mutant of mutants) {
      const line = (lines[mutant.location.start.line - 1] ?? "").trim();
      const equivalent = equivalents.findIndex(
        (e) =>
          e.file === relative &&
          e.mutator === mutant.mutatorName &&
          e.line === line &&
          e.replacement === mutant.replacement,
      );
      if (mutant.status === "Killed" || mutant.status === "Timeout") counts.killed += 1;
      else if (mutant.status === "Ignored" || mutant.status === "CompileError" || mutant.status === "RuntimeError")
        counts.ignored += 1;
      else if (equivalent >= 0) {
        counts.equivalent += 1;
        matched.add(equivalent);
      } else counts.survived += 1;
    }
    modules.set(name, counts);
  }
  const stale = equivalents.filter((_, i) => !matched.has(i));
  return { modules, equivalents: equivalents.length, stale, date: report.timestamp ?? "" };
}

function print(summary) {
  const lines = [];
  for (const [name, c] of summary.modules) {
    const tested = c.killed + c.survived;
    const score = tested === 0 ? 100 : (100 * c.killed) / tested;
    lines.push({
      name,
      score,
      text: `${name.padEnd(36)} ${score.toFixed(1).padStart(5)} %  (${c.killed} killed, ${c.survived} survived, ${c.equivalent} equivalent)`,
    });
  }
  return lines;
}

module.exports = { summarize, print, TARGET };

if (require.main === module) {
  const summary = summarize();
  if (!summary) {
    console.log("mutation: no report yet: run `npm run mutate`");
    process.exit(1);
  }
  const lines = print(summary);
  console.log(
    `mutation score per critical module (target ≥ ${TARGET} %; ${summary.equivalents} reviewed equivalent mutants):`,
  );
  for (const line of lines) console.log(`  ${line.text}${line.score < TARGET ? "  ← below target" : ""}`);
  for (const e of summary.stale)
    console.log(`  stale equivalent-mutant entry (no such mutant now): ${e.file} ${e.mutator} "${e.line}"`);
  process.exit(lines.some((l) => l.score < TARGET) || summary.stale.length > 0 ? 1 : 0);
}
