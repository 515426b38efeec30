import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One synth run as `npm run synth` starts it (node, the bundling runner, the CLI), timed from spawn to exit. */
function synthOnce(stack: string, out: string): { seconds: number; maxRssMiB: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync(
    process.execPath,
    ["--require", "./bench/report-rss.cjs", "scripts/run-ts.cjs", "infra/synth/cli.ts", stack, "--out", out],
    { encoding: "utf8" },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`synth ${stack} failed (exit ${run.status}): ${run.stderr}`);
  const rss = /BENCH_MAX_RSS_KIB=(\d+)/.exec(run.stderr);
  return { seconds, maxRssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

/** Prints synth's wall time and peak memory for a stack: median, min and max of several runs. */
export function benchSynth(stack = "prod", runs = 5): void {
  const out = mkdtempSync(join(tmpdir(), "dockyard-bench-"));
  synthOnce(stack, out); // warm the file-system cache
  const samples = Array.from({ length: runs }, () => synthOnce(stack, out));
  const seconds = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const rss = samples.map((s) => s.maxRssMiB).sort((a, b) => a - b);
  const median = (values: number[]) => values[Math.floor(values.length / 2)];
  console.log(
    `synth ${stack}: wall ${median(seconds).toFixed(2)} s median (min ${seconds[0].toFixed(2)}, max ${seconds[seconds.length - 1].toFixed(2)}, ${runs} runs; floor 3 s) · peak memory ${median(rss).toFixed(0)} MiB median (max ${rss[rss.length - 1].toFixed(0)} MiB)`,
  );
}
