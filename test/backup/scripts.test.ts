// The backup image's scripts (apps/backup/: backup, check, drill, restore) against a recording
// stand-in for restic: what they ask restic to do, and what they make of its answers and failures.
// The same scripts run against the real restic in test/engines/backup/.
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backupScripts, SNAPSHOT_ID, subcommand, writeSnapshotFiles } from "./recording-restic";

const scripts = backupScripts();
afterAll(() => scripts.cleanup());

/** A fresh directory under the scripts' own, optionally holding the snapshot's files. */
function directory(name: string, filled = false): string {
  const dir = mkdtempSync(join(scripts.dir, `${name}-`));
  if (filled) writeSnapshotFiles(dir);
  return dir;
}

const calls = (run: { calls: string[][] }, sub: string) => run.calls.filter((call) => subcommand(call) === sub);

describe("backup", () => {
  const keep = { KEEP_DAILY: "7", KEEP_WEEKLY: "4" };

  it("snapshots the source under its volume's host and tag, then prunes what the policy does not keep", () => {
    const run = scripts.run("backup", { ...keep, SOURCE_DIR: directory("source", true) });
    expect(run.status, run.stderr).toBe(0);
    expect(calls(run, "backup")).toEqual([
      expect.arrayContaining(["backup", "--json", "--host", "web-data", "--tag", "dockyard", "."]),
    ]);
    const [forget] = calls(run, "forget");
    expect(forget.slice(forget.indexOf("forget"))).toEqual([
      "forget",
      "--host",
      "web-data",
      "--group-by",
      "host,tags",
      "--keep-daily",
      "7",
      "--keep-weekly",
      "4",
      "--prune",
    ]);
    expect(run.stdout).toContain(`snapshot ${SNAPSHOT_ID}`);
  });

  it("initializes a repository only where none exists", () => {
    const fresh = scripts.run("backup", { ...keep, SOURCE_DIR: directory("source", true) }, { noRepository: true });
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(calls(fresh, "init")).toHaveLength(1);
    const existing = scripts.run("backup", { ...keep, SOURCE_DIR: directory("source", true) });
    expect(calls(existing, "init")).toEqual([]);
  });

  it("forgets nothing when the backup fails, and keeps an incomplete snapshot out of the dockyard tag", () => {
    const failed = scripts.run("backup", { ...keep, SOURCE_DIR: directory("source", true) }, { fail: { backup: 1 } });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain("failed; nothing was forgotten");
    expect(calls(failed, "forget")).toEqual([]);

    const partial = scripts.run("backup", { ...keep, SOURCE_DIR: directory("source", true) }, { fail: { backup: 3 } });
    expect(partial.status).toBe(1);
    expect(calls(partial, "tag")).toEqual([
      expect.arrayContaining(["tag", "--remove", "dockyard", "--add", "incomplete", SNAPSHOT_ID]),
    ]);
    expect(calls(partial, "forget")).toEqual([]);
  });

  it.each([false, true])(
    "counts the snapshots kept by their full IDs (restic JSON without its deprecated fields: %s)",
    (withoutDeprecatedFields) => {
      const run = scripts.run(
        "backup",
        { ...keep, SOURCE_DIR: directory("source", true) },
        { withoutDeprecatedFields },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain("retention: --keep-daily 7 --keep-weekly 4: 1 snapshots of web-data kept");
    },
  );

  it("refuses a policy that keeps nothing before touching the repository", () => {
    const run = scripts.run("backup", { SOURCE_DIR: directory("source", true) });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("the retention policy keeps no snapshot");
    expect(run.calls).toEqual([]);
  });
});

describe("check", () => {
  it("reads back the configured share of the data, and fails when restic finds damage", () => {
    const ok = scripts.run("check", { CHECK_READ_DATA_PERCENT: "5" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(calls(ok, "check")).toEqual([expect.arrayContaining(["check", "--read-data-subset=5%"])]);
    const damaged = scripts.run("check", { CHECK_READ_DATA_PERCENT: "0" }, { fail: { check: 1 } });
    expect(damaged.status).toBe(1);
    expect(calls(damaged, "check")[0]).not.toContain("--read-data-subset=0%");
    expect(damaged.stderr).toContain("is damaged or unreadable");
  });
});

describe("drill", () => {
  it("checks the repository, restores the newest snapshot with --verify and compares the tree, then cleans up", () => {
    const scratch = directory("scratch");
    const run = scripts.run("drill", { SCRATCH_DIR: scratch });
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls.map(subcommand)).toEqual(["cat", "snapshots", "check", "ls", "restore"]);
    expect(calls(run, "restore")[0]).toEqual(
      expect.arrayContaining(["restore", SNAPSHOT_ID, "--target", join(scratch, "drill"), "--verify"]),
    );
    expect(run.stdout).toMatch(
      /^drill: OK for web-data: snapshot 4f4f4f4f .* 2 files, 1 directories, 0 symlinks, 0 other, 12 bytes; contents sha256 [0-9a-f]{64}\n$/,
    );
    expect(readdirSync(scratch).filter((entry) => entry !== "tmp")).toEqual([]);
  });

  it("reads restic's listing by message_type as well as by the struct_type restic deprecates", () => {
    const run = scripts.run("drill", { SCRATCH_DIR: directory("scratch") }, { withoutDeprecatedFields: true });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("2 files, 1 directories, 0 symlinks, 0 other, 12 bytes");
  });

  it("fails when the restore loses a file, when restic did not verify, and when the repository is damaged", () => {
    const lost = scripts.run("drill", { SCRATCH_DIR: directory("scratch") }, { restoreLoses: true });
    expect(lost.status).toBe(1);
    expect(lost.stderr).toContain(
      "snapshot 4f4f4f4f holds 2 files, 1 directories, 0 symlinks, 0 other, 12 bytes; the restore produced 1 files, 1 directories, 0 symlinks, 0 other, 5 bytes",
    );
    const unverified = scripts.run("drill", { SCRATCH_DIR: directory("scratch") }, { restoreSkipsVerify: true });
    expect(unverified.status).toBe(1);
    expect(unverified.stderr).toContain("restic did not verify the restored files of 4f4f4f4f");
    const damaged = scripts.run("drill", { SCRATCH_DIR: directory("scratch") }, { fail: { check: 1 } });
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toContain("restic check found errors in the repository");
    expect(calls(damaged, "restore")).toEqual([]);
  });

  it("fails, restoring nothing, when the newest snapshot is older than the limit (backups stopped)", () => {
    const limit = { DRILL_MAX_AGE_HOURS: "48" };
    const recent = scripts.run("drill", { SCRATCH_DIR: directory("scratch"), ...limit }, { snapshotAgeHours: 47 });
    expect(recent.status, recent.stderr).toBe(0);
    const stale = scripts.run("drill", { SCRATCH_DIR: directory("scratch"), ...limit }, { snapshotAgeHours: 49 });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(
      /the newest snapshot 4f4f4f4f is 49 hours old .* more than DRILL_MAX_AGE_HOURS=48: are backups running\?/,
    );
    expect(calls(stale, "restore")).toEqual([]);
  });
});

describe("restore", () => {
  it("restores the newest snapshot into an empty target with --verify", () => {
    const target = directory("target");
    const run = scripts.run("restore", { TARGET_DIR: target });
    expect(run.status, run.stderr).toBe(0);
    expect(calls(run, "restore")[0]).toEqual(
      expect.arrayContaining(["restore", SNAPSHOT_ID, "--target", target, "--verify"]),
    );
    expect(readdirSync(target).sort()).toEqual(["a.txt", "dir"]);
  });

  it("refuses a target that holds anything and asks restic nothing", () => {
    const target = directory("target");
    mkdirSync(join(target, "lost+found"));
    writeSnapshotFiles(target);
    const run = scripts.run("restore", { TARGET_DIR: target });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `restore: target directory ${target} is not empty: restore only into an empty volume (nothing was written)\n`,
    );
    expect(run.calls).toEqual([]);
  });

  it("fails when the restored tree differs from the snapshot", () => {
    const run = scripts.run("restore", { TARGET_DIR: directory("target") }, { restoreLoses: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("the restore produced 1 files");
  });
});
