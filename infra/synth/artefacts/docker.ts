import { offline } from "../../../components/internal";
import type { RecordedResource } from "../recorder";
import { fileNamePart } from "./kubernetes";

const COMMAND = "command:local:Command";

/**
 * Effective settings of each Docker container, network and volume a stack declares. A container's
 * `pidsLimit` is the one its `docker update` Command applies (@pulumi/docker 5.2's Container has no
 * input for it), or null when none does: the engine's default, no limit (only the never-started
 * files carrier, which runs no process).
 */
export function dockerArtefacts(
  resources: readonly RecordedResource[],
): { file: string; settings: Record<string, unknown> }[] {
  const kinds: Record<string, string> = {
    "docker:index/container:Container": "container",
    "docker:index/network:Network": "network",
    "docker:index/volume:Volume": "volume",
  };
  const commands = resources.filter((resource) => resource.type === COMMAND);
  return resources
    .filter((resource) => kinds[resource.type] !== undefined)
    .map((resource) => ({
      file: `${kinds[resource.type]}-${fileNamePart(resource.name)}.json`,
      settings: {
        name: resource.name,
        ...resource.inputs,
        ...(kinds[resource.type] === "container" ? { pidsLimit: pidsLimitOf(resource, commands) } : {}),
        options: resource.options,
      },
    }));
}

/**
 * A running container's Docker settings as synth recorded them (plain values, secrets masked),
 * with the pids limit its Command applies; throws for a container no Command limits.
 */
export function containerSettings(
  container: RecordedResource,
  resources: readonly RecordedResource[],
): offline.DockerContainerSettings {
  const pidsLimit = pidsLimitOf(
    container,
    resources.filter((resource) => resource.type === COMMAND),
  );
  if (pidsLimit === null) throw new Error(`${container.urn}: no Command applies its pids limit`);
  return { ...(container.inputs as unknown as offline.DockerContainerSettings), pidsLimit };
}

/** The pids limit a Command depending on the container applies to it, or null. */
function pidsLimitOf(container: RecordedResource, commands: readonly RecordedResource[]): number | null {
  const limits = commands
    .filter((command) => command.dependencies.includes(container.urn))
    .map((command) => offline.appliedPidsLimit(command.inputs.interpreter))
    .filter((limit) => limit !== undefined);
  if (limits.length > 1)
    throw new Error(`${container.urn}: ${limits.length} commands set its pids limit, expected at most one`);
  return limits[0] ?? null;
}
