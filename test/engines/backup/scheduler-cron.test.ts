/**
 * The Docker scheduler script checks the cron grammar at run time, with busybox sh as in the
 * image: it must agree with the TypeScript check (test/backup/cron.test.ts, same schedules) on
 * what is valid, and match minutes as cron does. It also reports its jobs' last results: what a
 * monitor reads (`scheduler status`) and what Docker's health check runs (`scheduler health`).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { INVALID_SCHEDULES, VALID_SCHEDULES } from "../../backup/support";
import { needs } from "../support/needs";

needs("busybox");

const run = promisify(execFile);
const SCHEDULER = path.join(__dirname, "..", "..", "..", "apps", "backup", "scheduler");

/** Exit status of `scheduler matches`: 0 match, 1 no match, 2 invalid schedule. */
async function matches(
  schedule: string,
  minute: string,
  hour: string,
  day: string,
  month: string,
  weekday: string,
): Promise<number> {
  try {
    await run("/bin/busybox", ["sh", SCHEDULER, "matches", schedule, minute, hour, day, month, weekday]);
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

describe("the Docker scheduler's cron check (busybox sh)", () => {
  it.each(VALID_SCHEDULES)("%s is valid", async (schedule) => {
    expect([0, 1]).toContain(await matches(schedule, "00", "00", "01", "01", "0"));
  });

  it.each(INVALID_SCHEDULES)("%s is invalid", async (schedule) => {
    expect(await matches(schedule, "00", "00", "01", "01", "0")).toBe(2);
  });

  it.each([
    ["* * * * *", ["07", "13", "09", "11", "4"], 0],
    ["*/15 * * * *", ["30", "03", "09", "11", "4"], 0],
    ["*/15 * * * *", ["31", "03", "09", "11", "4"], 1],
    ["0 3 * * *", ["00", "03", "09", "11", "4"], 0],
    ["0 3 * * *", ["00", "04", "09", "11", "4"], 1],
    ["0 8-18/2 * * 1-5", ["00", "08", "09", "11", "1"], 0],
    ["0 8-18/2 * * 1-5", ["00", "09", "09", "11", "1"], 1],
    ["0 8-18/2 * * 1-5", ["00", "08", "09", "11", "6"], 1],
    ["0 0 1 * */1", ["00", "00", "11", "11", "3"], 1], // "*/1" is unrestricted: day of month decides
    ["0 0 1 * */2", ["00", "00", "11", "11", "2"], 0], // "*/2" restricts: either day field matches
    ["0 0 1 * 0", ["00", "00", "11", "11", "0"], 0], // both day fields restricted: either matches
    ["0 0 1 * 0", ["00", "00", "11", "11", "3"], 1],
    ["0 0 1 * *", ["00", "00", "11", "11", "0"], 1], // day of week "*": day of month decides
  ] as const)("%s at %j matches: %s", async (schedule, [minute, hour, day, month, weekday], expected) => {
    expect(await matches(schedule, minute, hour, day, month, weekday)).toBe(expected);
  });
});

/** `scheduler status` and `scheduler health` over a state directory holding the given job results. */
async function report(results: Record<string, string>, command: "status" | "health", heartbeat = true) {
  const dir = await mkdtemp(path.join(tmpdir(), "dockyard-scheduler-"));
  try {
    for (const [job, result] of Object.entries(results))
      await writeFile(path.join(dir, `${job}.result`), `${result}\n`);
    if (heartbeat) await writeFile(path.join(dir, "alive"), "");
    const env = {
      ...process.env,
      STATE_DIR: dir,
      SCHEDULE: "0 3 * * *",
      CHECK_SCHEDULE: "0 4 * * 0",
      DRILL_SCHEDULE: "0 5 * * 3",
    };
    try {
      const { stdout, stderr } = await run("/bin/busybox", ["sh", SCHEDULER, command], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the Docker scheduler's report of its jobs (busybox sh)", () => {
  it("status lists each job's last result and exits 0 while none failed", async () => {
    const ok = await report({ backup: "ok 2026-12-01T03:00:09Z", check: "ok 2026-11-29T04:02:00Z" }, "status");
    expect(ok).toEqual({
      code: 0,
      stdout: "backup ok 2026-12-01T03:00:09Z\ncheck ok 2026-11-29T04:02:00Z\ndrill never ran\n",
      stderr: "",
    });
    expect((await report({ backup: "ok 2026-12-01T03:00:09Z" }, "health")).code).toBe(0);
  });

  it("a failed drill makes status exit 1 and the health check fail, saying which job and when", async () => {
    const results = { backup: "ok 2026-12-01T03:00:09Z", drill: "failed 2026-12-02T05:00:41Z exit 1" };
    const status = await report(results, "status");
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("drill failed 2026-12-02T05:00:41Z exit 1");
    const health = await report(results, "health");
    expect(health.code).toBe(2);
    expect(health.stderr).toBe("scheduler: last run failed: drill failed 2026-12-02T05:00:41Z exit 1;\n");
  });

  it("health fails without a fresh heartbeat", async () => {
    const health = await report({}, "health", false);
    expect(health.code).toBe(2);
    expect(health.stderr).toContain("no heartbeat");
  });
});
