import { accept, refuse, rule, type Rule } from "./rule";

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
/** Longest day of each month (February: 29, which leap years have). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** The values one field selects, or a problem. */
function fieldValues(field: string, index: number): Set<number> | string {
  const { name, min, max } = CRON_FIELDS[index];
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const match = PART.exec(part);
    const problem = `has an invalid ${name} field "${field}" (allowed: *, N, A-B, */S, A-B/S with ${min}-${max}, comma-separated)`;
    if (match === null) return problem;
    let [from, to]: number[] = [min, max];
    if (match[1] !== "*") {
      const [first, last] = match[1].split("-").map(Number);
      [from, to] = [first, last ?? (match[2] === undefined ? first : max)];
    }
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (from < min || to > max || from > to || step < 1 || step > max) return problem;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Why a schedule is not a valid 5-field cron expression that can ever fire, or undefined. */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5)
    return `must have 5 fields (minute hour day-of-month month day-of-week, UTC), has ${fields.length}`;
  const sets: Set<number>[] = [];
  for (const [i, field] of fields.entries()) {
    const values = fieldValues(field, i);
    if (typeof values === "string") return values;
    sets.push(values);
  }
  // With day of week "*", the day of month alone decides (with a restricted day of week, either matching fires).
  if (fields[4] === "*") {
    const [, , days, months] = sets;
    const fires = [...months].some((month) => [...days].some((day) => day <= DAYS_IN_MONTH[month - 1]));
    if (!fires) {
      return `never fires: ${[...months].map((m) => MONTHS[m - 1]).join(", ")} ${[...months].length === 1 ? "has" : "have"} no day ${[...days].join(", ")}`;
    }
  }
  return undefined;
}

/** A 5-field cron schedule (UTC) that can fire, normalised to single spaces. */
export const cronSchedule: Rule<string> = rule(`a 5-field cron schedule like "0 3 * * *" (UTC)`, (value) => {
  if (typeof value !== "string") return refuse(`must be a 5-field cron schedule like "0 3 * * *" (UTC)`);
  const problem = cronProblem(value);
  return problem === undefined ? accept(value.trim().split(/\s+/).join(" ")) : refuse(problem);
});
