/**
 * Offline evaluation against its floor. For a stack with N generated services, each run is a whole
 * process started the same way (node, the bundling runner, the entry): dockyard's synth
 * (bench/scale/synth-cli.ts) and the plain program declaring exactly what that synth declared
 * (bench/scale/plain-cli.ts, checked to declare the same resources). Runs are interleaved and
 * medians reported: dockyard's CPU over the plain program's, and the scale curve (CPU, peak
 * memory, milliseconds per resource). The plain program runs three ways each time: as the issue
 * defined it (the SDK's bare CustomResource for every type); declaring also the aliases the
 * providers' SDK classes add to their registrations (options resources.json does not hold); and
 * with those classes themselves (`new Deployment(…)`), which also declare every output property
 * of their type: the floor of any program that uses the official SDKs, as dockyard does.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBounded } from "../../infra/cli/bounded-run";

interface Sample {
  cpuSeconds: number;
  maxRssMiB: number;
}

function timed(entry: string, args: string[]): Sample {
  const run = runBounded(
    process.execPath,
    ["--require", "./bench/report-rss.cjs", "scripts/run-ts.cjs", entry, ...args],
    { timeoutMs: 600_000 },
  );
  if (run.status !== 0) throw new Error(`${entry} ${args.join(" ")} failed (exit ${run.status}): ${run.stderr}`);
  const cpu = Number(/BENCH_CPU_US=(\d+)/.exec(run.stderr)?.[1]) / 1e6;
  const rss = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(run.stderr)?.[1]) / 1024;
  return { cpuSeconds: cpu, maxRssMiB: rss };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** What a run declared, in a stable order (registration order depends on timing). */
function declared(file: string): string[] {
  const resources = JSON.parse(readFileSync(file, "utf8")) as { urn: string }[];
  return resources.map((resource) => JSON.stringify(resource)).sort();
}

/** The aliases a run declared, by URN, in a stable order. */
function aliasesOf(file: string): string {
  const aliases = JSON.parse(readFileSync(`${file}.aliases.json`, "utf8")) as Record<string, unknown>;
  return JSON.stringify(Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** dockyard's synth of `stack` with `services` generated services, and the plain program (without and with aliases) beside it. */
function pair(stack: string, services: number, runs: number, dir: string) {
  const synthOut = join(dir, `synth-${services}.json`);
  const plainOut = join(dir, `plain-${services}.json`);
  const aliasedOut = join(dir, `plain-aliased-${services}.json`);
  const classesOut = join(dir, `plain-classes-${services}.json`);
  const dockyard: Sample[] = [];
  const plain: Sample[] = [];
  const aliased: Sample[] = [];
  const classes: Sample[] = [];
  for (let run = 0; run <= runs; run++) {
    const a = timed("bench/scale/synth-cli.ts", [stack, String(services), synthOut]);
    const b = timed("bench/scale/plain-cli.ts", [synthOut, plainOut]);
    const c = timed("bench/scale/plain-cli.ts", [synthOut, aliasedOut, "--aliases"]);
    const d = timed("bench/scale/plain-cli.ts", [synthOut, classesOut, "--sdk-classes"]);
    // The first round warms the bundles and the file-system cache.
    if (run > 0) {
      dockyard.push(a);
      plain.push(b);
      aliased.push(c);
      classes.push(d);
    }
  }
  const expected = JSON.stringify(declared(synthOut));
  for (const out of [plainOut, aliasedOut, classesOut])
    if (JSON.stringify(declared(out)) !== expected)
      throw new Error(`the plain program declared other resources than synth at N=${services}`);
  for (const out of [aliasedOut, classesOut])
    if (aliasesOf(out) !== aliasesOf(synthOut))
      throw new Error(`the plain program declared other aliases than synth at N=${services}`);
  return { dockyard, plain, aliased, classes, resources: declared(synthOut).length };
}

/** Prints the ratio to the plain program at N = 0 and 400, and the scale curve up to 1,000 services. */
export function benchYardstick(stack = "prod", runs = 5): void {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-yardstick-"));
  for (const services of [0, 400]) {
    const { dockyard, plain, aliased, classes, resources } = pair(stack, services, runs, dir);
    const cpu = (samples: Sample[]) => median(samples.map((s) => s.cpuSeconds));
    console.log(
      `synth ${stack} +${services} services (${resources} resources): CPU ${cpu(dockyard).toFixed(2)} s, ` +
        `plain program ${cpu(plain).toFixed(2)} s: ratio ${(cpu(dockyard) / cpu(plain)).toFixed(2)} (target ≤ 1.20; ` +
        `with the SDK classes' aliases ${cpu(aliased).toFixed(2)} s: ratio ${(cpu(dockyard) / cpu(aliased)).toFixed(2)}; ` +
        `with the SDK classes ${cpu(classes).toFixed(2)} s: ratio ${(cpu(dockyard) / cpu(classes)).toFixed(2)}; ` +
        `${runs} interleaved runs, medians)`,
    );
  }
  for (const services of [0, 100, 400, 1000]) {
    const samples = Array.from({ length: 3 }, () =>
      timed("bench/scale/synth-cli.ts", [stack, String(services), join(dir, `curve-${services}.json`)]),
    );
    const resources = declared(join(dir, `curve-${services}.json`)).length;
    const cpu = median(samples.map((s) => s.cpuSeconds));
    console.log(
      `scale ${stack} +${String(services).padStart(4)} services: ${String(resources).padStart(5)} resources · CPU ${cpu.toFixed(2)} s · ` +
        `peak ${median(samples.map((s) => s.maxRssMiB)).toFixed(0)} MiB · ${((cpu * 1000) / resources).toFixed(2)} ms/resource` +
        (services === 1000 ? ` (target ≤ 12 s)` : ""),
    );
  }
}
