/**
 * The one wrapper every dockyard command line (synth, parity, …) runs under. A command is a
 * `main(argv, io)` returning its exit code, so tests call the same function in-process:
 * 0 success, 1 bad input (config, files: one line per problem), 2 misuse (usage). Nothing a
 * user types or writes produces a stack trace; an unexpected failure is a bug, reported on one
 * line with exit 3 (the trace only with DOCKYARD_DEBUG=1).
 *
 * Deliberately free of SDK imports: arguments are parsed before anything heavy loads.
 */
import { sourceRevisionFromEnvironment } from "../source-revision";

/** Where a command writes: one line at a time. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

/** A command line's entry: parses `argv`, does the work, returns the exit code. */
export type CliMain = (argv: string[], io: CliIO) => Promise<number>;

/** A user's mistake about the command line itself: exit 2 with the usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A user's mistake about files or directories the command was pointed at: exit 1, one line. */
export class InputError extends Error {
  override name = "InputError";
}

/** Whether an error is one a user caused and can fix: config (a Pulumi RunError), files, arguments of components. */
function isUserError(error: unknown): error is Error {
  // RunError marks itself with this flag (works across copies of the SDK, and without loading it).
  return (
    error instanceof InputError ||
    (typeof error === "object" && error !== null && (error as { __pulumiRunError?: unknown }).__pulumiRunError === true)
  );
}

/** Runs `main` with the process's arguments and streams, turning every outcome into an exit code. */
export async function runToExitCode(
  name: string,
  usage: string,
  main: CliMain,
  argv: string[],
  io: CliIO,
): Promise<number> {
  try {
    // Environment every command may read, checked before any work.
    sourceRevisionFromEnvironment();
    return await main(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${name}: ${error.message}`);
      io.err(usage);
      return 2;
    }
    if (isUserError(error)) {
      for (const line of error.message.split("\n")) io.err(line);
      return 1;
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    io.err(`${name}: internal error (please report): ${message}`);
    if (process.env.DOCKYARD_DEBUG === "1" && error instanceof Error && error.stack) io.err(error.stack);
    return 3;
  }
}

/** The process entry of a command: runs it and exits with its code. */
export function runCli(name: string, usage: string, main: CliMain): void {
  const io: CliIO = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  // Exit explicitly: the SDK may leave handles open after an offline evaluation.
  void runToExitCode(name, usage, main, process.argv.slice(2), io).then((code) => process.exit(code));
}
