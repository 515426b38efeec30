import { readdirSync } from "node:fs";
import { UsageError } from "./run";

/**
 * A stack name as the commands take it: a plain name that is also a safe file name (it names
 * `stacks/Pulumi.<stack>.yaml` and `out/<stack>/`): letters, digits, "_", "." and "-", starting
 * with a letter or digit, so never ".", ".." or a path.
 */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** What a stack name may be, in words (messages of the commands and of stack config). */
export const STACK_NAME_RULE = 'letters, digits, "_", "." and "-", starting with a letter or digit (no paths)';

/** Whether a value is a stack name the commands take. */
export function isStackName(stack: unknown): stack is string {
  return typeof stack === "string" && STACK_NAME.test(stack);
}

/** Returns the stack name, or throws a UsageError saying what a stack name may be. */
export function checkStackName(stack: string): string {
  if (!isStackName(stack)) throw new UsageError(`invalid stack name ${JSON.stringify(stack)}: use ${STACK_NAME_RULE}`);
  return stack;
}

/** The settings file Pulumi uses for a stack (Pulumi.yaml sets `stackConfigDir: stacks`). */
export function defaultStackFile(stack: string): string {
  return `stacks/Pulumi.${checkStackName(stack)}.yaml`;
}

/** Stack names with a settings file `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function stackFileNames(dir = "stacks"): string[] {
  return readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined && isStackName(stack))
    .sort();
}
