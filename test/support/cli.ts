/**
 * Runs dockyard's command lines in-process, through the same `main()` and exit-code mapping the
 * binaries use (infra/cli/run.ts): no process spawn, no SDK reload per case.
 */
import { runToExitCode } from "../../infra/cli/run";
import { main as parityMain, USAGE as PARITY_USAGE } from "../../infra/parity/main";
import { main as synthMain, USAGE as SYNTH_USAGE } from "../../infra/synth/main";

/** What a command printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(name: string, usage: string, main: typeof synthMain, argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runToExitCode(name, usage, main, argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, stdout: out.map((l) => `${l}\n`).join(""), stderr: err.map((l) => `${l}\n`).join("") };
}

/** `npm run synth -- …argv`, in-process. */
export function synth(...argv: string[]): Promise<CliRun> {
  return run("synth", SYNTH_USAGE, synthMain, argv);
}

/** `npm run parity -- …argv`, in-process. */
export function parity(...argv: string[]): Promise<CliRun> {
  return run("parity", PARITY_USAGE, parityMain, argv);
}

/** A stack trace or a source position: never shown for a user's mistake. */
export const STACK_TRACE = /\n\s+at |\.ts:\d+:\d+|\.js:\d+:\d+/;
