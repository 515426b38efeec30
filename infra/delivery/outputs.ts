/**
 * `npm run outputs -- <stack> --out FILE`
 *
 * Saves a stack's outputs as `pulumi stack output --json` prints them (secrets masked): the
 * deploy workflow keeps test's as an artefact, and the prod job promotes exactly those digests.
 * Exit 0 saved, 1 no CLI/backend or not an outputs object, 2 usage.
 */
import { renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { outputFileOption, parseCommandLine, stackNames } from "../cli/args";
import { type CliIO, InputError, UsageError } from "../cli/run";
import { type Runner, runProgram, stackOutputs } from "../promote/outputs";

export const USAGE = "usage: npm run outputs -- <stack> --out FILE";

export async function main(argv: string[], io: CliIO, run: Runner = runProgram): Promise<number> {
  const parsed = parseCommandLine(argv, { out: { type: "string" } });
  const [stack] = stackNames(parsed.positionals, 1);
  if (parsed.values.out === undefined) throw new UsageError("--out FILE is required");
  // Checked before the (slow, remote) read: the file must be writable where it is asked for.
  const out = outputFileOption("--out", parsed.values.out);
  const outputs = await stackOutputs(stack, run);
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs))
    throw new InputError(`${stack}'s outputs are not a JSON object`);
  // Written beside, then renamed: an interrupted write never leaves half a file for promotion.
  const partial = join(dirname(out), `.${basename(out)}.partial`);
  try {
    writeFileSync(partial, `${JSON.stringify(outputs, null, 2)}\n`);
    renameSync(partial, out);
  } catch (error) {
    throw new InputError(`outputs ${stack}: cannot write ${out}: ${(error as Error).message}`);
  }
  io.out(`outputs ${stack}: ${Object.keys(outputs).length} outputs → ${out}`);
  return 0;
}
