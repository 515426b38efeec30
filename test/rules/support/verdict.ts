import type { rules } from "../../../components/internal";

/** What a rule makes of a value: the accepted (normalised) value, or `refused: <problem>`. */
export function verdict(rule: rules.Rule<unknown>, value: unknown): unknown {
  const result = rule.check(value);
  return result.ok ? result.value : `refused: ${result.problem}`;
}
