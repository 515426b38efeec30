/**
 * Runs any dockyard command in-process through its `main()` and the same exit-code mapping the
 * binaries use (infra/cli/run.ts), capturing what it prints.
 */
import { type CliMain, runToExitCode } from "../../infra/cli/run";
import type { CliRun } from "./cli";

export async function runMain(name: string, usage: string, main: CliMain, argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runToExitCode(name, usage, main, argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, stdout: out.map((l) => `${l}\n`).join(""), stderr: err.map((l) => `${l}\n`).join("") };
}
