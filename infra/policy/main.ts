/**
 * `npm run policy -- <stack> [--config-file FILE] [--policy-config FILE]`
 *
 * Evaluates a stack offline (as synth does) and runs dockyard's policy pack on everything it
 * declares, with the enforcement the workflows use: `policy/config/<stack>.json` when it exists
 * (prod: every policy mandatory), advisory otherwise. One line per violation (level, policy,
 * resource, why). Exit 0 when no mandatory policy is violated, 1 otherwise or on bad input,
 * 2 on a usage error.
 */
import { existsSync } from "node:fs";
import { type CliIO, UsageError } from "../cli/run";
import { checkStackName } from "../cli/stack-name";
import { checkedPath, configFileOption, parseCommandLine, stackNames } from "../cli/args";

export const USAGE = "usage: npm run policy -- <stack> [--config-file FILE] [--policy-config FILE]";

/** The pack config the workflows pass for a stack, if it has one. */
export function defaultPolicyConfig(stack: string): string | undefined {
  const file = `policy/config/${checkStackName(stack)}.json`;
  return existsSync(file) ? file : undefined;
}

/** The policy command: what `npm run policy` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, { "config-file": { type: "string" }, "policy-config": { type: "string" } });
  const [stack] = stackNames(parsed.positionals, 1);
  const configFile = configFileOption(parsed.values["config-file"], stack);
  const given = parsed.values["policy-config"];
  if (given === "") throw new UsageError("--policy-config is empty (an unset variable?): give a file, or leave it out");
  const policyConfig = given === undefined ? defaultPolicyConfig(stack) : checkedPath("--policy-config", given);

  const { readSmallJson } = await import("../cli/read-input");
  const { InputError } = await import("../cli/run");
  const packConfig = policyConfig === undefined ? {} : readSmallJson(policyConfig, "policy config");
  if (typeof packConfig !== "object" || packConfig === null || Array.isArray(packConfig))
    throw new InputError(`policy config ${policyConfig}: must be a JSON object of policy names to levels or settings`);
  // The SDKs load only now that the arguments are known to be usable.
  const { resolvePackConfig, runPolicies } = await import("./run");
  resolvePackConfig(packConfig as Record<string, unknown>, undefined, undefined, `policy config ${policyConfig}`);
  const { evaluateStack } = await import("../synth/evaluate");
  const evaluation = await evaluateStack(stack, configFile);
  const violations = await runPolicies(evaluation.resources, packConfig as Record<string, unknown>);
  const mandatory = violations.filter((violation) => violation.level === "mandatory").length;
  const enforcement =
    policyConfig === undefined ? `advisory: no policy/config/${stack}.json` : `config ${policyConfig}`;
  if (violations.length === 0) {
    io.out(`policy ${stack}: ${evaluation.resources.length} resources, no violations (${enforcement})`);
    return 0;
  }
  io.out(`policy ${stack}: ${violations.length} violation(s), ${mandatory} mandatory (${enforcement})`);
  for (const v of violations) io.out(`  ${v.level} ${v.policy} ${v.resource}: ${v.message}`);
  return mandatory > 0 ? 1 : 0;
}
