import { UsageError } from "./run";

/**
 * A stack name as the commands take it: a plain name that is also a safe file name (it names
 * `stacks/Pulumi.<stack>.yaml` and `out/<stack>/`): letters, digits, "_", "." and "-", starting
 * with a letter or digit, so never ".", ".." or a path.
 */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Returns the stack name, or throws a UsageError saying what a stack name may be. */
export function checkStackName(stack: string): string {
  if (!STACK_NAME.test(stack)) {
    throw new UsageError(
      `invalid stack name ${JSON.stringify(stack)}: use letters, digits, "_", "." and "-", starting with a letter or digit (no paths)`,
    );
  }
  return stack;
}

/** The settings file Pulumi uses for a stack (Pulumi.yaml sets `stackConfigDir: stacks`). */
export function defaultStackFile(stack: string): string {
  return `stacks/Pulumi.${checkStackName(stack)}.yaml`;
}
