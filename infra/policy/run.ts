/**
 * Runs dockyard's policy pack offline, the way the engine would at `pulumi preview`: each
 * resource policy's `validateResource` on every resource synth records, each stack policy's
 * `validateStack` once, with the pack config a workflow passes (`--policy-pack-config`).
 * No PolicyPack is constructed (that starts a gRPC server); only the policies are imported. What
 * the pack knows of the environments (the protected stacks) comes from the stack files here
 * (infra/environments.ts), where the engine reads it from the enforcement configs beside the pack.
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { dockyardPolicies, type PackEnvironments } from "../../policy/policies";
import { InputError } from "../cli/run";
import type { RecordedResource } from "../synth/recorder";

/** A policy pack config file's content: `all` and per-policy levels or objects, as Pulumi reads it. */
export type PackConfig = Record<string, unknown>;

/** One violation: which policy, on which resource (`type::name`, or the stack), why, and how hard. */
export interface Violation {
  policy: string;
  level: "mandatory" | "advisory";
  resource: string;
  message: string;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Each policy's enforcement level and config under a pack config, as the engine resolves them.
 * @param source how problems name the config: "policy config" by default, the file when read from one.
 */
export function resolvePackConfig(
  packConfig: PackConfig,
  pack: Policies = dockyardPolicies({ protectedStacks: [] }),
  packLevel: EnforcementLevel = "advisory",
  source = "policy config",
): Map<string, { level: EnforcementLevel; config: Record<string, unknown> }> {
  const names = new Set(pack.map((policy) => policy.name));
  const problems: string[] = [];
  const levelOf = (value: unknown, where: string): EnforcementLevel | undefined => {
    if (value === undefined) return undefined;
    if (LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel;
    problems.push(`${where} must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  for (const key of Object.keys(packConfig))
    if (key !== "all" && !names.has(key)) problems.push(`"${key}" is not a policy of this pack`);
  const all = levelOf(packConfig.all, "all");
  const resolved = new Map<string, { level: EnforcementLevel; config: Record<string, unknown> }>();
  for (const policy of pack) {
    const entry = packConfig[policy.name];
    const object = typeof entry === "object" && entry !== null && !Array.isArray(entry);
    const own = object
      ? levelOf((entry as Record<string, unknown>).enforcementLevel, `${policy.name}.enforcementLevel`)
      : levelOf(entry, policy.name);
    const defaults = Object.fromEntries(
      Object.entries(policy.configSchema?.properties ?? {})
        .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
        .map(([key, schema]) => [key, structuredClone((schema as { default?: unknown }).default)]),
    );
    const { enforcementLevel: _level, ...given } = object ? (entry as Record<string, unknown>) : {};
    resolved.set(policy.name, {
      level: own ?? all ?? policy.enforcementLevel ?? packLevel,
      config: { ...defaults, ...given },
    });
  }
  if (problems.length > 0) throw new InputError(problems.map((problem) => `${source}: ${problem}`).join("\n"));
  return resolved;
}

class NotApplicable extends Error {}

/** The pack as the environments of the stack files in `stacks/` configure it. */
export async function committedPack(): Promise<Policies> {
  const { loadEnvironments } = await import("../environments");
  return dockyardPolicies(packEnvironments(loadEnvironments()));
}

/** What the pack knows of a set of environments. */
export function packEnvironments(environments: { protected: readonly { stack: string }[] }): PackEnvironments {
  return { protectedStacks: environments.protected.map((environment) => environment.stack) };
}

/**
 * Runs every policy of `pack` (by default the pack as the stack files in `stacks/` configure it) on
 * the recorded resources of one stack; violations in policy order.
 */
export async function runPolicies(
  resources: readonly RecordedResource[],
  packConfig: PackConfig = {},
  pack?: Policies,
): Promise<Violation[]> {
  pack ??= await committedPack();
  const resolved = resolvePackConfig(packConfig, pack);
  const violations: Violation[] = [];
  const stackTags = new Map<string, string>();
  for (const policy of pack) {
    const { level, config } = resolved.get(policy.name)!;
    if (level === "disabled") continue;
    const reported = level === "advisory" ? "advisory" : "mandatory";
    const common = {
      stackTags,
      getConfig: <T extends object>() => structuredClone(config) as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    const reporter =
      (resource: string): ReportViolation =>
      (message: string) =>
        violations.push({ policy: policy.name, level: reported, resource, message });
    try {
      if ("validateResource" in policy && policy.validateResource !== undefined) {
        const validations = [policy.validateResource].flat();
        for (const resource of resources) {
          const args: ResourceValidationArgs = {
            ...common,
            type: resource.type,
            name: resource.name,
            urn: resource.urn,
            props: structuredClone(resource.inputs),
            opts: optionsOf(resource),
            isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === resource.type,
            asType: (cls) =>
              (cls as unknown as { __pulumiType?: string }).__pulumiType === resource.type
                ? (structuredClone(resource.inputs) as never)
                : undefined,
          };
          for (const validate of validations) await validateOne(() => validate(args, reporter(label(resource))));
        }
      }
      if ("validateStack" in policy) {
        const args: StackValidationArgs = { ...common, resources: resources.map(policyResource) };
        await validateOne(() => policy.validateStack(args, reporter("(stack)")));
      }
    } catch (error) {
      throw new Error(`policy ${policy.name} failed: ${(error as Error).message}`);
    }
  }
  return violations;
}

async function validateOne(validate: () => Promise<void> | void): Promise<void> {
  try {
    await validate();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

/** `type::name`, as parity and synth name resources. */
export function label(resource: { type: string; name: string }): string {
  return `${resource.type}::${resource.name}`;
}

function optionsOf(resource: RecordedResource): ResourceValidationArgs["opts"] & { retainOnDelete: boolean } {
  return {
    protect: resource.options.protect,
    ignoreChanges: [...resource.options.ignoreChanges],
    deleteBeforeReplace: resource.options.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [...resource.options.additionalSecretOutputs],
    ...(resource.parent ? { parent: resource.parent } : {}),
    // Offline runs know it; the engine does not pass it to policies (see protect-stateful-resources).
    retainOnDelete: resource.options.retainOnDelete,
  };
}

function policyResource(resource: RecordedResource): PolicyResource {
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: structuredClone(resource.inputs),
    opts: optionsOf(resource),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  };
}
