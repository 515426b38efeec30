/**
 * The engine suite's readers–writer lock (test/engines/support/file-lock.ts), between processes:
 * Podman's image store depends on it (no image deleted while another test file builds).
 */
import { spawn } from "node:child_process";
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outputOf } from "../../infra/cli/bounded-run";
import { withExclusiveLock, withSharedLock } from "../engines/support/file-lock";

let dir: string;
let lock: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dockyard-lock-test-"));
  lock = path.join(dir, "store.lock");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const LOCK_MODULE = path.resolve(__dirname, "../engines/support/file-lock.ts");

/**
 * Another process that takes the lock, appends "<tag> in" and "<tag> out" to `journal` around a
 * pause (until every line of `until` is in the journal, if given; exit 3 after 10 s without), and
 * exits.
 */
function holder(
  mode: "shared" | "exclusive",
  tag: string,
  journal: string,
  options: { holdMs?: number; until?: string[] },
): Promise<number> {
  const script = `
    import { appendFileSync, readFileSync } from "node:fs";
    import { withExclusiveLock, withSharedLock } from ${JSON.stringify(LOCK_MODULE)};
    const take = ${JSON.stringify(mode)} === "shared" ? withSharedLock : withExclusiveLock;
    const until = ${JSON.stringify(options.until ?? [])};
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    await take(${JSON.stringify(lock)}, async () => {
      appendFileSync(${JSON.stringify(journal)}, ${JSON.stringify(`${tag} in\n`)});
      await sleep(${options.holdMs ?? 0});
      for (const deadline = Date.now() + 10_000; ; await sleep(50)) {
        const lines = readFileSync(${JSON.stringify(journal)}, "utf8").split("\\n");
        if (until.every((line) => lines.includes(line))) break;
        if (Date.now() > deadline) process.exit(3);
      }
      appendFileSync(${JSON.stringify(journal)}, ${JSON.stringify(`${tag} out\n`)});
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "--input-type=module", "--eval", script],
      // Each holder gives up after 10 s by itself; the limit is for a child that hangs anyway.
      { stdio: "inherit", timeout: 30_000, killSignal: "SIGKILL" },
    );
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

/** The intervals each tag held the lock, from the journal's in/out lines, in order. */
async function holds(journal: string): Promise<string[]> {
  return (await readFile(journal, "utf8")).trim().split("\n");
}

/** Resolves once `condition` holds (checked every 20 ms); fails after 10 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await condition());) {
    if (Date.now() > deadline) throw new Error("condition not met within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A pid no process has: one that has just exited. */
function deadPid(): number {
  return Number(
    outputOf(process.execPath, ["--eval", "process.stdout.write(String(process.pid))"], { timeoutMs: 30_000 }),
  );
}

describe("the engine suite's file lock", () => {
  it("lets shared holders in together and an exclusive holder in alone, across processes", async () => {
    const journal = path.join(dir, "journal");
    await writeFile(journal, "");
    const codes = await Promise.all([
      holder("shared", "build-1", journal, { holdMs: 300 }),
      holder("shared", "build-2", journal, { holdMs: 300 }),
      holder("exclusive", "remove-1", journal, { holdMs: 200 }),
      holder("exclusive", "remove-2", journal, { holdMs: 200 }),
    ]);
    expect(codes).toEqual([0, 0, 0, 0]);
    const lines = await holds(journal);
    expect(lines).toHaveLength(8);
    // an exclusive holder's "out" comes right after its "in": nobody else was inside meanwhile
    for (const tag of ["remove-1", "remove-2"]) {
      const entered = lines.indexOf(`${tag} in`);
      expect(lines[entered + 1]).toBe(`${tag} out`);
    }
  }, 30_000);

  it("runs shared holders at the same time: each stays in until the other is in", async () => {
    const journal = path.join(dir, "journal");
    await writeFile(journal, "");
    const codes = await Promise.all([
      holder("shared", "a", journal, { until: ["b in"] }),
      holder("shared", "b", journal, { until: ["a in"] }),
    ]);
    expect(codes).toEqual([0, 0]);
    expect((await holds(journal)).slice(0, 2).sort()).toEqual(["a in", "b in"]);
  }, 30_000);

  it("keeps an exclusive holder (another process) waiting until the shared holder is out", async () => {
    const journal = path.join(dir, "journal");
    await writeFile(journal, "");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const shared = withSharedLock(lock, async () => {
      await appendFile(journal, "build in\n");
      await held;
      await appendFile(journal, "build out\n");
    });
    await until(() => readFile(journal, "utf8").then((text) => text.includes("build in")));
    const exclusive = holder("exclusive", "remove", journal, {});
    await until(() => readdir(lock).then((names) => names.includes("exclusive")));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await holds(journal)).toEqual(["build in"]);
    release();
    await shared;
    expect(await exclusive).toBe(0);
    expect(await holds(journal)).toEqual(["build in", "build out", "remove in", "remove out"]);
  }, 30_000);

  it("keeps a shared holder out while an exclusive one holds the lock, in this process too", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const exclusive = withExclusiveLock(lock, async () => {
      order.push("exclusive in");
      await held;
      order.push("exclusive out");
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const shared = withSharedLock(lock, () => Promise.resolve(order.push("shared in")));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(order).toEqual(["exclusive in"]);
    release();
    await Promise.all([exclusive, shared]);
    expect(order).toEqual(["exclusive in", "exclusive out", "shared in"]);
  });

  it("returns what the work returns, and frees the lock when the work throws", async () => {
    expect(await withSharedLock(lock, () => Promise.resolve(42))).toBe(42);
    await expect(withExclusiveLock(lock, () => Promise.reject(new Error("build failed")))).rejects.toThrow(
      "build failed",
    );
    expect(await withExclusiveLock(lock, () => Promise.resolve("again"))).toBe("again");
    expect(await readdir(lock)).toEqual(["shared"]);
  });

  it("removes the entries of processes that are gone instead of waiting for them", async () => {
    const gone = deadPid();
    await mkdir(path.join(lock, "exclusive"), { recursive: true });
    await writeFile(path.join(lock, "exclusive", "pid"), `${gone}\n`);
    expect(await withSharedLock(lock, () => Promise.resolve("in"))).toBe("in");

    await writeFile(path.join(lock, "shared", `${gone}-0badc0de`), `${gone}\n`);
    expect(await withExclusiveLock(lock, () => Promise.resolve("in"))).toBe("in");
    expect(await readdir(path.join(lock, "shared"))).toEqual([]);
  });
});
