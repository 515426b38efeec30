/**
 * `npm run parity -- [stackA] [stackB] [--config-file STACK=FILE]...`
 *
 * Proves stack A mirrors stack B (default: test mirrors prod): same resources, images,
 * ports, volumes, security settings, health checks and backups; only environment knobs
 * (sizes, endpoints, schedules, retention) may differ. Exit 0 when mirrored, 1 listing
 * every difference (or config errors), 2 on a usage error.
 */
import { parseArgs } from "node:util";
import { type CliIO, UsageError } from "../cli/run";
import { checkStackName, defaultStackFile } from "../cli/stack-name";

export const USAGE = "usage: npm run parity -- [stackA] [stackB] [--config-file STACK=FILE]...";

/** The parity command: what `npm run parity` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { "config-file": { type: "string", multiple: true } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [stackA = "test", stackB = "prod", ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra.join(" ")}`);
  checkStackName(stackA);
  checkStackName(stackB);
  const files = new Map<string, string>();
  for (const entry of parsed.values["config-file"] ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    if (!match || ![stackA, stackB].includes(match[1]))
      throw new UsageError(
        `--config-file takes STACK=FILE with STACK ${stackA} or ${stackB}, got ${JSON.stringify(entry)}`,
      );
    if (files.has(match[1])) throw new UsageError(`--config-file given twice for ${match[1]}`);
    files.set(match[1], match[2]);
  }
  if (stackA === stackB && files.size === 0)
    throw new UsageError("compare two different stacks, or give a --config-file");

  // The SDKs load only now that the arguments are known to be usable.
  const { checkParity, formatParity } = await import("./check");
  const report = await checkParity(
    { stack: stackA, file: files.get(stackA) ?? defaultStackFile(stackA) },
    { stack: stackB, file: files.get(stackB) ?? defaultStackFile(stackB) },
  );
  const lines = formatParity(report);
  for (const line of lines) io.out(line);
  return lines.length === 1 ? 0 : 1;
}
