/**
 * The cron grammar is checked twice, in TypeScript (at `pulumi up`, here) and by the Docker
 * scheduler script at run time (test/engines/backup/scheduler-cron.test.ts, with busybox sh as
 * in the image): both run over the same schedules, so they agree on what is valid.
 */
import { describe, expect, it } from "vitest";
import { cronProblem, drillAgeProblem, longestGapMinutes } from "../../components/rules/cron";
import { INVALID_SCHEDULES, VALID_SCHEDULES } from "./support";

describe("cron schedules", () => {
  it.each(VALID_SCHEDULES)("%s is valid", (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });

  it.each(INVALID_SCHEDULES)("%s is invalid", (schedule) => {
    expect(cronProblem(schedule)).toBeDefined();
  });
});

describe("schedules that can never fire", () => {
  // Valid grammar for the scheduler script (which would simply never run them): refused here,
  // with day-of-week "*" the day of month alone decides.
  it.each([
    ["0 0 31 2 *", "never fires: February has no day 31"],
    ["0 0 30 2 *", "never fires: February has no day 30"],
    ["0 0 31 4,6,9,11 *", "never fires: April, June, September, November have no day 31"],
    // A step of 1 leaves the day of week unrestricted, as Kubernetes reads it.
    ["0 0 30 2 */1", "never fires: February has no day 30"],
  ])("%s", (schedule, problem) => {
    expect(cronProblem(schedule)).toBe(problem);
  });

  it.each(["0 0 29 2 *", "0 0 31 1-12 *", "0 0 31 2 1", "0 0 30 2 */2"])("%s can fire", (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });
});

describe("how far apart a schedule's runs are", () => {
  it.each([
    ["0 3 * * *", 24],
    ["*/15 * * * *", 0.25],
    ["30 4 * * 0", 7 * 24],
    ["0 8-18/2 * * 1-5", 62], // Friday 18:00 to Monday 08:00
    ["0 0 31 * *", 61 * 24], // 31 August to 31 October: the longest stretch without a 31st
    ["0 0 29 2 *", 4 * 8766], // leap days only
  ])("%s: %s hours at most", (schedule, hours) => {
    expect(longestGapMinutes(schedule)! / 60).toBe(hours);
  });

  it("a drill must allow the longest gap between backups and an hour to finish one", () => {
    expect(drillAgeProblem("0 3 * * *", 25)).toBeUndefined();
    expect(drillAgeProblem("0 3 * * *", 24)).toBe(
      'must be at least 25: backups ("0 3 * * *") run up to 24 hours apart, so a drill late in that gap would fail although backups are running',
    );
    expect(drillAgeProblem("30 4 * * 0", 48)).toMatch(/^must be at least 169:/);
  });
});
