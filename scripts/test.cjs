#!/usr/bin/env node
// `npm test`: the lint with the typecheck, the format check and the Node-only test suite, run side
// by side (each is mostly one core's work; one after the other they took twice as long), then
// one summary. Vitest's report streams as it runs; the other steps' output follows it.
// Arguments go to vitest (`npm test -- test/config.test.ts`). Exit 0 only if all pass.
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const steps = [
  // oxlint's type-aware rules and TypeScript's diagnostics over one TypeScript 7 program
  // (.oxlintrc.json; docs/decisions/0013-fast-node-suite.md).
  {
    name: "lint+typecheck",
    command: bin("oxlint"),
    args: ["--type-aware", "--type-check"],
    live: false,
  },
  {
    name: "format",
    command: bin("oxfmt"),
    args: ["--check", "."],
    live: false,
  },
  { name: "tests", command: bin("vitest"), args: ["run", "--project", "node", ...process.argv.slice(2)], live: true },
];

// Each step takes under a minute on 2 cores; past this it hangs, and is killed with a line saying so.
const STEP_TIMEOUT_MS = 10 * 60_000;

const started = Date.now();
const runs = steps.map(
  (step) =>
    new Promise((resolve) => {
      const child = spawn(step.command, step.args, {
        cwd: root,
        stdio: step.live ? "inherit" : ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const timer = setTimeout(() => {
        output += `${step.name}: no end within ${STEP_TIMEOUT_MS / 60_000} min: killed (${step.command} ${step.args.join(" ")})\n`;
        child.kill("SIGKILL");
      }, STEP_TIMEOUT_MS);
      if (!step.live) {
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
      }
      child.on("error", (error) => {
        clearTimeout(timer);
        resolve({
          step,
          code: 1,
          output: `${step.name}: could not start ${step.command}: ${error.message}\n`,
          seconds: 0,
        });
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ step, code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 });
      });
    }),
);

Promise.all(runs).then((results) => {
  for (const { step, code, output } of results) {
    // A passing step's report ("Found 0 warnings and 0 errors") is noise beside the summary.
    if (code === 0 || (step.live && !output)) continue;
    process.stdout.write(
      output.trim() !== "" ? `\n── ${step.name} ──\n${output}` : `\n── ${step.name} ── exited ${code}\n`,
    );
  }
  const summary = results.map(
    ({ step, code, seconds }) => `${step.name} ${code === 0 ? "ok" : `FAILED (exit ${code})`} ${seconds.toFixed(1)} s`,
  );
  process.stdout.write(`\nnpm test: ${summary.join(" · ")} · ${((Date.now() - started) / 1000).toFixed(1)} s wall\n`);
  process.exit(results.some((result) => result.code !== 0) ? 1 : 0);
});
