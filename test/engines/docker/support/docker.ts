/**
 * Thin helpers over the docker CLI for the real-engine tests: run a command, wait for health,
 * and clean up every object a test created. Whether an engine answers is checked in
 * ../../support/requirements.ts.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Classic builder everywhere: Debian 12's docker.io 20.10 has no BuildKit/buildx. */
const ENV = { ...process.env, DOCKER_BUILDKIT: "0" };

/**
 * Runs `docker <args>` and returns its stdout; throws with stderr on failure.
 * @param env extra environment, e.g. `{ DOCKER_CONFIG: dir }` for a throwaway client config.
 */
export async function docker(
  args: readonly string[],
  timeoutMs = 120_000,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  try {
    const { stdout } = await run("docker", [...args], {
      env: { ...ENV, ...env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: timeoutMs,
    });
    return stdout;
  } catch (error) {
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`docker ${args.join(" ")} failed: ${message}\n${stdout ?? ""}${stderr ?? ""}`.trim(), {
      cause: error,
    });
  }
}

/** Like {@link docker}, but resolves to the exit status and output instead of throwing. */
export async function dockerStatus(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("docker", [...args], {
      env: { ...ENV, ...env },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
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

  /** Removes everything registered, containers first; reports but does not throw on failures. */
  async removeAll(): Promise<void> {
    const steps: [string[], string[]][] = [
      [["rm", "--force", "--volumes"], this.containers],
      [["network", "rm"], this.networks],
      [["volume", "rm", "--force"], this.volumes],
      [["image", "rm", "--force"], this.images],
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

/** Waits until Docker reports the container healthy; fails on unhealthy, exit or timeout. */
export async function waitHealthy(container: string, timeoutSeconds: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const state = JSON.parse(await docker(["inspect", "--format", "{{json .State}}", container])) as {
      Running: boolean;
      ExitCode: number;
      Health?: { Status: string; Log?: { Output: string }[] };
    };
    const status = state.Health?.Status ?? "none";
    if (status === "healthy") return Date.now() - started;
    if (!state.Running || status === "unhealthy" || Date.now() - started > timeoutSeconds * 1000) {
      const logs = await dockerStatus(["logs", "--tail", "50", container]);
      throw new Error(
        `container ${container} not healthy after ${Date.now() - started} ms (running ${state.Running}, exit ${state.ExitCode}, health ${status})\n` +
          `health log: ${JSON.stringify(state.Health?.Log?.slice(-2) ?? [])}\nlogs:\n${logs.stdout}${logs.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
