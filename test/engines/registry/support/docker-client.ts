/**
 * A docker CLI with a throwaway configuration directory (DOCKER_CONFIG): a login stays in it,
 * so the machine's own ~/.docker is never read or written, and an anonymous client really is one.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { docker, dockerStatus } from "../../docker/support/docker";
import { engineEnvironment } from "../../support/requirements";

export class DockerClient {
  private constructor(
    /** The client's configuration directory. */
    readonly configDir: string,
  ) {}

  /** A client with an empty configuration (no credentials). */
  static async create(): Promise<DockerClient> {
    return new DockerClient(await mkdtemp(path.join(tmpdir(), "dockyard-docker-config-")));
  }

  /** Environment that makes the docker CLI use this client's configuration. */
  get env(): NodeJS.ProcessEnv {
    return { DOCKER_CONFIG: this.configDir };
  }

  /** `docker <args>` with this configuration; throws on failure. */
  run(args: readonly string[], timeoutMs = 300_000): Promise<string> {
    return docker(args, timeoutMs, this.env);
  }

  /** `docker <args>` with this configuration; resolves to the exit status and output. */
  status(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return dockerStatus(args, this.env);
  }

  /** `docker login` with the password on stdin (never on the command line); returns the CLI's output. */
  login(address: string, username: string, password: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn("docker", ["login", "--username", username, "--password-stdin", address], {
        env: { ...process.env, ...engineEnvironment(), ...this.env },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve(output) : reject(new Error(`docker login ${address} exited ${code}: ${output}`)),
      );
      child.stdin.end(password);
    });
  }

  /** Removes the configuration directory (and any login in it). */
  dispose(): Promise<void> {
    return rm(this.configDir, { recursive: true, force: true });
  }
}
