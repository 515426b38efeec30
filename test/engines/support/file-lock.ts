/**
 * A readers–writer lock between the engine suite's worker processes (and concurrent runs of the
 * suite on the same machine), kept in a directory:
 * - a shared holder writes `<lock>/shared/<pid>-<random>`, then looks for `<lock>/exclusive`; if
 *   an exclusive holder is there it takes its entry back and waits;
 * - an exclusive holder puts `<lock>/exclusive` in place, its pid inside (a directory renamed
 *   into place: one holder at a time, never without its pid), then waits until no shared entry
 *   is left.
 * Each side writes before it looks, so one of any two holders always sees the other. Exclusive
 * holders come first: shared ones back off while one waits. An entry whose process is gone is
 * removed, so a killed worker does not hold the lock. (Two waiters removing the same dead entry
 * at once could, in the microseconds between reading it and removing it, remove a third's fresh
 * one: only after a worker was killed holding the lock, which a test run does not survive anyway.)
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";

/** How long a holder waits before giving up with the holders' names. */
const WAIT_MS = 15 * 60_000;
const POLL_MS = 200;

/** Runs `work` while holding `lock` shared: beside other shared holders, never beside an exclusive one. */
export async function withSharedLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const entry = path.join(lock, "shared", `${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(path.dirname(entry), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await writeFile(entry, `${process.pid}\n`, { flag: "wx" });
    const owner = await exclusiveOwner(lock);
    if (owner === undefined) break;
    await rm(entry, { force: true });
    if (Date.now() > deadline)
      throw new Error(`timed out after ${WAIT_MS} ms waiting for ${lock} (held by pid ${owner})`);
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    await rm(entry, { force: true });
  }
}

/** Runs `work` while holding `lock` exclusively: beside no other holder. */
export async function withExclusiveLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const exclusive = path.join(lock, "exclusive");
  const deadline = Date.now() + WAIT_MS;
  const candidate = path.join(lock, `candidate-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(candidate, { recursive: true });
  await writeFile(path.join(candidate, "pid"), `${process.pid}\n`);
  for (;;) {
    try {
      await rename(candidate, exclusive); // fails while `exclusive` exists: it is never empty
      break;
    } catch (error) {
      const taken = ["EEXIST", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? "");
      const owner = taken ? await exclusiveOwner(lock) : undefined;
      if (!taken || Date.now() > deadline) {
        await rm(candidate, { recursive: true, force: true });
        throw taken ? new Error(`timed out after ${WAIT_MS} ms waiting for ${lock} (held by pid ${owner})`) : error;
      }
      await sleep(POLL_MS);
    }
  }
  try {
    for (;;) {
      const holders = await sharedHolders(lock);
      if (holders.length === 0) break;
      if (Date.now() > deadline)
        throw new Error(`timed out after ${WAIT_MS} ms waiting for ${lock} (shared by pids ${holders.join(", ")})`);
      await sleep(POLL_MS);
    }
    return await work();
  } finally {
    await removeExclusive(lock);
  }
}

/** The pid holding (or waiting for) the lock exclusively, if any; removes the entry of a process that is gone. */
async function exclusiveOwner(lock: string): Promise<number | undefined> {
  const exclusive = path.join(lock, "exclusive");
  const pid = await readFile(path.join(exclusive, "pid"), "utf8").then(
    (text) => Number(text.trim()),
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? undefined : Promise.reject(error)),
  );
  if (pid === undefined) return undefined;
  if (alive(pid)) return pid;
  await removeExclusive(lock);
  return undefined;
}

/**
 * Moves `<lock>/exclusive` aside, then deletes it. Deleting it in place would empty it first, and
 * a waiter's rename replaces an empty directory: the waiter would hold the lock while the
 * deletion failed on its entry.
 */
async function removeExclusive(lock: string): Promise<void> {
  const aside = path.join(lock, `released-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await rename(path.join(lock, "exclusive"), aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

/** Pids of the shared holders still alive; removes the entries of processes that are gone. */
async function sharedHolders(lock: string): Promise<number[]> {
  const names = await readdir(path.join(lock, "shared")).catch(() => [] as string[]);
  const holders: number[] = [];
  for (const name of names) {
    const pid = Number(name.split("-")[0]);
    if (alive(pid)) holders.push(pid);
    else await rm(path.join(lock, "shared", name), { force: true });
  }
  return holders;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
