import * as pulumi from "@pulumi/pulumi";
import { offline } from "../../components/internal";
import { defaultStackFile } from "../cli/stack-name";
import { loadConfig } from "../config";
export { defaultStackFile } from "../cli/stack-name";
import { settingsConfigSource } from "../config-source";
import dockyard from "../index";
import { catalog } from "../platform";
import type { ProgramOptions } from "../program-types";
import { type RecordedResource, ResourceRecorder } from "./recorder";
import { withoutSdkStacks } from "./sdk-stacks";
import { readStackSettings, type StackSettings } from "../stack-file";

/** What one stack declares, evaluated offline. */
export interface Evaluation {
  stack: string;
  configFile: string;
  /** Every registered resource, the root stack first, in registration order. */
  resources: RecordedResource[];
  /** Stack outputs, secrets masked. */
  outputs: Record<string, unknown>;
}

/**
 * Runs the dockyard program for one stack under Pulumi mocks: no engine, no cloud, no
 * network. Config comes from the stack settings file exactly as the CLI would pass it
 * (secure values replaced by a stand-in). Throws ConfigError for bad config, having
 * registered nothing (pass a `recorder` to inspect that).
 */
export async function evaluateStack(
  stack: string,
  configFile = defaultStackFile(stack),
  recorder = new ResourceRecorder(),
): Promise<Evaluation> {
  return evaluateSettings(stack, readStackSettings(configFile), recorder);
}

/** Like {@link evaluateStack}, for settings already read (and possibly rewritten, as parity does). */
export async function evaluateSettings(
  stack: string,
  settings: StackSettings,
  recorder = new ResourceRecorder(),
  reshape?: ProgramOptions["reshape"],
): Promise<Evaluation> {
  // Pulumi's runtime state is process-global: two evaluations at once would mix their resources.
  if (evaluating)
    throw new Error(`evaluateStack(${stack}) called while ${evaluating} is still being evaluated: await one at a time`);
  evaluating = stack;
  // Nothing runs the libvirt providers offline: their code is not serialized (see dynamic-resource.ts),
  // unless DOCKYARD_SERIALIZE_PROVIDERS=1 asks for it (to see its size, or to time it: npm run bench).
  offline.setDynamicProviderSerialization(process.env.DOCKYARD_SERIALIZE_PROVIDERS === "1");
  try {
    return await withoutSdkStacks(() => evaluateOnce(stack, settings, recorder, reshape));
  } finally {
    evaluating = undefined;
  }
}

let evaluating: string | undefined;

async function evaluateOnce(
  stack: string,
  settings: StackSettings,
  recorder: ResourceRecorder,
  reshape: ProgramOptions["reshape"],
): Promise<Evaluation> {
  const configFile = settings.file;
  await recorder.install("dockyard", stack);
  pulumi.runtime.setAllConfig(settings.config, settings.secretKeys);
  try {
    // Validate before the root stack exists, so bad config registers nothing at all, and hand the
    // result to the program (under the real engine it reads and validates the config itself).
    const config = loadConfig(catalog, settingsConfigSource(settings));
    await pulumi.runtime.runInPulumiStack(() => dockyard({ configFile, config, reshape }));
  } finally {
    // Waits for every registration, the stack's outputs included.
    await pulumi.runtime.disconnect();
  }
  if (recorder.stackOutputs === undefined) throw new Error(`the ${stack} stack registered no outputs`);
  return { stack, configFile, resources: recorder.resources, outputs: recorder.stackOutputs };
}
