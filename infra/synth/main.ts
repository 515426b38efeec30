/**
 * `npm run synth -- <stack> [--config-file FILE] [--out DIR]`
 *
 * Evaluates one stack offline and writes what it would declare to DIR/<stack>/:
 * resources.json (type, name, parent, dependencies and inputs of every resource),
 * outputs.json, and the rendered artefacts (kubernetes/*.yaml in apply order, docker/*.json,
 * libvirt/*.xml, cloud-init/*), secrets masked. Exit 0 on success, 1 when the config or a
 * path is unusable (nothing written), 2 on a usage error.
 */
import { type CliIO, UsageError } from "../cli/run";
import { checkedPath, configFileOption, parseCommandLine, stackNames } from "../cli/args";

export const USAGE = "usage: npm run synth -- <stack> [--config-file FILE] [--out DIR]";

/** The synth command: what `npm run synth` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, {
    "config-file": { type: "string" },
    out: { type: "string", default: "out" },
    help: { type: "boolean", short: "h" },
  });
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  const [stack] = stackNames(parsed.positionals, 1);
  const configFile = configFileOption(parsed.values["config-file"], stack);
  if (parsed.values.out === "") throw new UsageError("--out needs a path");
  const out = checkedPath("--out", parsed.values.out);

  // The SDKs load only now that the arguments are known to be usable.
  const { evaluateStack } = await import("./evaluate");
  const { checkSynthOutput, writeSynthOutput } = await import("./write");
  // A DIR synth may not write is refused before the stack is evaluated (seconds on a large stack).
  checkSynthOutput(out, stack);
  const evaluation = await evaluateStack(stack, configFile);
  const written = writeSynthOutput(out, evaluation);
  io.out(`${stack}: ${evaluation.resources.length} resources → ${written.directory}/ (${written.files.length} files)`);
  for (const note of written.notes) io.out(`${stack}: ${note}`);
  return 0;
}
