import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Outputs a provider would compute, faked for offline evaluation: deterministic, so two
 * synth runs of the same stack give identical results. Keyed by resource type token.
 */
const COMPUTED: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>> = {
  // docker-build's Image: the digest of the manifest it pushed (a ServiceImage) or, loaded into the
  // engine and not pushed (the Docker registry's own image, which runs by its tag), of what it
  // exported there.
  "docker-build:index:Image": (_name, inputs) => {
    const tag = String((inputs.tags as unknown[])[0]);
    const digest = fakeDigest(tag);
    return { digest, ref: `${tag.replace(/:[^/:]+$/, "")}@${digest}`, contextHash: fakeDigest(`context:${tag}`) };
  },
  // docker.Volume and docker.Container: Pulumi auto-names them when no name is given.
  "docker:index/volume:Volume": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "docker:index/container:Container": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "docker:index/network:Network": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  // random.RandomPassword: a password of the requested length and a bcrypt-shaped hash of it.
  "random:index/randomPassword:RandomPassword": (name, inputs) => {
    const result = fakeText(`password:${name}`, Number(inputs.length), ALPHANUMERIC);
    return { result, bcryptHash: `$2a$10$${fakeText(`bcrypt:${result}`, 53, BCRYPT_ALPHABET)}` };
  },
};

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BCRYPT_ALPHABET = `./${ALPHANUMERIC}`;

/** `<name>-<7 hex>`, the shape of Pulumi's auto-names; deterministic, so artefacts name what references name. */
export function autoName(name: string): string {
  return `${name}-${createHash("sha256").update(name).digest("hex").slice(0, 7)}`;
}

/** A deterministic string of `length` characters from `alphabet`, derived from a seed. */
function fakeText(seed: string, length: number, alphabet: string): string {
  let text = "";
  for (let block = 0; text.length < length; block++) {
    for (const byte of createHash("sha256").update(`${seed}#${block}`).digest())
      text += alphabet[byte % alphabet.length];
  }
  return text.slice(0, length);
}

/** Provider-computed outputs for one resource; inputs are echoed back by the caller. */
export function mockOutputs(type: string, name: string, rawInputs: Record<string, unknown>): Record<string, unknown> {
  // Secret inputs reach mocks wrapped; a provider computes from the values.
  const inputs = unwrapSecrets(rawInputs) as Record<string, unknown>;
  const computed = COMPUTED[type]?.(name, inputs);
  if (computed) return computed;
  // Kubernetes objects without metadata.name are auto-named by the provider; references to them
  // (a pod's imagePullSecrets, say) carry that name.
  const metadata = inputs.metadata as Record<string, unknown> | undefined;
  if (
    type.startsWith("kubernetes:") &&
    type !== "pulumi:providers:kubernetes" &&
    typeof metadata === "object" &&
    metadata !== null &&
    metadata.name === undefined
  ) {
    return { metadata: { ...metadata, name: autoName(name) } };
  }
  return {};
}

/** A stable fake sha256 digest for a name, e.g. for image digests. */
export function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

/** A value with every secret wrapper (as mocks receive secret inputs) replaced by its value. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
}
