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
import { parseArgs } from "node:util";
import { type CliIO, UsageError } from "../cli/run";
import { checkStackName, defaultStackFile } from "../cli/stack-name";

export const USAGE = "usage: npm run promote -- <from> <to> [--from-outputs FILE] [--config-file STACK=FILE]...";

/** The promote command: what `npm run promote` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { "from-outputs": { type: "string" }, "config-file": { type: "string", multiple: true } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [from, to, ...extra] = parsed.positionals;
  if (!from || !to) throw new UsageError("give the stack to promote from and the stack to promote to, e.g. test prod");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra.join(" ")}`);
  checkStackName(from);
  checkStackName(to);
  if (from === to) throw new UsageError("promote between two different stacks");
  const files = stackFiles(parsed.values["config-file"] ?? [], [from, to]);
  const outputsFile = parsed.values["from-outputs"];
  if (outputsFile === "") throw new UsageError("--from-outputs needs a path");

  // The SDKs load only now that the arguments are known to be usable.
  const { promote } = await import("./promote");
  return promote({ from, to, files, outputsFile }, io);
}

/** STACK=FILE pairs for the named stacks; the committed files otherwise. */
export function stackFiles(entries: readonly string[], stacks: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of entries) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    if (!match || !stacks.includes(match[1]))
      throw new UsageError(
        `--config-file takes STACK=FILE with STACK ${stacks.join(" or ")}, got ${JSON.stringify(entry)}`,
      );
    if (files.has(match[1])) throw new UsageError(`--config-file given twice for ${match[1]}`);
    files.set(match[1], match[2]);
  }
  for (const stack of stacks) if (!files.has(stack)) files.set(stack, defaultStackFile(stack));
  return files;
}
