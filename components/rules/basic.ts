import { accept, CONTROL_OR_LINE_BREAK, refuse, rule, type Rule } from "./rule";

/** An integer from `min` to `max`. */
export function integerIn(min: number, max: number): Rule<number> {
  const expects = `an integer from ${min} to ${max}`;
  return rule(expects, (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? accept(value)
      : refuse(`must be ${expects}`),
  );
}

/** `true` or `false`. */
export const boolean: Rule<boolean> = rule("true or false", (value) =>
  typeof value === "boolean" ? accept(value) : refuse("must be true or false"),
);

/** One of a fixed set of strings. */
export function oneOf<T extends string>(allowed: readonly T[]): Rule<T> {
  const expects =
    allowed.length === 2 ? `"${allowed[0]}" or "${allowed[1]}"` : `one of ${allowed.map((a) => `"${a}"`).join(", ")}`;
  return rule(expects, (value) =>
    typeof value === "string" && (allowed as readonly string[]).includes(value)
      ? accept(value as T)
      : refuse(`must be ${expects}`),
  );
}

/** A non-empty single line of printable text of at most `max` characters (a name, a context, a user). */
export function plainText(what: string, max = 253): Rule<string> {
  const expects = `${what} (one line of visible, printable text, at most ${max} characters)`;
  return rule(expects, (value) =>
    typeof value === "string" &&
    value.trim() !== "" &&
    value.trim() === value &&
    value.length <= max &&
    !CONTROL_OR_LINE_BREAK.test(value)
      ? accept(value)
      : refuse(`must be ${expects}`),
  );
}

/** A list (of anything: its elements are checked on their own), e.g. `list("ports")`. */
export function list(of?: string): Rule<unknown[]> {
  const expects = of === undefined ? "a list" : `a list of ${of}`;
  return rule(expects, (value) => (Array.isArray(value) ? accept(value as unknown[]) : refuse(`must be ${expects}`)));
}

/** A list of strings, possibly empty. */
export const stringList: Rule<string[]> = rule("a list of strings", (value) =>
  Array.isArray(value) && value.every((v) => typeof v === "string")
    ? accept([...value])
    : refuse("must be a list of strings"),
);

/** A plain object used as a string-keyed map. */
export const map: Rule<Record<string, unknown>> = rule("a map of names to values", (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? accept(value as Record<string, unknown>)
    : refuse("must be a map of names to values"),
);
