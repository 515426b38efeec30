/**
 * The environments, as data: one per stack file `stacks/Pulumi.<stack>.yaml`, each described by
 * its own validated config. No list of environment names exists anywhere else: the workflows'
 * matrices (`npm run ci:environments`), the policy pack's protected stacks and parity's default
 * pairs are all derived here (docs/decisions/0021-environments-as-data.md).
 *
 * - **CI environment**: `dockyard:target: kubernetes`. CI previews it, checks it for drift and
 *   deploys it; a docker stack (dev) is local only.
 * - **Protected**: a CI environment with `dockyard:protect: true` (the default). Its deploy waits
 *   for approval (its GitHub environment), it runs every policy mandatory with its enforcement
 *   config `policy/config/<stack>.json` (required: a protected stack without one is an error, as
 *   is such a file for a stack that is not protected), and its stateful resources are protected.
 * - **Digest-pinned**: every CI environment runs images pinned by digest.
 * - **Its own places**: no two CI environments share a namespace (in one kube context), a
 *   self-hosted registry's host, a service's host, a backup repository or the libvirt host of
 *   their VMs: they would overwrite each other.
 * - **Promotion**: `dockyard:promotion.from: <stack>` makes a CI environment take exactly what that
 *   stack deployed. A CI environment without it is a **build stage**: CI builds its images into
 *   its registry and deploys them. `from` names a build stage: not the stack itself, not a stack
 *   without a file, not a local stack, no cycle, and not another promoted stack (the deploy
 *   workflow deploys every build stage, then every promoted stack, in two steps).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, validateConfig } from "./config";
import type { ConfigProblem } from "./config-error";
import { settingsConfigSource } from "./config-source";
import type { StackConfigData } from "./config-schema";
import { catalog } from "./platform";
import { OFFLINE_SECRET_VALUE, readStackSettings } from "./stack-file";
import { InputError } from "./cli/run";
import { readSmallJson } from "./cli/read-input";
import { stackFileNames } from "./cli/stack-name";
// The pack's own view of the protected stacks under the engine, held here to the stack files'.
import { enforcedStacks } from "../policy/policies";

/** Where the stack files are (Pulumi.yaml's `stackConfigDir`). */
export const STACKS_DIR = "stacks";
/** Where a protected stack's policy enforcement config is: `<dir>/<stack>.json`. */
export const POLICY_CONFIG_DIR = "policy/config";
/**
 * Prefixes of the GitHub environments of read-only jobs (`preview-<stack>`, `drift-<stack>`). A CI
 * environment's deploy environment is named as the stack, so no stack may take these names.
 */
export const READ_ONLY_ENVIRONMENT_PREFIXES = ["preview-", "drift-"] as const;

/** One environment: a stack file and what its config says about it. */
export interface Environment {
  readonly stack: string;
  /** Its stack file. */
  readonly file: string;
  readonly target: "docker" | "kubernetes";
  /** Previewed, checked for drift and deployed by CI (target kubernetes). */
  readonly ci: boolean;
  /** A CI environment with `dockyard:protect: true`: approval, every policy mandatory, data protected. */
  readonly protected: boolean;
  /** Must run images pinned by digest: every CI environment. */
  readonly digestPinned: boolean;
  /** The build stage it is promoted from; undefined for a build stage and for a local stack. */
  readonly from: string | undefined;
  /** Its policy enforcement config (protected stacks only). */
  readonly policyConfig: string | undefined;
}

/** Every environment, and the views the workflows, the policy pack and parity take of them. */
export interface Environments {
  /** Every stack file's environment, by name. */
  readonly all: readonly Environment[];
  /** The CI environments in promotion order: the build stages, then the promoted stacks (each by name). */
  readonly ci: readonly Environment[];
  /** CI environments without `promotion.from`: CI builds their images and deploys them first. */
  readonly buildStages: readonly Environment[];
  /** CI environments with `promotion.from`: each deploys what its build stage deployed. */
  readonly promoted: readonly Environment[];
  /** Protected CI environments. */
  readonly protected: readonly Environment[];
}

