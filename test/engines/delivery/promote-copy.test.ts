/**
 * Real skopeo and two real registries: the command line promotion copies an image with
 * (`skopeoCopyArgv`) puts the same digest into the destination registry, under the promoted tag,
 * so prod pins and pulls exactly the bytes test ran. (Signing around the copy is cosign's, which
 * Debian does not package: its command lines are checked in test/delivery/images.test.ts.)
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { outputOf } from "../../../infra/cli/bounded-run";
import { skopeoCopyArgv } from "../../../infra/delivery/images";
import { ensureBusyboxStandIn } from "../docker/support/standins";
import { type RunningRegistry, manifestDigest, startRegistry } from "../registry/support/registry-server";
import { needs } from "../support/needs";

needs("engine", "busybox", "docker-registry", "htpasswd", "skopeo");

const registries: RunningRegistry[] = [];
afterAll(() => Promise.all(registries.map((registry) => registry.stop())), 60_000);

/** skopeo's environment: credentials for both registries, and plain HTTP allowed on their loopback ports. */
function skopeoEnvironment(...servers: RunningRegistry[]): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-skopeo-"));
  const auths = Object.fromEntries(
    servers.map((server) => [
      server.address,
      { auth: Buffer.from(`${server.username}:${server.password}`).toString("base64") },
    ]),
  );
  writeFileSync(join(dir, "auth.json"), JSON.stringify({ auths }), { mode: 0o600 });
  // The test registries speak HTTP on loopback; CI's speak HTTPS, which skopeo requires by default.
  const insecure = servers.map((server) => `[[registry]]\nlocation = "${server.address}"\ninsecure = true\n`);
  writeFileSync(join(dir, "registries.conf"), insecure.join("\n"));
  return {
    ...process.env,
    REGISTRY_AUTH_FILE: join(dir, "auth.json"),
    CONTAINERS_REGISTRIES_CONF: join(dir, "registries.conf"),
  };
}

describe("promotion's copy with the real skopeo", () => {
  it("copies an image by digest into the other registry: same digest, under promoted-<digest>", async () => {
    const [test, prod] = [await startRegistry(), await startRegistry()];
    registries.push(test, prod);
    const env = skopeoEnvironment(test, prod);
    const skopeo = (...args: string[]) => outputOf("skopeo", args, { env, timeoutMs: 120_000 });
    const image = await ensureBusyboxStandIn();
    skopeo("copy", "--retry-times", "3", `docker-daemon:${image}`, `docker://${test.address}/web:built`);
    const digest = await manifestDigest(test, "web", "built");
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);

    skopeo(...skopeoCopyArgv(`${test.address}/web@${digest}`, `${prod.address}/web@${digest}`));

    expect(await manifestDigest(prod, "web", digest)).toBe(digest);
    expect(await manifestDigest(prod, "web", `promoted-${digest.slice(7, 19)}`)).toBe(digest);
  });
});
