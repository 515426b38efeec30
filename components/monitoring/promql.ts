/**
 * The small pieces of PromQL and Prometheus syntax the rule generators share: label matchers,
 * durations, numbers. Pure.
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/
 */
import { accept, refuse, rule, type Rule } from "../rules";

/** A label matcher: `=`/`!=` a value, or `=~`/`!~` an RE2 regular expression (fully anchored). */
export type Matcher = string | { readonly op: "=" | "!=" | "=~" | "!~"; readonly value: string };

/** A PromQL string literal (double-quoted, `\` and `"` escaped). */
export function quoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** `{a="b", c=~"d"}`: a selector's matchers, in the order given. */
export function matchers(labels: Readonly<Record<string, Matcher>>): string {
  const parts = Object.entries(labels).map(([name, m]) =>
    typeof m === "string" ? `${name}=${quoted(m)}` : `${name}${m.op}${quoted(m.value)}`,
  );
  return `{${parts.join(", ")}}`;
}

/** `value` with every RE2 metacharacter escaped, to match it literally inside a regular expression. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/**
 * A latency bucket's `le` matcher. Prometheus 3 stores the `le` of classic histograms as floats
 * ("1.0") where 2.x keeps the exposition's text ("1"): an integral bound matches either.
 */
export function bucketBound(seconds: number): Matcher {
  return Number.isInteger(seconds) ? { op: "=~", value: `${seconds}(\\.0)?` } : String(seconds);
}

/** A number as PromQL and the rule texts show it: at most 12 significant digits (0.072, not 0.07200000000000001). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

const UNITS: readonly [string, number][] = [
  ["y", 365 * 86_400],
  ["w", 7 * 86_400],
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
  ["ms", 0.001],
];
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Seconds in a Prometheus duration ("1h30m", "30s", "0s"), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === "") return undefined;
  return UNITS.reduce((sum, [, seconds], i) => sum + Number(match[i + 1] ?? 0) * seconds, 0);
}

/** A whole number of seconds as a Prometheus duration in one unit: "13h", "30m", "90s". */
export function duration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`not a whole number of seconds: ${seconds}`);
  if (seconds === 0) return "0s";
  for (const [unit, size] of UNITS.slice(2, 6)) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** A duration as people read it: "13 hours", "2 days 1 hour", "5 minutes", "0 seconds". */
export function spoken(seconds: number): string {
  if (seconds === 0) return "0 seconds";
  const parts: string[] = [];
  let rest = seconds;
  for (const [name, size] of [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
    ["second", 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? "" : "s"}`);
  }
  return parts.join(" ");
}

/** A Prometheus duration ("30s", "1h30m"; "0s" allowed). */
export const prometheusDuration: Rule<string> = rule(`a Prometheus duration like "30s", "5m" or "1h30m"`, (value) =>
  typeof value === "string" && durationSeconds(value) !== undefined
    ? accept(value)
    : refuse(`must be a Prometheus duration like "30s", "5m" or "1h30m"`),
);
