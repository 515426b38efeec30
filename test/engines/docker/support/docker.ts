/**
 * Thin helpers over the docker CLI for the real-engine tests: run a command, wait for health,
 * and clean up every object a test created. Whether an engine answers is checked in
 * ../../support/requirements.ts.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { promisify } from "node:util";
import { engineEnvironment, engineUnderTest } from "../../support/requirements";
import { dockerImageStoreUse, usingImageStore } from "./image-store";

const run = promisify(execFile);

/**
 * Classic builder everywhere: Debian 12's docker.io 20.10 has no BuildKit/buildx. The CLI talks
 * to the engine under test (DOCKYARD_ENGINE: Docker, or Podman's Docker API).
 */
const ENV = { ...process.env, DOCKER_BUILDKIT: "0", ...engineEnvironment() };

/**
 * Runs `docker <args>` and returns its stdout; throws with stderr on failure.
 * @param env extra environment, e.g. `{ DOCKER_CONFIG: dir }` for a throwaway client config.
 */
export async function docker(
  args: readonly string[],
  timeoutMs = 120_000,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const [command, removeAfter] = keepingExitStatus(args);
  try {
    const { stdout } = await usingImageStore(dockerImageStoreUse(args), () =>
      run("docker", command, { env: { ...ENV, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }),
    );
    return stdout;
  } catch (error) {
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`docker ${args.join(" ")} failed: ${message}\n${stdout ?? ""}${stderr ?? ""}`.trim(), {
      cause: error,
    });
  } finally {
    await removeAfter();
  }
}

/**
 * `docker run --rm` against Podman 4.3's Docker API always exits 0: the CLI waits for the
 * container's removal, and Podman reports no exit status for a removed container. So on Podman a
 * `run --rm` runs without `--rm` (named, if it was not) and is removed once it has exited, which
 * keeps its exit status; anything else is run as given.
 */
function keepingExitStatus(args: readonly string[]): [string[], () => Promise<void>] {
  const rm = args.indexOf("--rm");
  if (engineUnderTest().name !== "podman" || args[0] !== "run" || rm < 0) return [[...args], () => Promise.resolve()];
  const named = args.indexOf("--name");
  const name = named >= 0 ? args[named + 1] : uniqueName("run");
  const command = [...args.slice(0, rm), ...(named >= 0 ? [] : ["--name", name]), ...args.slice(rm + 1)];
  const remove = async () => {
    await run("docker", ["rm", "--force", name], { env: ENV }).catch(() => undefined);
  };
  return [command, remove];
}

