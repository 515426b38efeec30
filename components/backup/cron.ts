/**
 * The 5-field cron grammar both targets understand the same way: Kubernetes CronJobs and the
 * Docker scheduler (apps/backup/scheduler). Each field is `*`, `N`, `A-B`, `*\/S`, `A-B/S` or
 * `N/S`, comma-separated; no names (MON, JAN), macros (@daily) or `?`/`L`/`W`. Times are UTC.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

/** Field names and allowed ranges, in order. */
export const CRON_FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

const PART = /^(\*|\d{1,2}(?:-\d{1,2})?)(?:\/(\d{1,2}))?$/;

/** Why a schedule is not a valid 5-field cron expression, or undefined when it is. */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week, UTC), got ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const { name, min, max } = CRON_FIELDS[i];
    for (const part of field.split(",")) {
      const match = PART.exec(part);
      const problem = `has an invalid ${name} field "${field}" (allowed: *, N, A-B, */S, A-B/S with ${min}-${max}, comma-separated)`;
      if (match === null) return problem;
      let [from, to]: number[] = [min, max];
      if (match[1] !== "*") {
        const [first, last] = match[1].split("-").map(Number);
        [from, to] = [first, last ?? first];
      }
      const step = match[2] === undefined ? 1 : Number(match[2]);
      if (from < min || to > max || from > to || step < 1 || step > max) return problem;
    }
  }
  return undefined;
}
