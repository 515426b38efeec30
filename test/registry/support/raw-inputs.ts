/**
 * Records what a component declares twice over: masked, as synth shows it (the harness's
 * recorder), and raw, secrets unwrapped, so a test can check what a secret carries (a config
 * file's content) while asserting that none of it appears in the masked record.
 */
import * as pulumi from "@pulumi/pulumi";
import { type RecordedResource, ResourceRecorder } from "../../support/pulumi-harness";

/** Inputs as the provider would receive them, secrets unwrapped, by `type::name`. */
export type RawInputs = Map<string, Record<string, unknown>>;

/** Runs `declare` under fresh recording mocks; returns the masked record and the raw inputs. */
export async function recordWithRaw(
  declare: () => unknown,
): Promise<{ resources: RecordedResource[]; raw: RawInputs }> {
  const recorder = new ResourceRecorder();
  const raw: RawInputs = new Map();
  const newResource = recorder.mocks.newResource.bind(recorder.mocks);
  recorder.mocks.newResource = (args) => {
    raw.set(`${args.type}::${args.name}`, unwrapSecrets(args.inputs) as Record<string, unknown>);
    return newResource(args);
  };
  await recorder.install("dockyard", "unit");
  try {
    await declare();
    return { resources: recorder.resources, raw };
  } finally {
    await pulumi.runtime.disconnect();
  }
}

/** The raw inputs of one resource; fails loudly if it was not declared. */
export function rawOf(raw: RawInputs, type: string, name: string): Record<string, unknown> {
  const inputs = raw.get(`${type}::${name}`);
  if (inputs === undefined) throw new Error(`no ${type} named ${name}; declared: ${[...raw.keys()].join(", ")}`);
  return inputs;
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
