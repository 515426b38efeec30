/**
 * Runs synth's compose.yaml for the dev stack on the engine under test: the file as synth writes
 * it (the same function `npm run synth -- dev` runs), the base images its Dockerfiles name built
 * as local stand-ins, and a Compose client on the engine's socket.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { containerSettings } from "../../../../infra/synth/artefacts/docker";
import type { Evaluation } from "../../../../infra/synth/evaluate";
import { synthFiles } from "../../../../infra/synth/write";
import type { DockerContainerSettings } from "../../../../components/workload/docker-settings";
import { evaluate, ofType } from "../../../support/pulumi-harness";
import { docker, uniqueName } from "../../docker/support/docker";
import { composeImageStoreUse, usingImageStore } from "../../docker/support/image-store";
import { ensureBusyboxStandIn, ensureStandIns } from "../../docker/support/standins";
import { ensureResticStandIn } from "../../backup/support/backup-image";
import { freePort } from "../../docker/support/web-image";
import { engineEnvironment, PODMAN_CONTAINERS_CONF } from "../../support/requirements";

const run = promisify(execFile);

/** A Compose file's shape, as far as the tests read it. */
export interface ComposeFile {
  services: Record<string, Record<string, unknown> & { image: string; build?: { args: Record<string, string> } }>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
}

/** The dev stack's compose.yaml as synth writes it, and the Docker settings each service came from. */
export interface SynthCompose {
  readonly evaluation: Evaluation;
  readonly directory: string;
  /** compose.yaml exactly as synth wrote it. */
  readonly generated: string;
  /** Each service's recorded docker.Container settings (pids limit included). */
  readonly settings: Record<string, DockerContainerSettings>;
}

/** Synthesizes the dev stack into a fresh directory (build contexts relative to it, as synth makes them). */
export async function synthDevCompose(): Promise<SynthCompose> {
  const evaluation = await evaluate("dev");
  const directory = await mkdtemp(path.join(tmpdir(), "dockyard-compose-"));
  const generated = synthFiles(evaluation, directory)["compose.yaml"];
  await writeFile(path.join(directory, "compose.yaml"), generated);
  const containers = ofType(evaluation.resources, "docker:index/container:Container");
  const services = Object.keys((parse(generated) as ComposeFile).services);
  const settings = Object.fromEntries(
    services.map((name) => [
      name,
      containerSettings(
        containers.find((c) => c.name === name)!,
        evaluation.resources,
      ),
    ]),
  );
  return { evaluation, directory, generated, settings };
}

/**
 * How a test run departs from the generated file, each visibly: every published port moves to a
 * free one (8080 and 8081 may be taken on a shared machine), images get this run's tags (so
 * concurrent runs do not share them), base images are the local stand-ins (`bases`, from
 * {@link standInBases}), and a service that runs an upstream image as is (no
 * `build`: postgres) is left out, as no public registry is reachable here. Returns the path of the
 * file to run and the new names.
 */
export async function runnableCopy(
  synth: SynthCompose,
  file: string,
  bases: Readonly<Record<string, string>>,
): Promise<{ path: string; webPort: number; images: string[] }> {
  const compose = parse(synth.generated) as ComposeFile;
  for (const service of Object.values(compose.services))
    for (const [arg, reference] of Object.entries(service.build?.args ?? {}))
      if (bases[reference] !== undefined) service.build!.args[arg] = bases[reference];
  for (const name of upstreamServices(synth)) delete compose.services[name];
  const webPort = await freePort();
  for (const [name, service] of Object.entries(compose.services)) {
    const ports = (service.ports as string[] | undefined) ?? [];
    const moved: string[] = [];
    for (const p of ports) {
      const port = name === "web" && moved.length === 0 ? webPort : await freePort();
      moved.push(p.replace(/^127\.0\.0\.1:\d+:/, `127.0.0.1:${port}:`));
    }
    if (ports.length > 0) service.ports = moved;
  }
  const tag = uniqueName("compose").toLowerCase();
  for (const [name, service] of Object.entries(compose.services)) service.image = `${tag}/${name}:test`;
  const copy = path.join(synth.directory, file);
  await writeFile(copy, stringify(compose, { lineWidth: 0 }));
  return { path: copy, webPort, images: Object.values(compose.services).map((s) => s.image) };
}

/** Services of the generated file that run an upstream image as is (nothing to build from apps/). */
export function upstreamServices(synth: SynthCompose): string[] {
  return Object.entries((parse(synth.generated) as ComposeFile).services)
    .filter(([, service]) => service.build === undefined)
    .map(([name]) => name);
}

/**
 * The local stand-in of each base image the generated builds name (their args): the reference →
 * the stand-in's tag. A reference pinned by digest cannot be given to a local image by tagging,
 * so the runnable copy names the stand-ins instead ({@link runnableCopy}).
 */
export async function standInBases(synth: SynthCompose): Promise<Record<string, string>> {
  const standIns = await ensureStandIns();
  const busybox = await ensureBusyboxStandIn();
  const restic = await ensureResticStandIn();
  const byArg: Record<string, string> = { BUILD_IMAGE: standIns.build, BASE_IMAGE: standIns.base };
  const bases: Record<string, string> = {};
  for (const service of Object.values((parse(synth.generated) as ComposeFile).services)) {
    for (const [arg, reference] of Object.entries(service.build?.args ?? {})) {
      if (arg === "REVISION") continue;
      bases[reference] = reference.includes("restic") ? restic : reference.includes("busybox") ? busybox : byArg[arg];
    }
  }
  return bases;
}

/** Runs a Compose client (`docker-compose` or `podman-compose`) on the engine under test. */
export async function compose(
  client: "docker-compose" | "podman-compose",
  project: string,
  file: string,
  args: readonly string[],
  timeoutMs = 600_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    ...engineEnvironment(),
    DOCKER_BUILDKIT: "0",
    COMPOSE_DOCKER_CLI_BUILD: "0",
    CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? PODMAN_CONTAINERS_CONF,
  };
  try {
    const { stdout, stderr } = await usingImageStore(composeImageStoreUse(args), () =>
      run(client, ["-p", project, "-f", file, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }),
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The container of each service of a Compose project, by the labels Compose sets. */
export async function projectContainers(project: string): Promise<Record<string, string>> {
  const lines = await docker([
    "ps",
    "--all",
    "--filter",
    `label=com.docker.compose.project=${project}`,
    "--format",
    '{{.Names}} {{.Label "com.docker.compose.service"}}',
  ]);
  return Object.fromEntries(
    lines
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const [name, service] = l.trim().split(" ");
        return [service, name];
      }),
  );
}

/** Removes the temporary directory of a run. */
export async function cleanUp(synth: SynthCompose | undefined): Promise<void> {
  if (synth) await rm(synth.directory, { recursive: true, force: true });
}
