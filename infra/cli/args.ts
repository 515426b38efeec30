import { statSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError, UsageError } from "./run";
import { checkStackName, defaultStackFile } from "./stack-name";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses a command line strictly (unknown options are mistakes); any mistake is a {@link UsageError}. */
export function parseCommandLine<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The stack names a command takes as positionals, each a plain stack name: exactly `count` of
 * them. Anything more is a mistake.
 */
export function stackNames(positionals: readonly string[], count: number): string[] {
  if (positionals.length > count) throw new UsageError(`unexpected argument ${positionals.slice(count).join(" ")}`);
  const names = Array.from({ length: count }, (_, i): string | undefined => positionals[i]);
  const missing = names.findIndex((name) => name === undefined);
  if (missing >= 0)
    throw new UsageError(count === 1 ? "missing stack name" : `missing stack name ${missing + 1} of ${count}`);
  return (names as string[]).map(checkStackName);
}

/**
 * The stack file a command reads (and `pin` rewrites): `--config-file` when given, else the
 * stack's committed file. An empty value is a mistake, not "the default": a script's unset
 * variable must not point a command at the committed file. A path with a control character or
 * line break is refused too: it would reach messages and generated files as more than one line.
 */
export function configFileOption(given: string | undefined, stack: string): string {
  if (given === undefined) return defaultStackFile(stack);
  if (given === "")
    throw new UsageError(
      `--config-file is empty (an unset variable?): give a stack file, or leave the option out for ${defaultStackFile(stack)}`,
    );
  return checkedPath("--config-file", given);
}

/** A path given on the command line, refused when it holds a control character or line break. */
export function checkedPath(option: string, given: string): string {
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(given))
    throw new UsageError(`${option} ${JSON.stringify(given)} has a control character or line break: rename the file`);
  return given;
}

/**
 * A file a command will write (`--out FILE`), checked before its work: a path with a control
 * character is misuse; a directory, or a file in a directory that does not exist, is refused.
 */
export function outputFileOption(option: string, given: string): string {
  if (given === "") throw new UsageError(`${option} is empty (an unset variable?): give a file path`);
  const out = checkedPath(option, given);
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(`${option} ${out} is a directory: give a file path`);
  if (!statSync(dirname(out), { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(`${option} ${out}: directory ${dirname(out)} does not exist (create it first)`);
  return out;
}

/** `--config-file STACK=FILE` pairs for the named stacks; each other stack's committed file. */
export function stackFiles(entries: readonly string[], stacks: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of entries) {
    const match = /^([^=]+)=(.+)$/s.exec(entry);
    if (!match || !stacks.includes(match[1]))
      throw new UsageError(
        `--config-file takes STACK=FILE with STACK ${stacks.join(" or ")}, got ${JSON.stringify(entry)}`,
      );
    if (files.has(match[1])) throw new UsageError(`--config-file given twice for ${match[1]}`);
    files.set(match[1], checkedPath("--config-file", match[2]));
  }
  for (const stack of stacks) if (!files.has(stack)) files.set(stack, defaultStackFile(stack));
  return files;
}
