/**
 * A distribution registry (Debian's docker-registry) on 127.0.0.1, configured by the Registry
 * component's own translators: the self-hosted spec resolved from Registry args, then its
 * config.yml and htpasswd rendered for a host layout (listen address and directories).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryArgs } from "../../../../components/registry";
import { resolveRegistrySpec } from "../../../../components/registry/registry-spec";
import { PASSWORD_POLICY, type RegistryLayout, selfHostedFiles } from "../../../../components/registry/self-hosted";
import { ensure } from "../../support/requirements";
import { outputOf } from "../../../../infra/cli/bounded-run";

/** A distribution registry running on 127.0.0.1 with the config the Registry translator produces. */
export interface RunningRegistry {
  /** host:port */
  address: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** bcrypt hash of a password, made by Apache's htpasswd (as RandomPassword's bcryptHash would be). */
export function bcryptHash(username: string, password: string): string {
  const line = outputOf("htpasswd", ["-Bbn", username, password], { timeoutMs: 30_000 }).trim();
  return line.slice(line.indexOf(":") + 1);
}

/** A password as the Registry component generates one: PASSWORD_POLICY's length, letters and digits. */
export function generatedPassword(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from({ length: PASSWORD_POLICY.length }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/**
 * Registry args the test registry is configured from (target Docker, self-hosted). With
 * `publishAddress` it listens there instead of on 127.0.0.1, which the translator accepts only with `tls`.
 */
export type TestRegistryArgs = Pick<RegistryArgs, "username" | "deleteEnabled" | "tls" | "publishAddress">;

/** Whether something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

function plain(value: pulumi.Input<string>): Promise<string> {
  return new Promise((done) => pulumi.output(value).apply((v) => done(v)));
}

/**
 * Starts a registry from the Registry translator's files for `args` (default: the component's
 * defaults), with a generated password unless one is given, on `port` (default: a free one);
 * resolves once it answers.
 */
export async function startRegistry(
  args: TestRegistryArgs = {},
  password = generatedPassword(),
  port?: number,
): Promise<RunningRegistry> {
  await ensure("docker-registry", "htpasswd");
  const dir = mkdtempSync(join(tmpdir(), "dockyard-registry-"));
  const host = typeof args.publishAddress === "string" ? args.publishAddress : "127.0.0.1";
  port ??= await freePort(host);
  const spec = resolveRegistrySpec("registry", { target: "docker", hostPort: port, ...args });
  if (spec.mode !== "self-hosted") throw new Error("the test registry is self-hosted");
  // Clients use the translator's address (localhost:<port> on loopback); the registry listens on `host`.
  const address = spec.address;
  const layout: RegistryLayout = {
    listen: `${host}:${port}`,
    filesDir: join(dir, "files"),
    dataDir: join(dir, "data"),
  };
  mkdirSync(layout.filesDir);
  for (const [name, content] of Object.entries(selfHostedFiles(spec, bcryptHash(spec.username, password), layout))) {
    writeFileSync(join(layout.filesDir, name), await plain(content), { mode: 0o600 });
  }
  const child: ChildProcess = spawn("docker-registry", ["serve", join(layout.filesDir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break;
    if (await accepts(host, port)) return { address, username: spec.username, password, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`registry did not answer on ${address}:\n${log}`);
}

/** An Authorization header for basic auth. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

/**
 * The digest the registry serves a tag or digest under (`Docker-Content-Digest` of a HEAD): over
 * HTTP, or over HTTPS trusting only `ca` when given.
 */
export async function manifestDigest(
  registry: RunningRegistry,
  repository: string,
  reference: string,
  ca?: string,
): Promise<string> {
  const url = `${ca === undefined ? "http" : "https"}://${registry.address}/v2/${repository}/manifests/${reference}`;
  const headers = { accept: MANIFEST_TYPES, authorization: basicAuth(registry.username, registry.password) };
  const { status, digest } =
    ca === undefined
      ? await fetch(url, { method: "HEAD", headers }).then((r) => ({
          status: r.status,
          digest: r.headers.get("docker-content-digest"),
        }))
      : await new Promise<{ status: number; digest: string | null }>((resolve, reject) =>
          request(url, { method: "HEAD", headers, ca }, (res) => {
            res.resume();
            const value = res.headers["docker-content-digest"];
            resolve({ status: res.statusCode ?? 0, digest: typeof value === "string" ? value : null });
          })
            .on("error", reject)
            .end(),
        );
  if (status !== 200 || digest === null)
    throw new Error(`HEAD ${repository}:${reference} answered ${status} without a digest`);
  return digest;
}
