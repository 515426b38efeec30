/**
 * The cron grammar is checked twice, in TypeScript (at `pulumi up`, here) and by the Docker
 * scheduler script at run time (test/engines/backup/scheduler-cron.test.ts, with busybox sh as
 * in the image): both run over the same schedules, so they agree on what is valid.
 */
import { describe, expect, it } from "vitest";
import { cronProblem } from "../../components/rules/cron";
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
  ])("%s", (schedule, problem) => {
    expect(cronProblem(schedule)).toBe(problem);
  });

  it.each(["0 0 29 2 *", "0 0 31 1-12 *", "0 0 31 2 1"])("%s can fire", (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });
});
