import { accept, refuse, rule, type Rule } from "./rule";

/**
 * The 5-field cron grammar both targets understand the same way: Kubernetes CronJobs and the
 * Docker scheduler (apps/backup/scheduler). Each field is `*`, `N`, `A-B`, `*\/S`, `A-B/S` or
 * `N/S`, comma-separated; no names (MON, JAN), macros (@daily) or `?`/`L`/`W`. Times are UTC.
 * Bounds and day matching are those of the parser Kubernetes validates CronJobs with
 * (robfig/cron v3, `ParseStandard`): day of week 0-6 (7 is refused by the API server), and a
 * day field of `*` or `*\/1` counts as unrestricted, so with such a day of week the day of month
 * alone decides; with both day fields restricted either may match.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

/** Field names and allowed ranges, in order. */
export const CRON_FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 6 },
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

/** A day field Kubernetes' parser treats as unrestricted: `*`, or `*` with a step of 1. */
export function isUnrestricted(field: string): boolean {
  return field === "*" || field === "*/1";
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
  // With day of week unrestricted, the day of month alone decides (with a restricted day of week, either matching fires).
  if (isUnrestricted(fields[4])) {
    const [, , days, months] = sets;
    const fires = [...months].some((month) => [...days].some((day) => day <= DAYS_IN_MONTH[month - 1]));
    if (!fires) {
      return `never fires: ${[...months].map((m) => MONTHS[m - 1]).join(", ")} ${[...months].length === 1 ? "has" : "have"} no day ${[...days].join(", ")}`;
    }
  }
  return undefined;
}

/** A 5-field cron schedule (UTC) that can fire, normalised to single spaces. */
export const cronSchedule: Rule<string> = rule(
  `a 5-field cron schedule like "0 3 * * *" (UTC; day of week 0-6, as Kubernetes reads it)`,
  (value) => {
    if (typeof value !== "string") return refuse(`must be a 5-field cron schedule like "0 3 * * *" (UTC)`);
    const problem = cronProblem(value);
    return problem === undefined ? accept(value.trim().split(/\s+/).join(" ")) : refuse(problem);
  },
);

/** The years a schedule's gaps are measured over: eight from 2025, so two leap days fall inside. */
const GAP_YEARS = { first: 2025, count: 8 };
/** The day of week of 1 January of the first year (2025: a Wednesday). */
const GAP_FIRST_DAY_OF_WEEK = 3;

/** How many days a month has in a year of the Gregorian calendar. */
function daysIn(month: number, year: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * The longest time, in minutes, between two consecutive runs of a valid schedule (as Kubernetes
 * runs it), measured over eight years; undefined for a schedule that is invalid or never fires.
 * Walks the calendar with counters, not dates: a stack measures every backup's schedules.
 */
export function longestGapMinutes(schedule: string): number | undefined {
  if (cronProblem(schedule) !== undefined) return undefined;
  const fields = schedule.trim().split(/\s+/);
  const [minutes, hours, days, months, weekdays] = fields.map((field, i) => fieldValues(field, i) as Set<number>);
  const times = [...hours].flatMap((h) => [...minutes].map((m) => h * 60 + m)).sort((a, b) => a - b);
  const eitherDay = !isUnrestricted(fields[2]) && !isUnrestricted(fields[4]);
  let longest = times.slice(1).reduce((gap, time, i) => Math.max(gap, time - times[i]), 0);
  const onDayOfMonth = Array.from({ length: 32 }, (_, d) => days.has(d));
  const onDayOfWeek = Array.from({ length: 7 }, (_, d) => weekdays.has(d));
  let previous: number | undefined;
  let day = 0;
  for (let year = GAP_YEARS.first; year < GAP_YEARS.first + GAP_YEARS.count; year++) {
    for (let month = 1; month <= 12; month++) {
      const length = daysIn(month, year);
      if (!months.has(month)) {
        day += length;
        continue;
      }
      for (let dayOfMonth = 1; dayOfMonth <= length; dayOfMonth++, day++) {
        const dom = onDayOfMonth[dayOfMonth];
        const dow = onDayOfWeek[(GAP_FIRST_DAY_OF_WEEK + day) % 7];
        if (!(eitherDay ? dom || dow : dom && dow)) continue;
        if (previous !== undefined) longest = Math.max(longest, (day - previous) * 1440 + times[0] - times.at(-1)!);
        previous = day;
      }
    }
  }
  return previous === undefined ? undefined : longest;
}

/**
 * Why a restore drill allowing snapshots up to `maxAgeHours` old would fail by design under a
 * backup `schedule`: the newest snapshot gets as old as the longest gap between two backups,
 * plus the time a backup takes (an hour allowed), or undefined when the drill can pass.
 */
export function drillAgeProblem(schedule: string, maxAgeHours: number): string | undefined {
  const gap = longestGapMinutes(schedule);
  if (gap === undefined) return undefined;
  const needed = Math.ceil(gap / 60) + 1;
  if (maxAgeHours >= needed) return undefined;
  return `must be at least ${needed}: backups ("${schedule.trim()}") run up to ${Math.ceil(gap / 60)} hours apart, so a drill late in that gap would fail although backups are running`;
}
