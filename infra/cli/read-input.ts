import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "./run";

/**
 * Reads a small input file a command was pointed at (an outputs file, a policy config, a list
 * of digests): a regular file of at most `maxBytes`, opened without blocking (a FIFO never
 * hangs), valid UTF-8. Anything else is one {@link InputError} line naming the file.
 */
export function readSmallText(file: string, what: string, maxBytes = 1024 * 1024): string {
  const refuse = (why: string) => new InputError(`${what} ${file}: ${why}`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : `cannot be read (${code ?? "unreadable"})`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse(`not a regular file${stat.isDirectory() ? " (a directory)" : ""}`);
    if (stat.size > maxBytes) throw refuse(`is ${stat.size} bytes, more than ${maxBytes}`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length <= maxBytes; length += read)
      read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw refuse(`is more than ${maxBytes} bytes`);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw refuse("is not UTF-8 text");
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  } finally {
    closeSync(fd);
  }
}

/** {@link readSmallText}, parsed as JSON: a syntax error is one line, never a trace. */
export function readSmallJson(file: string, what: string, maxBytes?: number): unknown {
  const text = readSmallText(file, what, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(
      `${what} ${file}: is not JSON (${(error as Error).message.replace(/\s+/g, " ").slice(0, 200)})`,
    );
  }
}
