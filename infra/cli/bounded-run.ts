// How dockyard's commands, benchmarks and tests run a child process synchronously: always with a
// time limit, and a child that reaches it is a failure that names the command line, how long it
// ran and the last lines it printed, never a wait without end (docs/decisions/0007).
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from "node:child_process";

/** How {@link runBounded} runs a command. */
export interface BoundedRunOptions extends Omit<SpawnSyncOptionsWithStringEncoding, "encoding" | "timeout"> {
  /** Kill the command (SIGKILL) after this long; required: every child has a limit suited to it. */
  readonly timeoutMs: number;
}

/** What a finished command returned. */
export interface BoundedRunResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** A command that reached its limit, or could not start. */
export class ChildProcessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChildProcessError";
  }
}

/** How many of the child's last output lines a failure quotes. */
const QUOTED_LINES = 20;

/**
 * Runs `command args…` without a shell and waits at most `timeoutMs` for it. Resolves to its
 * exit status and output whatever the status; throws a {@link ChildProcessError} when it had to
 * be killed or could not start.
 */
export function runBounded(command: string, args: readonly string[], options: BoundedRunOptions): BoundedRunResult {
  const { timeoutMs, ...spawnOptions } = options;
  const started = Date.now();
  const result = spawnSync(command, [...args], {
    maxBuffer: 64 * 1024 * 1024,
    ...spawnOptions,
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  const elapsedMs = Date.now() - started;
  const stdout = result.stdout ?? "";
  const stderr = result.stderr ?? "";
  const failure: NodeJS.ErrnoException | undefined = result.error;
  const code = failure?.code;
  if (code === "ETIMEDOUT") {
    throw new ChildProcessError(
      `${commandLine(command, args)} did not finish within ${seconds(timeoutMs)} (killed after ${seconds(elapsedMs)})` +
        lastOutput(stdout, stderr),
    );
  }
  if (result.error !== undefined) {
    throw new ChildProcessError(`${commandLine(command, args)} could not run: ${result.error.message}`);
  }
  return { status: result.status, signal: result.signal, stdout, stderr, elapsedMs };
}

/** The command as a person would type it (arguments with spaces quoted). */
export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part))).join(" ");
}

/** The last lines a child printed, for a failure's message; empty when it printed nothing. */
export function lastOutput(stdout: string, stderr: string): string {
  const lines = `${stdout}\n${stderr}`.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) return "; it printed nothing";
  return `; its last output:\n${lines
    .slice(-QUOTED_LINES)
    .map((line) => `  ${line}`)
    .join("\n")}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * {@link runBounded} for a command that must succeed: returns its standard output, and throws a
 * {@link ChildProcessError} naming the command, its exit and its last output when it fails.
 */
export function outputOf(command: string, args: readonly string[], options: BoundedRunOptions): string {
  const result = runBounded(command, args, options);
  if (result.status !== 0) {
    const exit = result.signal === null ? `exit ${result.status}` : `signal ${result.signal}`;
    throw new ChildProcessError(
      `${commandLine(command, args)} failed (${exit}, after ${seconds(result.elapsedMs)})` +
        lastOutput(result.stdout, result.stderr),
    );
  }
  return result.stdout;
}
