/**
 * Real engines: a registry serving TLS from the Registry translator's config (its `tls` pair, as
 * on a registry published beyond 127.0.0.1) with a CA made for the test. Plain HTTP to its port is
 * refused; the engine refuses it until it trusts the CA (`<certs.d>/<host:port>/ca.crt`: Docker's
 * /etc/docker/certs.d, Podman's /etc/containers/certs.d), then logs in, pushes and pulls by digest;
 * once the CA is gone again, pulls fail.
 * The steps share one registry and run in order.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../../components/internal";
import { DockerObjects, EngineSetup, docker, dockerStatus, uniqueName } from "../docker/support/docker";
import { needs } from "../support/needs";
import { engineCertsDir } from "../support/requirements";
import { DockerClient } from "./support/docker-client";
import { type RunningRegistry, manifestDigest, startRegistry } from "./support/registry-server";
import { type TestCertificates, hostAddress, makeCertificates } from "./support/test-ca";

const UNTRUSTED = /x509|certificate signed by unknown authority|certificate is not trusted/i;

const objects = new DockerObjects();
const clients: DockerClient[] = [];
let registry: RunningRegistry | undefined;
let trustDir: string | undefined;

needs("engine", "docker-registry", "htpasswd", "openssl", "engine-certs");

interface Setup {
  readonly registry: RunningRegistry;
  readonly certificates: TestCertificates;
  /** `<address>/tls-check:1`, a one-file image built here. */
  readonly pushName: string;
  readonly client: DockerClient;
}

const engine = new EngineSetup<Setup>(async () => {
  const ip = hostAddress();
  const certificates = await makeCertificates(ip);
  registry = await startRegistry({
    publishAddress: ip,
    tls: { certificate: certificates.certificate, key: certificates.key },
  });
  trustDir = path.join(engineCertsDir(), registry.address);
  const context = path.join(tmpdir(), uniqueName("tls-image"));
  await mkdir(context);
  await writeFile(path.join(context, "hello"), "hello from the TLS registry test\n");
  await writeFile(path.join(context, "Dockerfile"), "FROM scratch\nCOPY hello /hello\n");
  const pushName = objects.image(`${registry.address}/tls-check:1`);
  await docker(["build", "--quiet", "--tag", pushName, context]);
  await rm(context, { recursive: true, force: true });
  const client = await DockerClient.create();
  clients.push(client);
  return { registry, certificates, pushName, client };
});

beforeAll(engine.run, 600_000);

afterAll(async () => {
  if (trustDir !== undefined) await rm(trustDir, { recursive: true, force: true });
  await objects.removeAll();
  for (const client of clients) await client.dispose();
  await registry?.stop();
}, 120_000);

describe("registry serving TLS from the translator's config", () => {
  it("the pair it serves is what stack config accepts as gateway.tls.certificate and key", () => {
    const { certificates } = engine.get();
    expect(rules.pemCertificate.check(certificates.certificate).ok).toBe(true);
    expect(rules.pemPrivateKey.check(certificates.key).ok).toBe(true);
  });

  it("serves the CA-signed certificate for its address", async () => {
    const { registry, certificates } = engine.get();
    const [host, port] = registry.address.split(":");
    const peer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host, port: Number(port), ca: certificates.caCertificate }, () => {
        const subject = socket.getPeerCertificate().subjectaltname ?? "";
        socket.end();
        resolve(subject);
      });
      socket.on("error", reject);
    });
    expect(peer).toBe(`IP Address:${host}`);
  });

  it("refuses plain HTTP on its TLS port", async () => {
    const { registry } = engine.get();
    const response = await fetch(`http://${registry.address}/v2/`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/HTTP request to an HTTPS server/);
  });

  it("the engine refuses it while the CA is not trusted: login and pull fail on the certificate", async () => {
    const { registry, client } = engine.get();
    await expect(client.login(registry.address, registry.username, registry.password)).rejects.toThrow(UNTRUSTED);
    const pull = await client.status(["pull", `${registry.address}/tls-check:1`]);
    expect(pull.code).not.toBe(0);
    expect(pull.stderr + pull.stdout).toMatch(UNTRUSTED);
  });

  it("with the CA in the engine's certs.d/<host:port>/ca.crt: login, push, and pull by digest", async () => {
    const { registry, client, pushName, certificates } = engine.get();
    await mkdir(trustDir!, { recursive: true });
    await writeFile(path.join(trustDir!, "ca.crt"), certificates.caCertificate);
    expect(await client.login(registry.address, registry.username, registry.password)).toMatch(/Login Succeeded/);
    const pushed = await client.run(["push", pushName]);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)?.[1];
    expect(digest, pushed).toBeDefined();
    expect(await manifestDigestOverTls(registry, certificates, digest!)).toBe(digest);
    await docker(["image", "rm", pushName]); // the tag only: the image under it is shared
    const reference = `${registry.address}/tls-check@${digest}`;
    await client.run(["pull", reference]);
    objects.image(reference);
    expect((await dockerStatus(["image", "inspect", reference])).code).toBe(0);
  });

  it("once the CA is no longer trusted, a pull fails on the certificate again", async () => {
    const { registry, client } = engine.get();
    await rm(trustDir!, { recursive: true, force: true });
    const pull = await client.status(["pull", `${registry.address}/tls-check:1`]);
    expect(pull.code).not.toBe(0);
    expect(pull.stderr + pull.stdout).toMatch(UNTRUSTED);
  });
});

/** The registry's digest for a reference, asked over HTTPS trusting only the test CA. */
async function manifestDigestOverTls(
  registry: RunningRegistry,
  certificates: TestCertificates,
  reference: string,
): Promise<string> {
  return manifestDigest(registry, "tls-check", reference, certificates.caCertificate);
}
