import { closeSync, constants, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { InputError } from "../cli/run";

/** New content written beside a file, not yet in its place. */
export interface Staged {
  target: string;
  temp: string;
}

/**
 * Writes `text` to a fresh file in the target's directory (same file system, same mode), so
 * that {@link commitStaged} can rename it into place: a reader sees the old file or the new one,
 * never half of one.
 */
export function stage(target: string, text: string): Staged {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {
    // A new file gets the default mode.
  }
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    if (fd !== undefined) discard([{ target, temp }]);
    throw new InputError(`cannot write beside ${target}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return { target, temp };
}

/** Moves every staged file into place, in order. */
export function commitStaged(staged: readonly Staged[]): void {
  for (const { target, temp } of staged) renameSync(temp, target);
}

/** Removes staged files that will not be used. */
export function discard(staged: readonly Staged[]): void {
  for (const { temp } of staged) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
  }
}
