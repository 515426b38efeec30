/**
 * `npm run ci:synth` and `npm run ci:policy`: synth, or run the policy pack on, every stack
 * committed in stacks/, in one process (each evaluation in turn), as the pull-request workflow
 * does. synth writes to out/synth/<stack>/ (`--out DIR` to change it). Exit 0 when every stack
 * passes, else the worst exit code; each stack's lines are printed as they come.
 */
import { readdirSync } from "node:fs";
import { type CliIO, runToExitCode, UsageError } from "../cli/run";

export const USAGE = "usage: npm run ci:synth [-- --out DIR]  |  npm run ci:policy";

/** Stack names with a settings file in stacks/, sorted. */
export function committedStacks(dir = "stacks"): string[] {
  return readdirSync(dir)
    .map((file) => /^Pulumi\.([A-Za-z0-9][A-Za-z0-9_.-]*)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  let extra: string[];
  if (command === "synth") {
    if (rest.length !== 0 && !(rest.length === 2 && rest[0] === "--out" && rest[1] !== ""))
      throw new UsageError("synth takes only --out DIR");
    extra = rest.length === 2 ? rest : ["--out", "out/synth"];
  } else if (command === "policy") {
    if (rest.length > 0) throw new UsageError("policy takes no arguments");
    extra = [];
  } else throw new UsageError("give synth or policy");
  const { main: run, USAGE: usage } =
    command === "synth" ? await import("../synth/main") : await import("../policy/main");
  let worst = 0;
  for (const stack of committedStacks()) {
    const code = await runToExitCode(command, usage, run, [stack, ...extra], io);
    worst = Math.max(worst, code);
  }
  return worst;
}
