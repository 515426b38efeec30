/**
 * Runs dockyard's command lines in-process, through the same `main()` and exit-code mapping the
 * binaries use (infra/cli/run.ts): no process spawn, no SDK reload per case.
 */
import { main as parityMain, USAGE as PARITY_USAGE } from "../../infra/parity/main";
import { main as synthMain, USAGE as SYNTH_USAGE } from "../../infra/synth/main";
import { runMain } from "./run-main";

/** What a command printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run synth -- …argv`, in-process. */
export function synth(...argv: string[]): Promise<CliRun> {
  return runMain("synth", SYNTH_USAGE, synthMain, argv);
}

/** `npm run parity -- …argv`, in-process. */
export function parity(...argv: string[]): Promise<CliRun> {
  return runMain("parity", PARITY_USAGE, parityMain, argv);
}

/** A stack trace or a source position: never shown for a user's mistake. */
export const STACK_TRACE = /\n\s+at |\.ts:\d+:\d+|\.js:\d+:\d+/;
