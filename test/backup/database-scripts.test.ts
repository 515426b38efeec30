// The backup image's scripts (apps/backup: backup, drill, restore) with a database source, against
// the recording stand-in for restic: what they store and fetch, and how they hand over to the
// database container through the shared work space (Kubernetes: the pod's other container). The
// Docker helper's hand-over runs on real engines in test/engines/backup/postgres-*.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backupScripts, subcommand } from "./recording-restic";

const scripts = backupScripts();
afterAll(() => scripts.cleanup());

/** A database source's environment: a fresh work space (and scratch) of its own. */
function database(): { env: Record<string, string>; dir: string } {
  const scratch = mkdtempSync(join(scripts.dir, "scratch-"));
  const dir = join(scratch, "database");
  return { dir, env: { DATABASE_NAME: "shop", DATABASE_DIR: dir, SCRATCH_DIR: scratch, KEEP_DAILY: "7" } };
}

const calls = (run: { calls: string[][] }, sub: string) => run.calls.filter((call) => subcommand(call) === sub);

describe("backup of a database", () => {
  it("stores the dump the database container wrote, alone, and removes it after", () => {
    const { env, dir } = database();
    mkdirSync(join(dir, "dump"), { recursive: true });
    writeFileSync(join(dir, "dump", "shop.dump"), "PGDMP stand-in");
    const run = scripts.run("backup", env);
    expect(run.status, run.stderr).toBe(0);
    const [backup] = calls(run, "backup");
    expect(backup.at(-1)).toBe("shop.dump");
    expect(run.stdout).toContain("of database shop (14 bytes, pg_dump --format=custom) in rest:https://");
    expect(readdirSync(join(dir, "dump"))).toEqual([]);
  });

  it("without a dump (the database step failed or did not run), stores and forgets nothing", () => {
    const { env, dir } = database();
    const run = scripts.run("backup", env);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `backup: no dump of database shop at ${join(dir, "dump", "shop.dump")}: the database step did not write one; nothing was backed up or forgotten\n`,
    );
    expect(calls(run, "backup")).toEqual([]);
    expect(calls(run, "forget")).toEqual([]);
  });

  it("a Docker helper that gives no sign of life fails the backup, naming it", () => {
    const { env, dir } = database();
    const run = scripts.run("backup", { ...env, DATABASE_AGENT: join(dir, "agent"), AGENT_STALE_SECONDS: "1" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `backup: the database helper container is not running: no sign of life in ${join(dir, "agent")}/alive`,
    );
    expect(calls(run, "backup")).toEqual([]);
  });
});

describe("drill and restore of a database (Kubernetes: the database container goes next)", () => {
  it("the drill fetches into the work space, and fails naming a snapshot that holds no dump", () => {
    const { env, dir } = database();
    const run = scripts.run("drill", env);
    expect(run.status).toBe(1);
    expect(calls(run, "restore")[0]).toEqual(expect.arrayContaining(["--target", join(dir, "drill"), "--verify"]));
    expect(run.stderr).toMatch(
      /^drill: FAILED for web-data in rest:\S+: snapshot 4f4f4f4f holds no dump of database shop \(2 files, 1 directories, 0 symlinks, 0 other, 12 bytes\)\n$/,
    );
  });

  it("restore fetches into its own part of the work space (not TARGET_DIR); whatever an earlier one left there goes", () => {
    const { env, dir } = database();
    mkdirSync(join(dir, "restore"), { recursive: true });
    writeFileSync(join(dir, "restore", "leftover"), "x");
    const run = scripts.run("restore", { ...env, TARGET_DIR: "/nonexistent" });
    expect(run.status).toBe(1);
    expect(calls(run, "restore")[0]).toEqual(expect.arrayContaining(["--target", join(dir, "restore")]));
    expect(existsSync(join(dir, "restore", "leftover"))).toBe(false);
    expect(run.stderr).toContain("restore: snapshot 4f4f4f4f holds no dump of database shop");
  });
});
