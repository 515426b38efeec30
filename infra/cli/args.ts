import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./run";
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
 * The stack names a command takes as positionals, each a plain stack name: `count` of them, or
 * up to `count` when `defaults` fills the rest (parity's `test prod`). Anything more is a mistake.
 */
export function stackNames(positionals: readonly string[], count: number, defaults: readonly string[] = []): string[] {
  if (positionals.length > count) throw new UsageError(`unexpected argument ${positionals.slice(count).join(" ")}`);
  const names = Array.from({ length: count }, (_, i) => positionals[i] ?? defaults[i]);
  const missing = names.findIndex((name) => name === undefined);
  if (missing >= 0)
    throw new UsageError(count === 1 ? "missing stack name" : `missing stack name ${missing + 1} of ${count}`);
  return names.map(checkStackName);
}

/** `--config-file STACK=FILE` pairs for the named stacks; each other stack's committed file. */
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
