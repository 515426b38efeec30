/**
 * Test harness over Pulumi mocks: record what a program or a component declares,
 * find resources by type and name, and resolve Outputs to values.
 */
import * as pulumi from "@pulumi/pulumi";
import { setDynamicProviderSerialization } from "../../components/libvirt/dynamic-resource";
import { type Evaluation, evaluateStack } from "../../infra/synth/evaluate";
import { type RecordedResource, ResourceRecorder, SECRET_MARKER } from "../../infra/synth/recorder";

export type { RecordedResource } from "../../infra/synth/recorder";
export { SECRET_MARKER } from "../../infra/synth/recorder";

/** Whether every leaf of a recorded value is the secret marker (secrets keep their keys, never their values). */
export function fullyMasked(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(fullyMasked);
  if (typeof value === "object" && value !== null)
    return Object.keys(value).length > 0 && Object.values(value).every(fullyMasked);
  return value === SECRET_MARKER;
}

/** Asymmetric matcher: a recorded value whose every leaf is masked (`expect(x).toEqual(MASKED)`). */
export const MASKED = { asymmetricMatch: fullyMasked, toString: () => "MASKED", toAsymmetricMatcher: () => "MASKED" };

/**
 * Evaluations of the committed stacks, shared by every test in a worker: they never change during
 * a run. Under mutation testing (vitest.mutate.config.mts sets DOCKYARD_FRESH_EVALUATIONS) the code
 * changes from one mutant to the next, so an evaluation is shared only among the tests of one
 * mutant, and the coverage run (no mutant active) shares nothing: a shared evaluation there would
 * credit the first test alone with covering the program, and hide every mutant from the others.
 */
const committed = new Map<string, Promise<Evaluation>>();
let committedFor: string | undefined = "";

/** What evaluations may be shared under: always outside mutation testing; per mutant inside it. */
function sharingScope(): string | undefined {
  if (process.env.DOCKYARD_FRESH_EVALUATIONS === undefined) return "";
  // Stryker's test-runner setup names the mutant a run activates in its global namespace.
  const active = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;
  return active === undefined ? undefined : `mutant ${active}`;
}

/**
 * Evaluates the dockyard program for a stack (and optionally another settings file). A committed
 * stack is evaluated once per worker (once per mutant under mutation testing) and each caller
 * gets its own copy.
 */
export async function evaluate(stack: string, configFile?: string, recorder?: ResourceRecorder): Promise<Evaluation> {
  const scope = sharingScope();
  if (configFile !== undefined || recorder !== undefined || scope === undefined)
    return evaluateStack(stack, configFile, recorder);
  if (scope !== committedFor) {
    committed.clear();
    committedFor = scope;
  }
  let evaluation = committed.get(stack);
  if (evaluation === undefined) {
    evaluation = evaluateStack(stack);
    committed.set(stack, evaluation);
  }
  return structuredClone(await evaluation);
}

export { ResourceRecorder };

/**
 * Runs `declare` under fresh mocks and returns every resource it registered, once all
 * registrations have completed. Use for component tests; errors `declare` throws propagate.
 * Dynamic providers are not serialized (as in synth) unless `serializeProviders` is set.
 */
export async function record(
  declare: () => unknown,
  stack = "unit",
  options: { serializeProviders?: boolean } = {},
): Promise<RecordedResource[]> {
  const recorder = new ResourceRecorder();
  setDynamicProviderSerialization(options.serializeProviders ?? false);
  await recorder.install("dockyard", stack);
  try {
    await declare();
    return recorder.resources;
  } finally {
    await pulumi.runtime.disconnect();
  }
}

/** All resources of a type token. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The one resource with this type and name; fails loudly if absent or ambiguous. */
export function find(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const matches = resources.filter((resource) => resource.type === type && resource.name === name);
  if (matches.length !== 1) {
    const known = resources.map((resource) => `${resource.type}::${resource.name}`).join("\n  ");
    throw new Error(`expected one ${type} named ${name}, found ${matches.length}; registered:\n  ${known}`);
  }
  return matches[0];
}

/** Resources other than the root stack: what a program actually declares. */
export function declared(resources: readonly RecordedResource[]): RecordedResource[] {
  return resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack");
}

/** Resolves an Output (or plain value) to its value. Use only with known values (not preview). */
export function resolve<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((done) => pulumi.output(value).apply((resolved) => done(resolved as T)));
}

/** Whether an Output is marked secret. */
export function isSecret(value: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(value);
}
