import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBounded } from "../infra/cli/bounded-run";

interface Sample {
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

/**
 * One synth run as `npm run synth` starts it (node, the bundling runner, the CLI), timed from
 * spawn to exit, with the process's own CPU time (user + system) and peak memory.
 */
function synthOnce(stack: string, out: string, env: NodeJS.ProcessEnv = {}): Sample {
  const started = process.hrtime.bigint();
  const run = runBounded(
    process.execPath,
    ["--require", "./bench/report-rss.cjs", "scripts/run-ts.cjs", "infra/synth/cli.ts", stack, "--out", out],
    { env: { ...process.env, ...env }, timeoutMs: 120_000 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`synth ${stack} failed (exit ${run.status}): ${run.stderr}`);
  const rss = /BENCH_MAX_RSS_KIB=(\d+)/.exec(run.stderr);
  const cpu = /BENCH_CPU_US=(\d+)/.exec(run.stderr);
  return { seconds, cpuSeconds: cpu ? Number(cpu[1]) / 1e6 : NaN, maxRssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The path synth took before offline evaluation stopped serializing the libvirt providers and
 * the runner enabled Node's compile cache: measured beside today's in the same run.
 */
const SERIALIZING_PATH = { DOCKYARD_SERIALIZE_PROVIDERS: "1", NODE_DISABLE_COMPILE_CACHE: "1" };

/** Prints synth's wall time, CPU time and peak memory for a stack, today's path against the serializing one. */
export function benchSynth(stack = "prod", runs = 7): void {
  const out = mkdtempSync(join(tmpdir(), "dockyard-bench-"));
  const baseOut = mkdtempSync(join(tmpdir(), "dockyard-bench-base-"));
  // Warm the file-system cache, the bundle and the compile cache.
  synthOnce(stack, out);
  synthOnce(stack, baseOut, SERIALIZING_PATH);
  const today: Sample[] = [];
  const serializing: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    today.push(synthOnce(stack, out));
    serializing.push(synthOnce(stack, baseOut, SERIALIZING_PATH));
  }
  const line = (label: string, samples: Sample[]) => {
    const wall = samples.map((s) => s.seconds);
    const cpu = samples.map((s) => s.cpuSeconds);
    return (
      `synth ${stack} (${label}): CPU ${median(cpu).toFixed(2)} s median (min ${Math.min(...cpu).toFixed(2)}, max ${Math.max(...cpu).toFixed(2)}) · ` +
      `wall ${median(wall).toFixed(2)} s median · peak memory ${median(samples.map((s) => s.maxRssMiB)).toFixed(0)} MiB median (${runs} runs)`
    );
  };
  console.log(line("today", today));
  console.log(line("serializing providers, no compile cache", serializing));
  const ratio = median(today.map((s) => s.cpuSeconds)) / median(serializing.map((s) => s.cpuSeconds));
  console.log(`synth ${stack}: CPU ratio today/serializing ${ratio.toFixed(2)} (target ≤ 0.50)`);
}
