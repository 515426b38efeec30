/**
 * `npm run bench -- stress [runs]`: every dockyard CLI started `runs` times (default 200) as
 * `npm run <cli>` starts it, each time from a cold bundle (the runner's cache removed), beside
 * two CPU-bound processes, as on a busy CI machine. Prints, per CLI, the wall-time percentiles
 * and every run that failed or did not finish within its limit (expected: none). Fails nothing:
 * a benchmark prints figures (docs/decisions/0007).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildProcessError, runBounded } from "../infra/cli/bounded-run";

/** A run's limit: the runner's own bundling limit (120 s) and a margin. */
const RUN_TIMEOUT_MS = 150_000;
const BUNDLE_CACHE = join("out", ".run");

interface Cli {
  /** As `npm run` names it. */
  readonly name: string;
  readonly entry: string;
  readonly args: readonly string[];
  /** The exit a healthy run ends with (2: a usage line, for CLIs that need a backend or files). */
  readonly exit: number;
}

function clis(out: string): Cli[] {
  return [
    { name: "synth", entry: "infra/synth/cli.ts", args: ["dev", "--out", out], exit: 0 },
    { name: "parity", entry: "infra/parity/cli.ts", args: [], exit: 0 },
    { name: "policy", entry: "infra/policy/cli.ts", args: ["prod"], exit: 0 },
    { name: "docs:config", entry: "infra/docs/write-stack-config.ts", args: [], exit: 0 },
    { name: "promote", entry: "infra/promote/cli.ts", args: [], exit: 2 },
    { name: "pin", entry: "infra/promote/pin-cli.ts", args: [], exit: 2 },
    { name: "delivery (images, smoke, outputs, …)", entry: "infra/delivery/cli.ts", args: [], exit: 2 },
  ];
}

/** Removes the runner's cached bundle of `entry`, so the next run bundles it again. */
function coldBundle(entry: string): void {
  const name = entry.replace(/[\\/]/g, "_").replace(/\.ts$/, "");
  for (const file of readdirSync(BUNDLE_CACHE, { withFileTypes: true })) {
    if (file.isFile() && file.name.startsWith(`${name}.cjs`)) rmSync(join(BUNDLE_CACHE, file.name), { force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function startHogs(): ChildProcess[] {
  return [0, 1].map(() => spawn("sh", ["-c", "exec yes >/dev/null"], { stdio: "ignore" }));
}

export function benchStress(runs = 200): void {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`stress: runs must be a positive integer, got ${runs}`);
  const out = mkdtempSync(join(tmpdir(), "dockyard-stress-"));
  const hogs = startHogs();
  console.log(
    `stress: ${runs} runs of each CLI from a cold bundle beside 2 CPU hogs, limit ${RUN_TIMEOUT_MS / 1000} s each`,
  );
  let unfinished = 0;
  try {
    for (const cli of clis(out)) {
      const times: number[] = [];
      const problems: string[] = [];
      for (let run = 1; run <= runs; run++) {
        coldBundle(cli.entry);
        try {
          const result = runBounded(process.execPath, ["scripts/run-ts.cjs", cli.entry, ...cli.args], {
            timeoutMs: RUN_TIMEOUT_MS,
          });
          times.push(result.elapsedMs / 1000);
          if (result.status !== cli.exit) {
            problems.push(`run ${run}: exit ${result.status ?? result.signal}: ${result.stderr.trim().split("\n")[0]}`);
          }
        } catch (error) {
          if (!(error instanceof ChildProcessError)) throw error;
          unfinished++;
          problems.push(`run ${run}: ${error.message.split("\n")[0]}`);
        }
      }
      const sorted = [...times].sort((a, b) => a - b);
      const figure = (p: number) => (sorted.length > 0 ? `${percentile(sorted, p).toFixed(2)} s` : "n/a");
      console.log(
        `${cli.name}: ${times.length}/${runs} finished · p50 ${figure(50)} · p90 ${figure(90)} · p99 ${figure(99)} · max ${figure(100)}` +
          ` · ${problems.length} problem(s)`,
      );
      for (const problem of problems.slice(0, 10)) console.log(`  ${problem}`);
    }
  } finally {
    for (const hog of hogs) hog.kill("SIGKILL");
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`stress: ${unfinished} run(s) past the limit`);
}