/** Where {@link loadEnvironments} reads. */
export interface EnvironmentSources {
  /** The stack files' directory (default `stacks`). */
  dir?: string;
  /** Stack files read instead of (or beside) the committed ones: `--config-file STACK=FILE`. */
  files?: ReadonlyMap<string, string>;
  /** The policy enforcement configs' directory (default `policy/config`). */
  policyDir?: string;
}

/**
 * One stack's environment, from its own file alone (the checks across files are
 * {@link loadEnvironments}'s, and which places two environments share). Throws a
 * {@link ConfigError} with every problem: the file's config,
 * a name reserved for read-only environments, and its policy enforcement config (missing for a
 * protected stack, present for another, or not the protected stack's own).
 */
export function readEnvironment(
  stack: string,
  file = join(STACKS_DIR, `Pulumi.${stack}.yaml`),
  policyDir = POLICY_CONFIG_DIR,
): Environment {
  return readOne(stack, file, policyDir).environment;
}

/** What a CI environment reaches that no other may: a key and its value. */
interface Claim {
  key: string;
  value: string;
}

/**
 * The places a CI environment deploys to or writes, which two environments cannot share without
 * overwriting each other: its namespace in its kube context, its self-hosted registry's host, the
 * hosts of its services, its backup repository, and the libvirt host of its VMs. Values given as
 * secrets are unknown offline and claim nothing.
 */
function claimsOf(data: StackConfigData): Claim[] {
  const claims: Claim[] = [
    {
      key: "dockyard:endpoints.namespace",
      value: `${data.endpoints.namespace} (kube context ${data.endpoints.kubeContext ?? ""})`,
    },
  ];
  if (data.registry.mode === "self-hosted" && data.registry.address !== undefined)
    claims.push({ key: "dockyard:registry.address", value: data.registry.address });
  for (const [name, service] of Object.entries(data.services))
    if (service.host !== undefined) claims.push({ key: `dockyard:services.${name}.host`, value: service.host });
  if (data.backup.repository.url !== undefined)
    claims.push({ key: "dockyard:backup.repository.url", value: data.backup.repository.url });
  if (Object.values(data.vms).some((vm) => vm.enabled) && data.endpoints.libvirtUri !== undefined)
    claims.push({ key: "dockyard:endpoints.libvirtUri", value: data.endpoints.libvirtUri });
  return claims.filter((claim) => !claim.value.includes(OFFLINE_SECRET_VALUE));
}

function readOne(stack: string, file: string, policyDir: string): { environment: Environment; claims: Claim[] } {
  const settings = readStackSettings(file);
  const { data } = validateConfig(catalog, settingsConfigSource(settings));
  const ci = data.target === "kubernetes";
  const isProtected = ci && data.protect;
  const policyFile = join(policyDir, `${stack}.json`);
  const problems: ConfigProblem[] = [];
  const reserved = READ_ONLY_ENVIRONMENT_PREFIXES.find((prefix) => stack.startsWith(prefix));
  if (ci && reserved !== undefined)
    problems.push({
      file,
      key: "",
      message: `names a CI environment "${stack}", but ${reserved}* names the read-only GitHub environments of previews and drift checks (preview-<stack>, drift-<stack>): rename the file`,
    });
  if (!ci && data.promotion.from !== undefined)
    problems.push({
      file,
      key: "dockyard:promotion.from",
      message: `applies only to a CI environment (target kubernetes): ${stack} is local (target docker) and nothing promotes to it; remove it`,
    });
  const hasPolicyFile = existsSync(policyFile);
  if (isProtected && !hasPolicyFile) {
    const given = settings.config["dockyard:protect"] === undefined ? " (the default)" : "";
    problems.push({
      file,
      key: "dockyard:protect",
      message: `is true${given}, so ${stack} is a protected environment, which runs every policy mandatory: create ${policyFile} with {"all": "mandatory", "policy-enforcement": {"enforcementLevel": "mandatory", "stack": "${stack}"}}, or set dockyard:protect: false`,
    });
  }
  if (!isProtected && hasPolicyFile)
    problems.push({
      file: policyFile,
      key: "",
      message: `is the enforcement config of a protected environment, but ${stack} is not one (${ci ? "dockyard:protect is false" : "target docker: local only"} in ${file}): remove the file${ci ? `, or set dockyard:protect: true` : ""}`,
    });
  if (isProtected && hasPolicyFile) problems.push(...enforcementProblems(stack, policyFile));
  if (problems.length > 0) throw new ConfigError(problems);
  const environment: Environment = {
    stack,
    file,
    target: data.target,
    ci,
    protected: isProtected,
    digestPinned: ci,
    from: data.promotion.from,
    policyConfig: isProtected ? policyFile : undefined,
  };
  return { environment, claims: ci ? claimsOf(data) : [] };
}

