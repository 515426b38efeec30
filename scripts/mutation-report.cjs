#!/usr/bin/env node
// Prints the mutation score of each critical module (test/mutation/modules.cjs) from the Stryker
// JSON report its last `npm run mutate` wrote (out/mutation/<module>.json): killed (and timed-out)
// mutants over all mutants that could be tested — survivors and mutants no test covers alike —
// with the reviewed equivalent mutants of test/mutation/equivalent-mutants.json counted apart.
// Exit 1 when a module is below its target or has no report yet, or when a listed equivalent
// mutant no longer exists (the list must stay true).
"use strict";
const { existsSync, readFileSync, statSync } = require("node:fs");
const path = require("node:path");
const modules = require("../test/mutation/modules.cjs");

// The repository: this script's parent, or the working directory when it runs bundled (npm run bench).
const root = [path.resolve(__dirname, ".."), process.cwd()].find((dir) =>
  existsSync(path.join(dir, "test", "mutation", "modules.cjs")),
);
const REPORTS = path.join(root, "out", "mutation");
const EQUIVALENTS = path.join(root, "test", "mutation", "equivalent-mutants.json");
const TARGET = 85;

const isKilled = (status) => status === "Killed" || status === "Timeout";
// Mutants that never ran as tests: they broke compilation or the runner, not a user's promise.
const isIgnored = (status) => status === "Ignored" || status === "CompileError" || status === "RuntimeError";

/** Counts of one module's last report, or undefined when it has none. */
function countModule(id, equivalents, matched) {
  const file = path.join(REPORTS, `${id}.json`);
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, "utf8"));
  const counts = { killed: 0, survived: 0, equivalent: 0, ignored: 0, date: statSync(file).mtime };
  for (const [name, { source, mutants }] of Object.entries(report.files)) {
    const relative = path.relative(root, path.resolve(root, name));
    const lines = source.split("\n");
    for (const mutant of mutants) {
      if (isKilled(mutant.status)) counts.killed += 1;
      else if (isIgnored(mutant.status)) counts.ignored += 1;
      else {
        const line = (lines[mutant.location.start.line - 1] ?? "").trim();
        const index = equivalents.findIndex(
          (e) =>
            e.file === relative &&
            e.mutator === mutant.mutatorName &&
            e.line === line &&
            e.replacement === mutant.replacement,
        );
        if (index >= 0) {
          counts.equivalent += 1;
          matched.add(index);
        } else counts.survived += 1;
      }
    }
  }
  return counts;
}

/** Every module's counts (undefined where it has no report yet) and the stale equivalent entries. */
function summarize() {
  const equivalents = JSON.parse(readFileSync(EQUIVALENTS, "utf8")).mutants;
  const matched = new Set();
  const counted = modules.map((m) => ({ ...m, counts: countModule(m.id, equivalents, matched) }));
  // An entry is stale only when its module was measured and the mutant is gone.
  const stale = equivalents.filter((e, i) => !matched.has(i) && counted.some((m) => m.counts && owns(m, e.file)));
  return { modules: counted, equivalents: equivalents.length, stale };
}

function owns(module, file) {
  return module.mutate.some((glob) => !glob.startsWith("!") && path.matchesGlob(file, glob));
}

/** One line per module: its score against the target. */
function print(summary) {
  return summary.modules.map(({ id, name, counts }) => {
    if (!counts)
      return { id, score: undefined, text: `${name.padEnd(38)}   —    (not run yet: npm run mutate -- ${id})` };
    const tested = counts.killed + counts.survived;
    const score = tested === 0 ? 100 : (100 * counts.killed) / tested;
    const day = counts.date.toISOString().slice(0, 16).replace("T", " ");
    return {
      id,
      score,
      text: `${name.padEnd(38)} ${score.toFixed(1).padStart(5)} %  (${counts.killed} killed, ${counts.survived} survived, ${counts.equivalent} equivalent; ${day} UTC)`,
    };
  });
}

module.exports = { summarize, print, TARGET };

if (require.main === module) {
  const summary = summarize();
  const lines = print(summary);
  console.log(
    `mutation score per critical module (target ≥ ${TARGET} %; ${summary.equivalents} reviewed equivalent mutants):`,
  );
  for (const line of lines)
    console.log(`  ${line.text}${line.score !== undefined && line.score < TARGET ? "  ← below target" : ""}`);
  for (const e of summary.stale)
    console.log(`  stale equivalent-mutant entry (no such mutant now): ${e.file} ${e.mutator} "${e.line}"`);
  const failed = lines.some((l) => l.score === undefined || l.score < TARGET) || summary.stale.length > 0;
  process.exit(failed ? 1 : 0);
}
