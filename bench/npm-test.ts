import { rmSync } from "node:fs";
import { runBounded } from "../infra/cli/bounded-run";

/**
 * What `npm test` keeps between runs and a fresh clone lacks: out/.run (Node's compile cache and
 * the CLIs' bundles) and Vite's caches (oxlint and oxfmt keep none).
 */
const CACHES = ["out/.run", "node_modules/.vite", "node_modules/.vitest"];

/** One `npm test`, timed from spawn to exit; its own summary line, or why it failed. */
function npmTestOnce(): { seconds: number; summary: string } {
  const started = process.hrtime.bigint();
  const run = runBounded("npm", ["test"], { timeoutMs: 600_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = /^npm test: .*$/m.exec(run.stdout)?.[0] ?? "(no summary)";
  if (run.status !== 0) throw new Error(`npm test failed (exit ${run.status}): ${summary}`);
  return { seconds, summary };
}

/** Prints `npm test`'s wall time from cold caches (as on a fresh clone after npm ci) and warm. */
export function benchNpmTest(): void {
  for (const cache of CACHES) rmSync(cache, { recursive: true, force: true });
  const cold = npmTestOnce();
  const warm = npmTestOnce();
  console.log(
    `npm test (cold caches): ${cold.seconds.toFixed(1)} s wall (target ≤ 30 s) · ${cold.summary.replace(/^npm test: /, "")}`,
  );
  console.log(`npm test (warm): ${warm.seconds.toFixed(1)} s wall · ${warm.summary.replace(/^npm test: /, "")}`);
}
