import type { RecordedResource } from "../recorder";

/** Effective settings of each Docker container, network and volume a stack declares. */
export function dockerArtefacts(resources: readonly RecordedResource[]): { file: string; settings: Record<string, unknown> }[] {
  const kinds: Record<string, string> = {
    "docker:index/container:Container": "container",
    "docker:index/network:Network": "network",
    "docker:index/volume:Volume": "volume",
  };
  return resources
    .filter((resource) => kinds[resource.type] !== undefined)
    .map((resource) => ({
      file: `${kinds[resource.type]}-${resource.name}.json`,
      settings: { name: resource.name, ...resource.inputs, options: resource.options },
    }));
}