/** What is wrong with a protected stack's enforcement config: it makes every policy mandatory, for that stack. */
function enforcementProblems(stack: string, policyFile: string): ConfigProblem[] {
  let config: unknown;
  try {
    config = readSmallJson(policyFile, "policy config");
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return [{ file: policyFile, key: "", message: error.message.replace(`policy config ${policyFile}: `, "") }];
  }
  const object = (value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const problems: ConfigProblem[] = [];
  if (object(config).all !== "mandatory")
    problems.push({
      file: policyFile,
      key: "all",
      message: `must be "mandatory": ${stack} is protected, so every policy blocks its deploys`,
    });
  if (object(object(config)["policy-enforcement"]).stack !== stack)
    problems.push({
      file: policyFile,
      key: "policy-enforcement.stack",
      message: `must be "${stack}": the enforcement policy checks that the stack it runs on is the one this config is for`,
    });
  return problems;
}

/**
 * Every environment: one per stack file in `dir` (and per `files` entry), each read by
 * {@link readEnvironment}, then checked together: no two CI environments deploy to or write the
 * same place (namespace, registry, host, backup repository, libvirt host of their VMs), each
 * `promotion.from` names a build stage, and each enforcement config in `policyDir` belongs to a
 * stack. Throws one {@link ConfigError} with
 * every problem of every file.
 */
export function loadEnvironments(sources: EnvironmentSources = {}): Environments {
  const dir = sources.dir ?? STACKS_DIR;
  const policyDir = sources.policyDir ?? POLICY_CONFIG_DIR;
  const files = new Map(stackFileNames(dir).map((stack) => [stack, join(dir, `Pulumi.${stack}.yaml`)]));
  for (const [stack, file] of sources.files ?? []) files.set(stack, file);
  const problems: ConfigProblem[] = [];
  const read = new Map<string, Environment>();
  const claimed = new Map<string, Environment>();
  for (const [stack, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      const { environment, claims } = readOne(stack, file, policyDir);
      read.set(stack, environment);
      for (const { key, value } of claims) {
        const owner = claimed.get(`${key}\0${value}`);
        if (owner === undefined) claimed.set(`${key}\0${value}`, environment);
        else
          problems.push({
            file,
            key,
            message: `is ${JSON.stringify(value)}, as in ${owner.file}: two environments there would overwrite each other: give each its own`,
          });
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  for (const stack of enforcedStacks(policyDir).filter((name) => !files.has(name)))
    problems.push({
      file: join(policyDir, `${stack}.json`),
      key: "",
      message: `is the enforcement config of stack ${stack}, which has no stack file (${join(dir, `Pulumi.${stack}.yaml`)}): remove it`,
    });
  const environments = [...read.values()];
  problems.push(...environments.flatMap((environment) => promotionProblems(environment, read, files, dir)));
  if (problems.length > 0) throw new ConfigError(problems);
  const ci = environments.filter((environment) => environment.ci);
  const buildStages = ci.filter((environment) => environment.from === undefined);
  const promoted = ci.filter((environment) => environment.from !== undefined);
  return {
    all: environments,
    ci: [...buildStages, ...promoted],
    buildStages,
    promoted,
    protected: ci.filter((environment) => environment.protected),
  };
}

/** What is wrong with a stack's `promotion.from`, if anything: one problem naming the file and key. */
function promotionProblems(
  environment: Environment,
  read: ReadonlyMap<string, Environment>,
  files: ReadonlyMap<string, string>,
  dir: string,
): ConfigProblem[] {
  const { stack, from, file } = environment;
  if (from === undefined || !environment.ci) return [];
  const stages = [...read.values()].filter((e) => e.ci && e.from === undefined).map((e) => e.stack);
  const choose = stages.length > 0 ? `name a build stage (${stages.join(", ")})` : "name a build stage";
  const problem = (message: string): ConfigProblem[] => [{ file, key: "dockyard:promotion.from", message }];
  if (from === stack) return problem(`names ${stack} itself: a stack is promoted from another one; ${choose}`);
  if (!files.has(from))
    return problem(`names "${from}", which has no stack file (${join(dir, `Pulumi.${from}.yaml`)}): ${choose}`);
  const source = read.get(from);
  // Its own problems are reported with its file.
  if (source === undefined) return [];
  if (!source.ci) return problem(`names ${from}, which is not a CI environment (target docker: local only): ${choose}`);
  const chain = [stack];
  for (let at: Environment | undefined = source; at?.from !== undefined && at.ci; at = read.get(at.from)) {
    chain.push(at.stack);
    if (at.from === stack)
      return problem(
        `makes a promotion cycle (${[...chain, stack].join(" → ")}): each stack must come from a build stage, which is promoted from nothing`,
      );
    if (chain.includes(at.from)) break;
  }
  if (source.from !== undefined)
    return problem(
      `names ${from}, which is itself promoted (from ${source.from}): ${choose}, which the deploy workflow deploys before every promoted stack`,
    );
  return [];
}

/** One leg of a workflow matrix over environments (`matrix.stack`, `matrix.policyConfig`: "" for none). */
export interface EnvironmentLeg {
  stack: string;
  policyConfig: string;
}

/** The matrices the workflows' jobs take from the `environments` job, by output name. */
export interface WorkflowMatrices {
  /** Every CI environment: previews and drift checks. */
  ci: EnvironmentLeg[];
  /** Build stages: build, scan and deploy. */
  "build-stages": EnvironmentLeg[];
  /** Promoted stacks, each with its build stage (`matrix.from`). */
  promoted: (EnvironmentLeg & { from: string })[];
}

/** The workflows' matrices (`include` lists) for a set of environments. */
export function workflowMatrices(environments: Environments): WorkflowMatrices {
  const leg = (environment: Environment): EnvironmentLeg => ({
    stack: environment.stack,
    policyConfig: environment.policyConfig ?? "",
  });
  return {
    ci: environments.ci.map(leg),
    "build-stages": environments.buildStages.map(leg),
    promoted: environments.promoted.map((environment) => ({ ...leg(environment), from: environment.from! })),
  };
}

/**
 * The pairs `npm run parity` checks by default, each `[a, b]` for "a mirrors b": every promoted
 * stack against the stack it is promoted from (`[from, stack]`), and every other CI environment
 * (neither promoted nor protected) against each protected one.
 */
export function parityPairs(environments: Environments): [string, string][] {
  const pairs: [string, string][] = environments.promoted.map((environment) => [environment.from!, environment.stack]);
  for (const environment of environments.ci.filter((e) => e.from === undefined && !e.protected))
    for (const reference of environments.protected)
      if (!pairs.some(([a, b]) => a === environment.stack && b === reference.stack))
        pairs.push([environment.stack, reference.stack]);
  return pairs;
}
