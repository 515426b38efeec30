/**
 * A rule says whether one value is acceptable and what acceptable looks like. Each rule is
 * written once, here, and used by every layer that takes the value: the stack-config schema
 * (infra/config-schema.ts) and the components' own argument checks. So a stack file that
 * validates never fails later inside a component, and both report the same words.
 *
 * Rules are pure and never echo the value: callers add "got …" themselves, and leave it out
 * for secrets.
 */

/** The outcome of a check: the normalised value, or why the value is not acceptable. */
export type Verdict<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** One rule for one kind of value. */
export interface Rule<T> {
  /** What an acceptable value looks like, e.g. `a CPU amount like "250m", "0.5" or 2`. */
  readonly expects: string;
  /** The value normalised, or a problem that reads after the key: `must be …`, `has …`. */
  check(value: unknown): Verdict<T>;
}

/** An acceptable value. */
export function accept<T>(value: T): Verdict<T> {
  return { ok: true, value };
}

/** An unacceptable value, with the words that follow the key: `must be …`. */
export function refuse<T = never>(problem: string): Verdict<T> {
  return { ok: false, problem };
}

/** A rule from its description and check. */
export function rule<T>(expects: string, check: (value: unknown) => Verdict<T>): Rule<T> {
  return { expects, check };
}

/** The same rule with other words for `expects` (a narrower example, say). */
export function describedAs<T>(base: Rule<T>, expects: string): Rule<T> {
  return { expects, check: (value) => base.check(value) };
}

/**
 * Control characters, the Unicode line and paragraph separators that some parsers treat as
 * newlines, and invisible format characters (zero-width spaces and joiners, bidirectional
 * overrides: Unicode's Cf), which no reviewer sees in a diff.
 */
// oxlint-disable-next-line no-control-regex -- control characters are what this refuses
export const CONTROL_OR_LINE_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;