/** Like {@link docker}, but resolves to the exit status and output instead of throwing. */
export async function dockerStatus(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, removeAfter] = keepingExitStatus(args);
  try {
    const { stdout, stderr } = await usingImageStore(dockerImageStoreUse(args), () =>
      run("docker", command, { env: { ...ENV, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }),
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  } finally {
    await removeAfter();
  }
}

/** A container's HostConfig as `docker inspect` reports it, in Docker's terms on either engine. */
export interface InspectedHostConfig {
  ReadonlyRootfs: boolean;
  CapDrop: string[];
  SecurityOpt: string[];
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  PidsLimit: number;
  Tmpfs: Record<string, string>;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
  LogConfig: { Type: string; Config: Record<string, string> | null };
  RestartPolicy: { Name: string };
  Privileged: boolean;
}

/** The capabilities Podman grants by default: what it lists as dropped for `--cap-drop ALL`. */
const PODMAN_DEFAULT_CAPABILITIES = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "NET_RAW",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/**
 * `docker inspect`'s HostConfig, with what Podman's Docker API reports differently for the same
 * setting put back in Docker's terms (the behaviour is checked in the container itself: /proc
 * status, writes): `--cap-drop ALL` is listed as the capabilities it removed from Podman's default
 * set, `no-new-privileges:true` as `no-new-privileges`, and tmpfs options gain Podman's own
 * `rprivate` and `tmpcopyup`. Log options are left as reported (see the web image test).
 */
export async function inspectHostConfig(container: string): Promise<InspectedHostConfig> {
  const host = JSON.parse(
    await docker(["inspect", "--format", "{{json .HostConfig}}", container]),
  ) as InspectedHostConfig;
  if (engineUnderTest().name !== "podman") return host;
  const drops = [...host.CapDrop].sort();
  return {
    ...host,
    CapDrop: PODMAN_DEFAULT_CAPABILITIES.every((c) => drops.includes(c)) ? ["ALL"] : host.CapDrop,
    SecurityOpt: host.SecurityOpt.map((o) => (o === "no-new-privileges" ? "no-new-privileges:true" : o)),
    Tmpfs: Object.fromEntries(
      Object.entries(host.Tmpfs ?? {}).map(([path, options]) => [
        path,
        options
          .split(",")
          .filter((o) => o !== "rprivate" && o !== "tmpcopyup")
          .join(","),
      ]),
    ),
  };
}

/**
 * The image's own HEALTHCHECK test (`["CMD", …]`). Docker reports it in `image inspect`; Podman's
 * Docker API leaves it out of `image inspect` although the image has it (Podman builds the Docker
 * manifest format, which keeps HEALTHCHECK, and runs it), so on Podman it is read from Podman's
 * own API on the same socket.
 */
export async function imageHealthcheck(image: string): Promise<string[]> {
  const engine = engineUnderTest();
  if (engine.name === "docker")
    return JSON.parse(
      await docker(["image", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", image]),
    ) as string[];
  const body = await libpod(`/images/${encodeURIComponent(image)}/json`);
  return ((JSON.parse(body) as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test ?? null) as string[];
}

/** Podman's own record of a container's log size cap (its LogConfig.Size, e.g. "10MB"). */
export async function podmanLogSize(container: string): Promise<string> {
  const inspected = JSON.parse(await libpod(`/containers/${encodeURIComponent(container)}/json`)) as {
    HostConfig: { LogConfig: { Size: string } };
  };
  return inspected.HostConfig.LogConfig.Size;
}

/** GET (or POST with a body) on Podman's own API, on the socket of the engine under test. */
export function libpod(apiPath: string, post?: unknown): Promise<string> {
  const socketPath = (engineUnderTest().host ?? "").replace(/^unix:\/\//, "");
  return new Promise<string>((resolve, reject) => {
    const body = post === undefined ? undefined : JSON.stringify(post);
    const req = request(
      {
        socketPath,
        method: body === undefined ? "GET" : "POST",
        path: `/v4.0.0/libpod${apiPath}`,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () =>
          (res.statusCode ?? 500) < 300
            ? resolve(text)
            : reject(new Error(`libpod ${apiPath}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A name no other test run uses: `dockyard-test-<what>-<pid>-<random>`. */
export function uniqueName(what: string): string {
  return `dockyard-test-${what}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Objects a test file created, removed in afterAll whatever happened. */
export class DockerObjects {
  private readonly containers: string[] = [];
  private readonly images: string[] = [];
  private readonly volumes: string[] = [];
  private readonly networks: string[] = [];

  container(name: string): string {
    this.containers.push(name);
    return name;
  }
  image(tag: string): string {
    this.images.push(tag);
    return tag;
  }
  volume(name: string): string {
    this.volumes.push(name);
    return name;
  }
  network(name: string): string {
    this.networks.push(name);
    return name;
  }

  /**
   * Removes everything registered, containers first; reports but does not throw on failures.
   * Images are untagged without --force: on Podman a forced removal also deletes every container
   * using the image, and a build in another test file whose cached step is the same image (same
   * Dockerfile, same inputs) would lose its build container mid-step.
   */
  async removeAll(): Promise<void> {
    const steps: [string[], string[]][] = [
      [["rm", "--force", "--volumes"], this.containers],
      [["network", "rm"], this.networks],
      [["volume", "rm", "--force"], this.volumes],
      [["image", "rm"], this.images],
    ];
    for (const [command, names] of steps) {
      for (const name of names.splice(0)) {
        const result = await dockerStatus([...command, name]);
        if (result.code !== 0 && !/No such|not found/i.test(result.stderr))
          console.warn(`cleanup: docker ${command.join(" ")} ${name}: ${result.stderr.trim()}`);
      }
    }
  }
}

/** Health status Docker reports for a container ("starting", "healthy", "unhealthy"). */
export async function healthStatus(container: string): Promise<string> {
  return (
    await docker(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", container])
  ).trim();
}

/**
 * How long {@link waitHealthy} waits before failing: a ceiling for a wait, not a measurement. A
 * deployment waits the service's own budget (DockerContainerSettings.waitTimeout); a loaded
 * two-core test host can take longer through no fault of the service (Docker 20.10 once held a
 * probe's `runc exec` 75 s, and no probe result meanwhile), so past the budget the wait says so
 * and goes on. How fast services get healthy is printed and benchmarked, never asserted. Tests
 * that wait inside `it` run with {@link WAITS_FOR_HEALTH}, so this message, not vitest's
 * timeout, is what a failure shows.
 */
export const HEALTH_CEILING_MS = 240_000;

/** Options of a test (or describe) that starts containers and waits for their health inside `it`. */
export const WAITS_FOR_HEALTH = { timeout: HEALTH_CEILING_MS + 60_000 } as const;

/**
 * Waits until the engine reports the container healthy and returns how long that took; fails at
 * once on unhealthy or exit, and after {@link HEALTH_CEILING_MS}. `budgetSeconds` is the time a
 * deployment would wait (the settings' waitTimeout): exceeding it is reported, not failed.
 */
export async function waitHealthy(container: string, budgetSeconds: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const state = JSON.parse(await docker(["inspect", "--format", "{{json .State}}", container])) as {
      Running: boolean;
      ExitCode: number;
      Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
    };
    const status = state.Health?.Status ?? "none";
    const elapsed = Date.now() - started;
    if (status === "healthy") {
      if (elapsed > budgetSeconds * 1000)
        console.warn(`${container}: healthy after ${elapsed} ms, past the ${budgetSeconds} s a deployment waits`);
      return elapsed;
    }
    if (!state.Running || status === "unhealthy" || elapsed > HEALTH_CEILING_MS) {
      const logs = await dockerStatus(["logs", "--tail", "50", container]);
      const probes = state.Health?.Log ?? [];
      throw new Error(
        `container ${container} not healthy after ${elapsed} ms (running ${state.Running}, exit ${state.ExitCode}, health ${status})\n` +
          `health log (${probes.length === 0 ? "no probe has completed" : `last of ${probes.length}`}): ${JSON.stringify(probes.slice(-3))}\n` +
          `runtime processes on the host:\n${await runtimeProcesses()}\nlogs:\n${logs.stdout}${logs.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The container runtime's processes on the host with their age and kernel wait channel: when no
 * probe completes, a `runc exec` (Docker) or `conmon`/`crun` (Podman) stuck here says where.
 */
async function runtimeProcesses(): Promise<string> {
  const listed = await run("ps", ["-eo", "pid,etimes,stat,wchan:24,args"]).then(
    ({ stdout }) => stdout,
    (error: Error) => `ps failed: ${error.message}`,
  );
  const lines = listed.split("\n");
  return [lines[0], ...lines.slice(1).filter((line) => /\b(runc|crun|conmon|containerd-shim)/.test(line))]
    .map((line) => line.slice(0, 240))
    .join("\n");
}

/**
 * Shared setup of a real-engine test file whose failure fails every test with its message
 * (a failing beforeAll would only mark the tests skipped). Pass `run` to beforeAll and call
 * `get()` at the start of each test.
 */
export class EngineSetup<T> {
  private value: T | undefined;
  private error: unknown;

  constructor(private readonly setup: () => Promise<T>) {}

  /** For beforeAll: runs the setup and keeps its result or its error. */
  readonly run = async (): Promise<void> => {
    try {
      this.value = await this.setup();
    } catch (error) {
      this.error = error;
    }
  };

  /** The setup's result, or undefined when it failed or has not run (for cleanup). */
  peek(): T | undefined {
    return this.value;
  }

  /** The setup's result; rethrows its error. */
  get(): T {
    if (this.error instanceof Error) throw this.error;
    if (this.error !== undefined) throw new Error(`engine setup failed: ${JSON.stringify(this.error)}`);
    if (this.value === undefined) throw new Error("engine setup has not run");
    return this.value;
  }
}
