/**
 * `npm run bench`: prints figures, fails nothing. Each section reports its own numbers;
 * a section whose engine is unavailable says so and the others still run.
 */
import { runBounded } from "../infra/cli/bounded-run";
import { benchMutation } from "./mutation";
import { benchNpmTest } from "./npm-test";
import { benchStress } from "./stress";
import { benchSynth } from "./synth";
import { benchYardstick } from "./scale/yardstick";

/** Runs a standalone benchmark script (it needs a real engine) and passes its output through. */
function script(path: string, ...args: string[]): () => void {
  return () => {
    const run = runBounded(process.execPath, ["scripts/run-ts.cjs", path, ...args], {
      stdio: "inherit",
      timeoutMs: 30 * 60_000,
    });
    if (run.status !== 0) throw new Error(`${path} exited ${run.status} (is its engine running? see .ci/engines/)`);
  };
}

/** A number among the arguments: the stress section's runs per CLI (`npm run bench -- stress 20`). */
const runsArgument = process.argv.slice(2).find((arg) => /^\d+$/.test(arg));

/** Sections; one that is `onlyWhenNamed` (long) runs only when an argument names it. */
const sections: { name: string; run: () => void | Promise<void>; onlyWhenNamed?: boolean }[] = [
  { name: "synth", run: () => benchSynth("prod") },
  { name: "yardstick (synth against a plain Pulumi program, and the scale curve)", run: () => benchYardstick("prod") },
  { name: "npm test (Node only)", run: () => benchNpmTest() },
  { name: "mutation testing", run: () => benchMutation() },
  { name: "container (Docker engine)", run: script("bench/container.ts") },
  { name: "backup (Docker engine, restic, REST repository)", run: script("bench/backup.ts") },
  { name: "libvirt (libvirtd + QEMU)", run: script("bench/libvirt.ts", "7") },
  {
    name: "stress (every CLI from a cold bundle beside two CPU hogs)",
    run: () => benchStress(runsArgument === undefined ? undefined : Number(runsArgument)),
    onlyWhenNamed: true,
  },
];

/** `npm run bench -- synth "npm test"`: only the sections whose names start with one of the arguments. */
function selected(): typeof sections {
  const asked = process.argv
    .slice(2)
    .filter((arg) => arg !== runsArgument)
    .map((arg) => arg.toLowerCase());
  if (asked.length === 0) return sections.filter((section) => !section.onlyWhenNamed);
  const chosen = sections.filter((section) => asked.some((arg) => section.name.toLowerCase().startsWith(arg)));
  if (chosen.length === 0) {
    console.error(
      `bench: no section starts with ${asked.join(", ")}; sections: ${sections.map((s) => s.name).join("; ")}`,
    );
    process.exit(2);
  }
  return chosen;
}

async function main(): Promise<void> {
  const chosen = selected();
  console.log(`dockyard benchmarks · node ${process.version} · ${new Date().toISOString()}`);
  for (const section of chosen) {
    console.log(`\n## ${section.name}`);
    try {
      await section.run();
    } catch (error) {
      console.log(`${section.name}: not measured: ${(error as Error).message}`);
    }
  }
}

void main();
