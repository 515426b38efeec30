/**
 * Real engines: the web image goes through a registry configured by the Registry translator.
 * Anonymous docker push and pull are refused; with the generated credentials (docker login in a
 * throwaway DOCKER_CONFIG) it pushes; the pushed digest is the registry's and ServiceImage's; and
 * after the local copy is gone it pulls by digest and runs hardened and healthy.
 * The steps share one registry and image and run in order.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_PATH } from "../../../apps/web/contract";
import { digestReference, serviceImageName } from "../../../components/service-image/resolve";
import {
  DockerObjects,
  EngineSetup,
  WAITS_FOR_HEALTH,
  docker,
  dockerStatus,
  uniqueName,
} from "../docker/support/docker";
import { needs } from "../support/needs";
import { engineUnderTest } from "../support/requirements";
import { type BuiltImage, buildWebImage, startWeb } from "../docker/support/web-image";
import { DockerClient } from "./support/docker-client";
import { type RunningRegistry, manifestDigest, startRegistry } from "./support/registry-server";

const AUTH_REFUSED = /no basic auth credentials|unauthorized|authentication required/i;
const MACHINE_CONFIG = path.join(homedir(), ".docker", "config.json");

const objects = new DockerObjects();
const clients: DockerClient[] = [];
let registry: RunningRegistry | undefined;

interface Setup {
  readonly registry: RunningRegistry;
  readonly image: BuiltImage;
  /** The name ServiceImage would push: address/web:revision. */
  readonly pushName: string;
  readonly anonymous: DockerClient;
  readonly client: DockerClient;
  readonly machineConfigBefore: string;
}

needs("engine", "busybox", "docker-registry", "htpasswd");

const engine = new EngineSetup<Setup>(async () => {
  registry = await startRegistry();
  const image = await buildWebImage(objects.image(uniqueName("web-image")));
  objects.image(image.buildStageTag);
  const pushName = objects.image(serviceImageName(registry.address, "web", image.revision.slice(0, 12)));
  await docker(["tag", image.tag, pushName]);
  const [anonymous, client] = [await DockerClient.create(), await DockerClient.create()];
  clients.push(anonymous, client);
  return { registry, image, pushName, anonymous, client, machineConfigBefore: await fingerprint(MACHINE_CONFIG) };
});

beforeAll(engine.run, 600_000);

afterAll(async () => {
  await objects.removeAll();
  for (const client of clients) await client.dispose();
  await registry?.stop();
}, 120_000);

/** A file's content hash, or "absent". */
async function fingerprint(file: string): Promise<string> {
  return readFile(file).then(
    (bytes) => createHash("sha256").update(bytes).digest("hex"),
    () => "absent",
  );
}

let pushedRef: string | undefined;

describe("registry push and pull (Registry translator's config, real docker CLI)", () => {
  it("refuses an anonymous docker push, asking for authentication", async () => {
    const { anonymous, pushName } = engine.get();
    const push = await anonymous.status(["push", pushName]);
    expect(push.code).not.toBe(0);
    expect(push.stderr + push.stdout).toMatch(AUTH_REFUSED);
  });

  it("pushes with the generated credentials; push, local image, registry and ServiceImage agree on the digest", async () => {
    const { registry, client, pushName } = engine.get();
    expect(await client.login(registry.address, registry.username, registry.password)).toMatch(/Login Succeeded/);
    const pushed = await client.run(["push", pushName]);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)?.[1];
    expect(digest, pushed).toBeDefined();

    const repository = `${registry.address}/web`;
    const repoDigests = JSON.parse(
      await docker(["inspect", "--format", "{{json .RepoDigests}}", pushName]),
    ) as string[];
    const repoDigest = repoDigests.find((d) => d.startsWith(`${repository}@`));
    expect(await manifestDigest(registry, "web", pushName.slice(pushName.lastIndexOf(":") + 1))).toBe(digest);
    if (engineUnderTest().name === "podman") {
      // The documented difference (ADR 0010): Podman 4.3 pushes a manifest other than the one its
      // RepoDigests names, so docker.Image's repoDigest (ServiceImage.ref) would name a digest the
      // registry does not serve. What the registry serves is the pushed digest.
      expect(repoDigest).not.toBe(`${repository}@${digest}`);
      pushedRef = `${repository}@${digest}`;
      expect(await manifestDigest(registry, "web", digest!)).toBe(digest);
      return;
    }
    expect(repoDigest).toBe(`${repository}@${digest}`);
    // ServiceImage.ref is docker.Image's repoDigest for the pushed repository, checked this way
    pushedRef = digestReference(`ServiceImage "web"`, repoDigest!);
    expect(pushedRef).toBe(`${repository}@${digest}`);
    expect(await manifestDigest(registry, "web", digest!)).toBe(digest);
  });

  it("refuses an anonymous pull of the pushed digest", async () => {
    const { anonymous } = engine.get();
    expect(pushedRef).toBeDefined();
    const pull = await anonymous.status(["pull", pushedRef!]);
    expect(pull.code).not.toBe(0);
    expect(pull.stderr + pull.stdout).toMatch(AUTH_REFUSED);
  });

  it(
    "with the local copy removed, pulls by digest and runs it hardened: healthy, answers /healthz",
    WAITS_FOR_HEALTH,
    async () => {
      const { client, pushName } = engine.get();
      expect(pushedRef).toBeDefined();
      const id = (await docker(["image", "inspect", "--format", "{{.Id}}", pushName])).trim();
      await docker(["image", "rm", "--force", id]); // every tag and digest of the built image
      expect((await dockerStatus(["image", "inspect", pushedRef!])).code).not.toBe(0);

      await client.run(["pull", pushedRef!]);
      objects.image(pushedRef!);
      const network = objects.network(uniqueName("net"));
      await docker(["network", "create", network]);
      const volume = objects.volume(uniqueName("data"));
      await docker(["volume", "create", volume]);
      const web = await startWeb(objects, { image: pushedRef!, network, volumeName: volume });
      expect(web.spec.image).toBe(pushedRef); // deployed by digest, as the image policy requires
      const response = await fetch(`http://127.0.0.1:${web.port}${HEALTH_PATH}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    },
  );

  it("left the machine's own docker configuration untouched", async () => {
    const { client, machineConfigBefore } = engine.get();
    expect(await fingerprint(MACHINE_CONFIG)).toBe(machineConfigBefore);
    expect(await readFile(path.join(client.configDir, "config.json"), "utf8")).toContain(engine.get().registry.address);
  });
});
