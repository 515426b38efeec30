import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { htpasswdFile, registryConfigYaml } from "../../../../components/registry/registry-config";

/** A distribution registry running on 127.0.0.1 with the config the Registry translator produces. */
export interface RunningRegistry {
  /** host:port */
  address: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/** Fails with a clear message when Debian's registry or htpasswd is missing. */
function requireTools(): void {
  for (const tool of ["docker-registry", "htpasswd"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      throw new Error(`${tool} is not installed: run .ci/engines/registry.sh (apt-get install docker-registry apache2-utils)`);
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** bcrypt hash of a password, made by Apache's htpasswd (as an operator would). */
export function bcryptHash(username: string, password: string): string {
  const line = execFileSync("htpasswd", ["-Bbn", username, password], { encoding: "utf8" }).trim();
  return line.slice(line.indexOf(":") + 1);
}

/** Starts a registry with htpasswd auth for one account; resolves once it answers. */
export async function startRegistry(username: string, password: string): Promise<RunningRegistry> {
  requireTools();
  const dir = mkdtempSync(join(tmpdir(), "dockyard-registry-"));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  writeFileSync(join(dir, "htpasswd"), htpasswdFile([{ username, bcryptHash: bcryptHash(username, password) }]));
  writeFileSync(
    join(dir, "config.yml"),
    registryConfigYaml({ listen: address, storageRoot: join(dir, "data"), htpasswdPath: join(dir, "htpasswd"), deleteEnabled: true, realm: "dockyard-test" }),
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`http://${address}/v2/`);
      return { address, username, password, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`registry did not answer on ${address}:\n${log}`);
}

/** An Authorization header for basic auth. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
