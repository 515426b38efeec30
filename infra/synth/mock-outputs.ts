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
};

/** Provider-computed outputs for one resource; inputs are echoed back by the caller. */
export function mockOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  return COMPUTED[type]?.(name, inputs) ?? {};
}

/** A stable fake sha256 digest for a name, e.g. for image digests. */
export function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}
