/**
 * `npm run outputs -- <stack> --out FILE`
 *
 * Saves a stack's outputs as `pulumi stack output --json` prints them (secrets masked): the
 * deploy workflow keeps test's as an artefact, and the prod job promotes exactly those digests.
 * Exit 0 saved, 1 no CLI/backend or not an outputs object, 2 usage.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type CliIO, InputError, UsageError } from "../cli/run";
import { checkStackName } from "../cli/stack-name";
import { type Runner, runProgram, stackOutputs } from "../promote/outputs";

export const USAGE = "usage: npm run outputs -- <stack> --out FILE";

export async function main(argv: string[], io: CliIO, run: Runner = runProgram): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { out: { type: "string" } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [stack, ...extra] = parsed.positionals;
  if (!stack || extra.length > 0) throw new UsageError("give one stack name");
  checkStackName(stack);
  const out = parsed.values.out;
  if (!out) throw new UsageError("--out FILE is required");
  const outputs = await stackOutputs(stack, run);
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs))
    throw new InputError(`${stack}'s outputs are not a JSON object`);
  writeFileSync(out, `${JSON.stringify(outputs, null, 2)}\n`);
  io.out(`outputs ${stack}: ${Object.keys(outputs).length} outputs → ${out}`);
  return 0;
}
