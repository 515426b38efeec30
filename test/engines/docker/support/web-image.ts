/**
 * Builds the web sample image from apps/web/Dockerfile on the local stand-in bases, and
 * describes the web service the way the platform runs it, through the real translators.
 */
import { existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_DATA_DIR, DEFAULT_PORT, HEALTH_COMMAND, HEALTH_PATH } from "../../../../apps/web/contract";
import { type DockerContainerSettings, dockerContainerSettings } from "../../../../components/workload/docker-settings";
import { dockerRunArgs } from "../../../../components/workload/docker-run";
import { dockerHealthyWithinSeconds } from "../../../../components/workload/probes";
import { resolveServiceSpec } from "../../../../components/workload/resolve";
import type { ResolvedService } from "../../../../components/workload/spec";
import { engineUnderTest, ensure } from "../../support/requirements";
import { type DockerObjects, docker, imageHealthcheck, uniqueName, waitHealthy } from "./docker";
import { ensureStandIns } from "./standins";

const run = promisify(execFile);

/**
 * The web app's source directory (the build context), found from the repository root: the
 * nearest directory up from here holding Pulumi.yaml (this file also runs bundled, from out/.run).
 */
export const WEB_CONTEXT = path.join(repositoryRoot(__dirname), "apps", "web");
/** The front app's source directory, built the same way. */
export const FRONT_CONTEXT = path.join(repositoryRoot(__dirname), "apps", "front");

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}: run from the dockyard repository`);
  }
}

/** A built web image: its tag, the tag of its build stage, and the build time. */
export interface BuiltImage {
  readonly tag: string;
  /**
   * The classic builder keeps the build stage as an untagged image; tagging it lets the
   * tests remove it with the final image.
   */
  readonly buildStageTag: string;
  readonly buildMs: number;
  /** Values passed as the REVISION and CREATED build args (OCI labels). */
  readonly revision: string;
  readonly created: string;
}

/** Options of {@link buildWebImage}. */
export interface WebBuildOptions {
  /** BUILD_IMAGE and BASE_IMAGE references (e.g. through a mirror). @default the local stand-ins */
  readonly bases?: { readonly build: string; readonly base: string };
  /** Extra environment of the docker client, e.g. a DOCKER_CONFIG holding the mirror's login. @default {} */
  readonly env?: NodeJS.ProcessEnv;
  /** Build context of another app built on the same bases (apps/front). @default WEB_CONTEXT */
  readonly context?: string;
}

/** Builds the web image under `tag`, on the local stand-in bases unless others are given. */
export async function buildWebImage(tag: string, options: WebBuildOptions = {}): Promise<BuiltImage> {
  const bases = options.bases ?? (await ensureStandIns());
  const context = options.context ?? WEB_CONTEXT;
  const revision = await run("git", ["rev-parse", "HEAD"], { cwd: context }).then(
    (r) => r.stdout.trim(),
    () => "unknown",
  );
  const created = new Date().toISOString();
  const args = [
    "--build-arg",
    `BUILD_IMAGE=${bases.build}`,
    "--build-arg",
    `BASE_IMAGE=${bases.base}`,
    "--build-arg",
    `REVISION=${revision}`,
    "--build-arg",
    `CREATED=${created}`,
  ];
  const buildStageTag = `${tag}-build-stage`;
  const started = Date.now();
  await docker(
    ["build", "--quiet", ...args, "--target", "build", "--tag", buildStageTag, context],
    300_000,
    options.env,
  );
  // Podman 4.3's builder (Buildah 1.28) reuses a cached LABEL layer when only a build argument's
  // value changed (REVISION, CREATED): the final stage is built without its cache there.
  const fresh = engineUnderTest().name === "podman" ? ["--no-cache"] : [];
  await docker(["build", "--quiet", ...fresh, ...args, "--tag", tag, context], 300_000, options.env);
  return { tag, buildStageTag, buildMs: Date.now() - started, revision, created };
}

export { imageHealthcheck } from "./docker";

/** What the web service looks like on Docker, with the platform's defaults. */
export interface WebServiceOptions {
  readonly image: string;
  readonly network: string;
  readonly volumeName: string;
  readonly hostPort: number;
  /** Seconds between health checks (short in tests so they finish fast). */
  readonly intervalSeconds?: number;
}

/** The web service resolved by the component's own resolver (defaults and hardening applied). */
export function webServiceSpec(options: WebServiceOptions): ResolvedService {
  return resolveServiceSpec("web", {
    target: "docker",
    image: options.image,
    ports: [{ containerPort: DEFAULT_PORT, hostPort: options.hostPort }],
    healthCheck: {
      path: HEALTH_PATH,
      command: [...HEALTH_COMMAND],
      intervalSeconds: options.intervalSeconds ?? 1,
      timeoutSeconds: 3,
      retries: 3,
      startPeriodSeconds: 10,
    },
    volumes: [
      {
        volume: { logicalName: "web-data", volumeName: options.volumeName, accessMode: "ReadWriteOnce" },
        mountPath: DEFAULT_DATA_DIR,
      },
    ],
    network: options.network,
  });
}

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A web container started the way the component declares it. */
export interface RunningWeb {
  readonly container: string;
  readonly port: number;
  readonly spec: ResolvedService;
  readonly settings: DockerContainerSettings;
  /** Milliseconds from `docker run` returning to Docker reporting the container healthy. */
  readonly healthyAfterMs: number;
}

/**
 * The reference a service may run a local build by: a digest reference as is, a local tag as its
 * image ID (immutable, as the image policy requires; `docker run` takes either).
 */
export async function runnableImage(image: string): Promise<string> {
  return image.includes("@sha256:") ? image : (await docker(["image", "inspect", "--format", "{{.Id}}", image])).trim();
}

/** How a test departs from the component's `docker run` flags, each visibly. */
export interface StartWebVariations {
  /**
   * Leave out `--pids-limit`, as the component's docker.Container does (@pulumi/docker 5.2 has no
   * input for it): the limit is then applied the component's way, by its docker update Command.
   * @default false
   */
  readonly withoutPidsLimit?: boolean;
  /** Test tooling only, e.g. a read-only bind mount of a binary the distroless image lacks. @default [] */
  readonly extraRunArgs?: readonly string[];
}

/**
 * Starts the web image with exactly the `docker run` flags the Docker translator renders for
 * the web service, then waits (within the translator's own wait timeout) until it is healthy.
 */
export async function startWeb(
  objects: DockerObjects,
  options: Omit<WebServiceOptions, "hostPort"> & { readonly hostPort?: number } & StartWebVariations,
): Promise<RunningWeb> {
  const port = options.hostPort ?? (await freePort());
  const spec = webServiceSpec({ ...options, image: await runnableImage(options.image), hostPort: port });
  const settings = dockerContainerSettings(spec, options.network);
  const container = objects.container(uniqueName("web"));
  const rendered = dockerRunArgs(settings, {
    name: container,
    imageHealthcheck: await imageHealthcheck(options.image),
  });
  const pids = rendered.indexOf("--pids-limit");
  const flags =
    options.withoutPidsLimit === true ? [...rendered.slice(0, pids), ...rendered.slice(pids + 2)] : rendered;
  // Extra arguments go right after --name, before the image and its arguments.
  await docker(["run", "--detach", ...flags.slice(0, 2), ...(options.extraRunArgs ?? []), ...flags.slice(2)]);
  const healthyAfterMs = await waitHealthy(
    container,
    settings.waitTimeout ?? dockerHealthyWithinSeconds(spec.healthCheck!),
  );
  return { container, port, spec, settings, healthyAfterMs };
}

/** Runs a Node snippet inside the container (as its user) and returns its stdout. */
export async function execNode(container: string, code: string): Promise<string> {
  return docker(["exec", container, "/nodejs/bin/node", "-e", code]);
}

/**
 * What every web engine test starts from: the engine answering, the web image built from its
 * Dockerfile, and a network of its own. Everything is registered with `objects` for cleanup.
 */
export async function prepareWeb(objects: DockerObjects): Promise<{ image: BuiltImage; network: string }> {
  await ensure("engine", "busybox");
  const tag = objects.image(uniqueName("web-image"));
  objects.image(`${tag}-build-stage`);
  const image = await buildWebImage(tag);
  const network = objects.network(uniqueName("net"));
  await docker(["network", "create", network]);
  return { image, network };
}
