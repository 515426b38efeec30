// Benchmark: how long the Domain provider takes from create to a running domain, next to a
// plain `virsh define` + `virsh start` of the same XML, measured in one run on qemu:///system.
// Prints figures; never fails on time. Run: node scripts/run-ts.cjs bench/libvirt.ts [rounds] (npm run bench runs it too)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDomain } from "../components/libvirt/domain";
import { domainProvider } from "../components/libvirt/domain-provider";
import { virsh as virshAt } from "../components/libvirt/virsh";
import { missing } from "../test/engines/support/requirements";

const URI = "qemu:///system";

/** The same virsh runner as the provider's, so both sides pay the same per-call cost. */
function virsh(args: string[]): Promise<string> {
  return virshAt(URI, args);
}

async function removeDomain(name: string): Promise<void> {
  await virsh(["destroy", name]).catch(() => "");
  await virsh(["undefine", name]);
  rmSync(`/var/log/libvirt/qemu/${name}-serial.log`, { force: true });
  rmSync(`/var/log/libvirt/qemu/${name}.log`, { force: true });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const problem = await missing("libvirtd");
  if (problem !== undefined) {
    console.error(problem);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "dockyard-bench-"));
  const provider: number[] = [];
  const plain: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Same definition both ways: a small headless QEMU domain (128 MiB, 1 vCPU).
      const name = `dybench-${process.pid}-${round}`;
      const inputs = resolveDomain(name, { memoryMiB: 128, autostart: false });
      const file = join(dir, `${name}.xml`);
      writeFileSync(file, inputs.xml);
      // Alternate which goes first, so neither always meets a warm or cold libvirtd.
      const runs: [number[], () => Promise<unknown>][] = [
        [provider, () => domainProvider.create(inputs)],
        [
          plain,
          async () => {
            await virsh(["define", file]);
            await virsh(["start", name]);
          },
        ],
      ];
      if (round % 2) runs.reverse();
      for (const [samples, work] of runs) {
        samples.push(await timed(work));
        const state = (await virsh(["domstate", name])).trim();
        if (state !== "running") throw new Error(`${name} is ${state}, expected running`);
        await removeDomain(name);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (label: string, samples: number[]): string =>
    `${label.padEnd(34)} median ${median(samples).toFixed(0).padStart(6)} ms   min ${Math.min(...samples)
      .toFixed(0)
      .padStart(6)} ms   max ${Math.max(...samples)
      .toFixed(0)
      .padStart(6)} ms`;
  console.log(`libvirt domain create → running on ${URI}, ${rounds} rounds each (QEMU TCG, 128 MiB, no disks)`);
  console.log(row("dockyard Domain provider create", provider));
  console.log(row("virsh define + start (same XML)", plain));
  console.log(`${"ratio provider / plain (medians)".padEnd(34)} ${(median(provider) / median(plain)).toFixed(2)}x`);
  // Each round runs both back to back, so a round's ratio is little moved by load that comes and goes.
  const paired = provider.map((ms, i) => ms / plain[i]);
  console.log(`${"ratio, median of per-round ratios".padEnd(34)} ${median(paired).toFixed(2)}x`);
}

void main();
