/**
 * `npm run policy -- <stack> [--config-file FILE] [--policy-config FILE]`
 *
 * Evaluates a stack offline (as synth does) and runs dockyard's policy pack on everything it
 * declares, with the enforcement the workflows use: a protected stack's enforcement config
 * `policy/config/<stack>.json` (every policy mandatory; required, see infra/environments.ts),
 * advisory otherwise. The pack knows the protected stacks from the stack files (the given one
 * for `<stack>`). One line per violation (level, policy, resource, why). Exit 0 when no mandatory
 * policy is violated, 1 otherwise or on bad input (a stack file, a promotion or an enforcement
 * config that is wrong), 2 on a usage error.
 */
import { type CliIO, UsageError } from "../cli/run";
import { checkedPath, configFileOption, parseCommandLine, stackNames } from "../cli/args";

export const USAGE = "usage: npm run policy -- <stack> [--config-file FILE] [--policy-config FILE]";

/** The policy command: what `npm run policy` runs, and what tests call in-process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, { "config-file": { type: "string" }, "policy-config": { type: "string" } });
  const [stack] = stackNames(parsed.positionals, 1);
  const configFile = configFileOption(parsed.values["config-file"], stack);
  const given = parsed.values["policy-config"];
  if (given === "") throw new UsageError("--policy-config is empty (an unset variable?): give a file, or leave it out");
  const explicitConfig = given === undefined ? undefined : checkedPath("--policy-config", given);

  // The SDKs load only now that the arguments are known to be usable.
  const { loadEnvironments } = await import("../environments");
  const environments = loadEnvironments({ files: new Map([[stack, configFile]]) });
  const policyConfig = explicitConfig ?? environments.all.find((e) => e.stack === stack)?.policyConfig;
  const { readSmallJson } = await import("../cli/read-input");
  const { InputError } = await import("../cli/run");
  const packConfig = policyConfig === undefined ? {} : readSmallJson(policyConfig, "policy config");
  if (typeof packConfig !== "object" || packConfig === null || Array.isArray(packConfig))
    throw new InputError(`policy config ${policyConfig}: must be a JSON object of policy names to levels or settings`);
  const { packEnvironments, resolvePackConfig, runPolicies } = await import("./run");
  const { dockyardPolicies } = await import("../../policy/policies");
  const pack = dockyardPolicies(packEnvironments(environments));
  resolvePackConfig(packConfig as Record<string, unknown>, pack, undefined, `policy config ${policyConfig}`);
  const { evaluateStack } = await import("../synth/evaluate");
  const evaluation = await evaluateStack(stack, configFile);
  const violations = await runPolicies(evaluation.resources, packConfig as Record<string, unknown>, pack);
  const mandatory = violations.filter((violation) => violation.level === "mandatory").length;
  const enforcement =
    policyConfig === undefined ? `advisory: ${stack} is not a protected environment` : `config ${policyConfig}`;
  if (violations.length === 0) {
    io.out(`policy ${stack}: ${evaluation.resources.length} resources, no violations (${enforcement})`);
    return 0;
  }
  io.out(`policy ${stack}: ${violations.length} violation(s), ${mandatory} mandatory (${enforcement})`);
  for (const v of violations) io.out(`  ${v.level} ${v.policy} ${v.resource}: ${v.message}`);
  return mandatory > 0 ? 1 : 0;
}
