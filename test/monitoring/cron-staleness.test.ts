/**
 * How long a CronJob may go without a success, derived from its schedule with the project's cron
 * grammar (components/rules/cron.ts): two of its longest intervals and an hour. The expected
 * values are worked out from the calendar, not from the code.
 */
import { describe, expect, it } from "vitest";
import { staleAfterSeconds } from "../../components/monitoring/cronjob-rules";

const HOUR = 3600;

describe("staleAfterSeconds", () => {
  it.each([
    ["0 */6 * * *", "every 6 hours", 2 * 6 + 1],
    ["0 3 * * *", "daily (the backup's default)", 2 * 24 + 1],
    ["30 4 * * 0", "weekly (the check's default)", 2 * 7 * 24 + 1],
    ["30 4 * * 3", "weekly (the drill's default)", 2 * 7 * 24 + 1],
    ["*/15 * * * *", "every quarter hour", 0.5 + 1],
    // Friday 18:00 to Monday 08:00 is the longest gap: 62 hours.
    ["0 8-18/2 * * 1-5", "every 2 hours on working days", 2 * 62 + 1],
    // Mondays and Thursdays: Thursday to Monday, 4 days.
    ["0 0 * * 1,4", "twice a week", 2 * 4 * 24 + 1],
    // The 1st of each month: 31 days from January 1st to February 1st.
    ["0 3 1 * *", "monthly", 2 * 31 * 24 + 1],
  ])("%s (%s): %d hours", (schedule, _what, hours) => {
    expect(staleAfterSeconds(schedule)).toBe(hours * HOUR);
  });

  it("refuses a schedule that never fires or is not one", () => {
    expect(() => staleAfterSeconds("0 3 30 2 *")).toThrow('"0 3 30 2 *" is not a cron schedule that fires');
    expect(() => staleAfterSeconds("@daily")).toThrow("is not a cron schedule");
  });
});
