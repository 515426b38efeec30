/**
 * `npm run bench`: prints figures, fails nothing. Each section reports its own numbers;
 * a section whose engine is unavailable says so and the others still run.
 */
import { benchSynth } from "./synth";

const sections: { name: string; run: () => void | Promise<void> }[] = [{ name: "synth", run: () => benchSynth("prod") }];

async function main(): Promise<void> {
  console.log(`dockyard benchmarks · node ${process.version} · ${new Date().toISOString()}`);
  for (const section of sections) {
    try {
      await section.run();
    } catch (error) {
      console.log(`${section.name}: not measured: ${(error as Error).message}`);
    }
  }
}

void main();
