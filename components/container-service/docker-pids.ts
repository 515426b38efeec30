import * as pulumi from "@pulumi/pulumi";

/**
 * The pids limit on Docker. @pulumi/docker 5.2's Container has no pids-limit input, so each
 * running container gets a `local.Command` (@pulumi/command) beside it that sets the limit with
 * `docker update --pids-limit <N> -- <container ID>`, against the Docker host of the container's
 * provider, and runs again whenever the container is replaced (its ID is the trigger).
 *
 * No shell is involved: local.Command executes `interpreter` followed by `create` as one argument
 * vector (Go's exec, no `sh -c`), so the docker invocation is the `interpreter` and `create` is its
 * last argument, the container ID. Nothing a container ID or a host could contain is ever
 * interpreted, and the command runs the same on Linux, macOS and Windows (npipe://). The host
 * travels as `DOCKER_HOST`, which the docker CLI reads for unix://, tcp://, ssh:// and npipe://.
 */

/** The `local.Command` inputs applying one container's pids limit. */
export interface DockerPidsLimitCommand {
  /** The program and every argument but the last: `["docker", "update", "--pids-limit", "<N>", "--"]`. */
  readonly interpreter: string[];
  /** The last argument: the container's ID (nothing runs a shell over it). */
  readonly create: pulumi.Input<string>;
  /**
   * `DOCKER_HOST` = the provider's host. Empty when the provider names none: the docker CLI then
   * uses the deploying process's own `DOCKER_HOST` (or the local socket), as the provider does.
   * Plain when the host is plain.
   */
  readonly environment: pulumi.Input<Record<string, string>>;
  /** Replaces the command, so it runs again, whenever the container is replaced (a new ID). */
  readonly triggers: pulumi.Input<string>[];
  /** Only errors reach the deployment log: `docker update` echoes the container ID on success. */
  readonly logging: "stderr";
}

/** The command's program and arguments before the container ID. */
const DOCKER_UPDATE = ["docker", "update", "--pids-limit"] as const;

/**
 * Renders the Command that applies `pidsLimit` to a container.
 * @param containerId the container's ID (`docker.Container.id`).
 * @param dockerHost the host of the container's provider (`docker.Provider.host`), if it names one.
 */
export function dockerPidsLimitCommand(
  pidsLimit: number,
  containerId: pulumi.Input<string>,
  dockerHost?: pulumi.Input<string | undefined>,
): DockerPidsLimitCommand {
  if (!Number.isSafeInteger(pidsLimit) || pidsLimit < 1)
    throw new Error(`dockerPidsLimitCommand: the pids limit must be a positive integer, got ${String(pidsLimit)}`);
  return {
    interpreter: [...DOCKER_UPDATE, String(pidsLimit), "--"],
    create: containerId,
    environment:
      dockerHost === undefined || typeof dockerHost === "string"
        ? hostEnvironment(dockerHost)
        : pulumi.output(dockerHost).apply(hostEnvironment),
    triggers: [containerId],
    logging: "stderr",
  };
}

function hostEnvironment(host: string | undefined): Record<string, string> {
  return host === undefined || host === "" ? {} : { DOCKER_HOST: host };
}

/**
 * The argument vector local.Command executes for a rendered command (`interpreter` then `create`),
 * e.g. to run it by hand or in tests exactly as the provider does, with `environment` added to the
 * process's own. Values must be plain strings.
 */
export function dockerPidsLimitArgv(command: DockerPidsLimitCommand): string[] {
  if (typeof command.create !== "string")
    throw new Error("dockerPidsLimitArgv: the container ID must be a plain string, not an output or promise");
  return [...command.interpreter, command.create];
}

/**
 * The pids limit a recorded Command's `interpreter` applies, or undefined when it is not a
 * pids-limit command: what synth reports as a container's effective limit.
 */
export function appliedPidsLimit(interpreter: unknown): number | undefined {
  if (!Array.isArray(interpreter) || interpreter.length !== DOCKER_UPDATE.length + 2) return undefined;
  if (!DOCKER_UPDATE.every((word, i) => interpreter[i] === word) || interpreter.at(-1) !== "--") return undefined;
  const limit = interpreter[DOCKER_UPDATE.length] as unknown;
  return typeof limit === "string" && /^[1-9][0-9]*$/.test(limit) ? Number(limit) : undefined;
}
