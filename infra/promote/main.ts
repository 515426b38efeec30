/**
 * `npm run promote -- <from> <to> [--from-outputs FILE] [--config-file STACK=FILE]...`
 *
 * Build once, promote by digest: takes the images stack <from> deployed (its stack outputs, as
 * `pulumi stack output --json` prints them; read with the Pulumi CLI when no file is given) and
 * pins them in both stack files — <from>'s, which records what it runs, and <to>'s, each under its
 * own registry — then runs the parity check. Only `repo@sha256:<64 hex>` served by <from>'s
 * registry is accepted. Nothing is written unless every check passes (files are replaced whole,
 * by rename). Exit 0 promoted, 1 bad input or parity failure (nothing written), 2 usage.
 */
import { type CliIO, UsageError } from "../cli/run";
import { parseCommandLine, stackFiles, stackNames } from "../cli/args";

export const USAGE = "usage: npm run promote -- <from> <to> [--from-outputs FILE] [--config-file STACK=FILE]...";

/** The promote command: what `npm run promote` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, {
    "from-outputs": { type: "string" },
    "config-file": { type: "string", multiple: true },
  });
  if (parsed.positionals.length < 2)
    throw new UsageError("give the stack to promote from and the stack to promote to, e.g. test prod");
  const [from, to] = stackNames(parsed.positionals, 2);
  if (from === to) throw new UsageError("promote between two different stacks");
  const files = stackFiles(parsed.values["config-file"] ?? [], [from, to]);
  const outputsFile = parsed.values["from-outputs"];
  if (outputsFile === "") throw new UsageError("--from-outputs needs a path");

  // The SDKs load only now that the arguments are known to be usable.
  const { promote } = await import("./promote");
  return promote({ from, to, files, outputsFile }, io);
}
