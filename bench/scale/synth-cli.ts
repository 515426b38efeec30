/**
 * `node scripts/run-ts.cjs bench/scale/synth-cli.ts <stack> <services> <out.json>`: evaluates a
 * stack as synth does, with that many generated services added, and writes what it declared (and,
 * in `<out.json>.aliases.json`, the aliases each registration carried). Timed from outside
 * (bench/report-rss.cjs), like the plain program it is compared with.
 */
import { writeFileSync } from "node:fs";
import { evaluateSettings } from "../../infra/synth/evaluate";
import { readStackSettings } from "../../infra/stack-file";
import { AliasRecorder } from "../../infra/synth/alias-recorder";
import { withGeneratedServices } from "./generated-services";

async function main(): Promise<void> {
  const [stack, services, out] = process.argv.slice(2);
  const settings = readStackSettings(`stacks/Pulumi.${stack}.yaml`);
  const recorder = new AliasRecorder();
  const evaluation = await evaluateSettings(stack, settings, recorder, withGeneratedServices(Number(services)));
  writeFileSync(out, JSON.stringify(evaluation.resources));
  writeFileSync(`${out}.aliases.json`, JSON.stringify(recorder.aliases));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
