/**
 * `npm run parity -- [stackA] [stackB] [--config-file STACK=FILE]...`
 *
 * Proves stack A mirrors stack B (default: test mirrors prod): same resources, images,
 * ports, volumes, security settings, health checks and backups; only environment knobs
 * (sizes, endpoints, schedules, retention) may differ. Exit 0 when mirrored, 1 listing
 * every difference (or config errors), 2 on a usage error.
 */
import { type CliIO, UsageError } from "../cli/run";
import { parseCommandLine, stackFiles, stackNames } from "../cli/args";

export const USAGE = "usage: npm run parity -- [stackA] [stackB] [--config-file STACK=FILE]...";

/** The parity command: what `npm run parity` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, { "config-file": { type: "string", multiple: true } });
  const [stackA, stackB] = stackNames(parsed.positionals, 2, ["test", "prod"]);
  const entries = parsed.values["config-file"] ?? [];
  const files = stackFiles(entries, [stackA, stackB]);
  if (stackA === stackB && entries.length === 0)
    throw new UsageError("compare two different stacks, or give a --config-file");

  // The SDKs load only now that the arguments are known to be usable.
  const { checkParity, formatParity } = await import("./check");
  const report = await checkParity(
    { stack: stackA, file: files.get(stackA)! },
    { stack: stackB, file: files.get(stackB)! },
  );
  const lines = formatParity(report);
  for (const line of lines) io.out(line);
  return lines.length === 1 ? 0 : 1;
}
