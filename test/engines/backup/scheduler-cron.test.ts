/**
 * The Docker scheduler script checks the cron grammar at run time, with busybox sh as in the
 * image: it must agree with the TypeScript check (test/backup/cron.test.ts, same schedules) on
 * what is valid, and match minutes as cron does.
 */
import { execFile } from "node:child_process";
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
    ["0 0 * * 7", ["00", "00", "08", "11", "0"], 0], // 7 is Sunday too
    ["0 0 1 * 0", ["00", "00", "11", "11", "0"], 0], // both day fields restricted: either matches
    ["0 0 1 * 0", ["00", "00", "11", "11", "3"], 1],
    ["0 0 1 * *", ["00", "00", "11", "11", "0"], 1], // day of week "*": day of month decides
  ] as const)("%s at %j matches: %s", async (schedule, [minute, hour, day, month, weekday], expected) => {
    expect(await matches(schedule, minute, hour, day, month, weekday)).toBe(expected);
  });
});
