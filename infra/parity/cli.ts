/**
 * `npm run parity -- [stackA] [stackB] [--config-file STACK=FILE]...`
 *
 * Proves stack A mirrors stack B (default: test mirrors prod): same resources, images,
 * ports, volumes, security settings, health checks and backups; only environment knobs
 * (sizes, endpoints, schedules, retention) may differ. Exit 0 when mirrored, 1 listing
 * every difference (or config errors), 2 on a usage error.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseArgs } from "node:util";
import { defaultStackFile } from "../synth/evaluate";
import { checkParity, formatParity } from "./check";

const USAGE = "usage: npm run parity -- [stackA] [stackB] [--config-file STACK=FILE]...";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { "config-file": { type: "string", multiple: true } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  const [stackA = "test", stackB = "prod", ...extra] = parsed.positionals;
  if (extra.length > 0) return usage(`unexpected argument ${extra.join(" ")}`);
  const files = new Map<string, string>();
  for (const entry of parsed.values["config-file"] ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    if (!match || ![stackA, stackB].includes(match[1])) return usage(`--config-file takes STACK=FILE with STACK ${stackA} or ${stackB}, got "${entry}"`);
    files.set(match[1], match[2]);
  }
  if (stackA === stackB && files.size === 0) return usage("compare two different stacks, or give a --config-file");
  try {
    const report = await checkParity(
      { stack: stackA, file: files.get(stackA) ?? defaultStackFile(stackA) },
      { stack: stackB, file: files.get(stackB) ?? defaultStackFile(stackB) },
    );
    const lines = formatParity(report);
    console.log(lines.join("\n"));
    return lines.length === 1 ? 0 : 1;
  } catch (error) {
    if (pulumi.RunError.isInstance(error)) {
      console.error((error).message);
      return 1;
    }
    throw error;
  }
}

function usage(problem: string): number {
  console.error(`parity: ${problem}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("parity: internal error (please report):", error);
    process.exit(3);
  },
);
