import { createHash } from "node:crypto";

/**
 * Outputs a provider would compute, faked for offline evaluation: deterministic, so two
 * synth runs of the same stack give identical results. Keyed by resource type token.
 */
const COMPUTED: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>> = {
  // docker.Image: the digest the registry would report for the pushed manifest.
  "docker:index/image:Image": (_name, inputs) => {
    const imageName = String(inputs.imageName);
    const repository = imageName.replace(/:[^/:]+$/, "");
    return { repoDigest: `${repository}@${fakeDigest(imageName)}`, registryServer: repository.split("/")[0] };
  },
  // docker.Volume and docker.Container: Pulumi auto-names them when no name is given.
  "docker:index/volume:Volume": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "docker:index/container:Container": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  // random.RandomPassword: a password of the requested length and a bcrypt-shaped hash of it.
  "random:index/randomPassword:RandomPassword": (name, inputs) => {
    const result = fakeText(`password:${name}`, Number(inputs.length), ALPHANUMERIC);
    return { result, bcryptHash: `$2a$10$${fakeText(`bcrypt:${result}`, 53, BCRYPT_ALPHABET)}` };
  },
};

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BCRYPT_ALPHABET = `./${ALPHANUMERIC}`;

/** `<name>-<7 hex>`, the shape of Pulumi's auto-names. */
function autoName(name: string): string {
  return `${name}-${createHash("sha256").update(name).digest("hex").slice(0, 7)}`;
}

/** A deterministic string of `length` characters from `alphabet`, derived from a seed. */
function fakeText(seed: string, length: number, alphabet: string): string {
  let text = "";
  for (let block = 0; text.length < length; block++) {
    for (const byte of createHash("sha256").update(`${seed}#${block}`).digest()) text += alphabet[byte % alphabet.length];
  }
  return text.slice(0, length);
}

/** Provider-computed outputs for one resource; inputs are echoed back by the caller. */
export function mockOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  return COMPUTED[type]?.(name, inputs) ?? {};
}

/** A stable fake sha256 digest for a name, e.g. for image digests. */
export function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}
