/**
 * The cron grammar is checked twice, in TypeScript (at `pulumi up`, here) and by the Docker
 * scheduler script at run time (test/engines/backup/scheduler-cron.test.ts, with busybox sh as
 * in the image): both run over the same schedules, so they agree on what is valid.
 */
import { describe, expect, it } from "vitest";
import { cronProblem } from "../../components/backup/cron";
import { INVALID_SCHEDULES, VALID_SCHEDULES } from "./support";

describe("cron schedules", () => {
  it.each(VALID_SCHEDULES)("%s is valid", (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });

  it.each(INVALID_SCHEDULES)("%s is invalid", (schedule) => {
    expect(cronProblem(schedule)).toBeDefined();
  });
});
