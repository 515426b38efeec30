#!/usr/bin/env node
// `npm run ci:pull-request`: the pull-request workflow's local steps, in its order, on this
// machine — everything but the Pulumi preview (which needs the CLI and the stacks' backend).
// The workflow runs the same npm scripts as separate steps; test/delivery/workflows.test.ts
// checks that the two lists agree. Stops at the first failing step; prints each step's time.
// `runSteps` runs any of them in any checkout: the guide to adding an environment is tested by
// running every step but `npm test` (which runs that very test) in a scratch copy.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

/** Each step's limit: the slowest (npm test) takes about 30 s; past this it hangs. */
const STEP_TIMEOUT_MS = 15 * 60_000;

/** The steps, as the workflow's `run:` lines. */
const STEPS = ["npm test", "npm run ci:synth", "npm run parity", "npm run ci:policy"];

/**
 * Runs `steps` (npm command lines) one after the other in `cwd` (with `env`) until one fails, their
 * output on this process's (or, with `capture`, collected). Returns `{ ok, times, output }`: whether all
 * passed, one "step ok|FAILED s" each, and what they printed when captured.
 */
function runSteps(steps, { cwd = path.resolve(__dirname, ".."), capture = false, env = process.env } = {}) {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const times = [];
  let output = "";
  const write = (text) => (capture ? (output += text) : process.stdout.write(text));
  for (const step of steps) {
    write(`\n── ${step} ──\n`);
    const stepStarted = Date.now();
    const result = spawnSync(npm, step.split(" ").slice(1), {
      cwd,
      env,
      stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
      encoding: "utf8",
      timeout: STEP_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    if (capture) output += `${result.stdout ?? ""}${result.stderr ?? ""}`;
    const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
    const timedOut = result.error?.code === "ETIMEDOUT";
    const code = result.status ?? 1;
    const verdict = timedOut
      ? `FAILED (killed: no end within ${STEP_TIMEOUT_MS / 60_000} min)`
      : `FAILED (exit ${code})`;
    times.push(`${step} ${code === 0 && !timedOut ? "ok" : verdict} ${seconds} s`);
    if (code !== 0 || timedOut) return { ok: false, times, output };
  }
  return { ok: true, times, output };
}

module.exports = { STEPS, runSteps };

if (require.main === module) {
  if (process.argv.length > 2) {
    process.stderr.write(
      `ci:pull-request: takes no arguments, got ${JSON.stringify(process.argv.slice(2).join(" "))}\nusage: npm run ci:pull-request\n`,
    );
    process.exit(2);
  }
  const started = Date.now();
  const { ok, times } = runSteps(STEPS);
  if (!ok) {
    process.stdout.write(`\nci:pull-request: ${times.join(" · ")}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `\nci:pull-request: ${times.join(" · ")} · ${((Date.now() - started) / 1000).toFixed(1)} s wall\n`,
  );
}
