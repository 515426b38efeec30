/**
 * `npm run parity -- [stackA stackB] [--config-file STACK=FILE]...`
 *
 * Proves stack A mirrors stack B: same resources, images, ports, volumes, security settings,
 * health checks and backups; only environment knobs (sizes, endpoints, schedules, retention) may
 * differ. Without stacks, checks the pairs the environments imply (infra/environments.ts): every
 * promoted stack against the stack it is promoted from, and every other CI environment against
 * each protected one; `--config-file` then replaces (or adds) a stack's file. Exit 0 when
 * mirrored, 1 listing every difference (or config errors), 2 on a usage error.
 */
import { type CliIO, UsageError } from "../cli/run";
import { checkedPath, parseCommandLine, stackFiles, stackNames } from "../cli/args";
import { checkStackName, defaultStackFile } from "../cli/stack-name";

export const USAGE = "usage: npm run parity -- [stackA stackB] [--config-file STACK=FILE]...";

/** The parity command: what `npm run parity` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, { "config-file": { type: "string", multiple: true } });
  const entries = parsed.values["config-file"] ?? [];
  if (parsed.positionals.length === 1)
    throw new UsageError("give two stacks (A mirrors B), or none for every pair the environments imply");
  const explicit = parsed.positionals.length > 0;
  let pairs: [string, string][];
  let files: Map<string, string>;
  if (explicit) {
    const [stackA, stackB] = stackNames(parsed.positionals, 2);
    files = stackFiles(entries, [stackA, stackB]);
    if (stackA === stackB && entries.length === 0)
      throw new UsageError("compare two different stacks, or give a --config-file");
    pairs = [[stackA, stackB]];
  } else {
    const given = givenFiles(entries);
    // The SDKs load only now that the arguments are known to be usable.
    const { loadEnvironments, parityPairs } = await import("../environments");
    // A given file replaces (or adds) its stack: the pairs are those of the files given.
    pairs = parityPairs(loadEnvironments({ files: given }));
    const compared = new Set(pairs.flat());
    for (const stack of given.keys())
      if (!compared.has(stack)) throw new UsageError(`--config-file ${stack}=…: no pair compares ${stack}`);
    if (pairs.length === 0) {
      io.out("parity: nothing to compare (no promoted stack, and no protected CI environment to mirror)");
      return 0;
    }
    files = new Map([...compared].map((stack) => [stack, given.get(stack) ?? defaultStackFile(stack)]));
  }

  const { checkParity, formatParity } = await import("./check");
  let mirrored = true;
  for (const [stackA, stackB] of pairs) {
    const report = await checkParity(
      { stack: stackA, file: files.get(stackA)! },
      { stack: stackB, file: files.get(stackB)! },
    );
    const lines = formatParity(report);
    for (const line of lines) io.out(line);
    mirrored &&= lines.length === 1;
  }
  return mirrored ? 0 : 1;
}

/** `--config-file STACK=FILE` without named stacks: any stack, each once. */
function givenFiles(entries: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of entries) {
    const match = /^([^=]+)=(.+)$/s.exec(entry);
    if (!match) throw new UsageError(`--config-file takes STACK=FILE, got ${JSON.stringify(entry)}`);
    const stack = checkStackName(match[1]);
    if (files.has(stack)) throw new UsageError(`--config-file given twice for ${stack}`);
    files.set(stack, checkedPath("--config-file", match[2]));
  }
  return files;
}
