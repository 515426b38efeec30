/**
 * Real engines: a stack's registry mirror supplies the base images. The stand-in bases are pushed
 * into a registry (configured by the Registry translator) under the upstream names the web
 * Dockerfile defaults to; the web image then builds from the references `throughMirror` computes,
 * which the builder can only pull from that registry, with its credentials.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_PATH } from "../../../apps/web/contract";
import { formatImageRef, isImageRef, parseImageRef, throughMirror } from "../../../components/registry/image-ref";
import {
  DockerObjects,
  EngineSetup,
  WAITS_FOR_HEALTH,
  docker,
  dockerStatus,
  uniqueName,
} from "../docker/support/docker";
import { needs } from "../support/needs";
import { ensureStandIns } from "../docker/support/standins";
import { WEB_CONTEXT, buildWebImage, startWeb } from "../docker/support/web-image";
import { DockerClient } from "./support/docker-client";
import { type RunningRegistry, startRegistry } from "./support/registry-server";

/** The upstream base images, as the web Dockerfile's ARG defaults name them. */
function upstreamBases(): { build: string; base: string } {
  const dockerfile = readFileSync(path.join(WEB_CONTEXT, "Dockerfile"), "utf8");
  const arg = (name: string) => {
    const value = new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(dockerfile)?.[1];
    if (value === undefined) throw new Error(`apps/web/Dockerfile has no default for ${name}`);
    return value;
  };
  return { build: arg("BUILD_IMAGE"), base: arg("BASE_IMAGE") };
}

/** The reference a stack with `mirror` pulls an upstream image by. */
function mirrored(upstream: string, mirror: string): string {
  const ref = parseImageRef(upstream);
  if (!isImageRef(ref)) throw new Error(`${upstream}: ${ref.error}`);
  return formatImageRef(throughMirror(ref, mirror));
}

const objects = new DockerObjects();
const clients: DockerClient[] = [];
let registry: RunningRegistry | undefined;

interface Setup {
  readonly upstream: { build: string; base: string };
  readonly bases: { build: string; base: string };
  readonly anonymous: DockerClient;
  readonly client: DockerClient;
}

needs("engine", "busybox", "docker-registry", "htpasswd");

const engine = new EngineSetup<Setup>(async () => {
  registry = await startRegistry();
  const standIns = await ensureStandIns();
  const upstream = upstreamBases();
  const bases = { build: mirrored(upstream.build, registry.address), base: mirrored(upstream.base, registry.address) };
  const [anonymous, client] = [await DockerClient.create(), await DockerClient.create()];
  clients.push(anonymous, client);
  await client.login(registry.address, registry.username, registry.password);
  for (const [standIn, name] of [
    [standIns.build, bases.build],
    [standIns.base, bases.base],
  ]) {
    await docker(["tag", standIn, objects.image(name)]);
    await client.run(["push", name]);
    await docker(["image", "rm", name]); // only the tag: the build must pull it from the mirror
  }
  return { upstream, bases, anonymous, client };
});

beforeAll(engine.run, 600_000);

afterAll(async () => {
  await objects.removeAll();
  for (const client of clients) await client.dispose();
  await registry?.stop();
}, 120_000);

describe("registry mirror supplies the base images", () => {
  it("maps the Dockerfile's upstream bases onto the mirror, keeping their repository paths and tags", () => {
    const { upstream, bases } = engine.get();
    expect(upstream).toEqual({ build: "node:24-alpine", base: "gcr.io/distroless/nodejs24-debian12:nonroot" });
    expect(bases).toEqual({
      build: `${registry!.address}/library/node:24-alpine`,
      base: `${registry!.address}/distroless/nodejs24-debian12:nonroot`,
    });
  });

  it("without the mirror's credentials the build cannot pull its bases", async () => {
    const { bases, anonymous } = engine.get();
    expect((await dockerStatus(["image", "inspect", bases.build])).code).not.toBe(0);
    const tag = objects.image(uniqueName("web-mirror-anon"));
    const args = ["--build-arg", `BUILD_IMAGE=${bases.build}`, "--build-arg", `BASE_IMAGE=${bases.base}`];
    const build = await anonymous.status(["build", "--quiet", ...args, "--tag", tag, WEB_CONTEXT]);
    expect(build.code).not.toBe(0);
    expect(build.stderr + build.stdout).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
  });

  it("with them, the web image builds from the mirror's bases and runs healthy", WAITS_FOR_HEALTH, async () => {
    const { bases, client } = engine.get();
    const tag = objects.image(uniqueName("web-mirror"));
    objects.image(`${tag}-build-stage`);
    const image = await buildWebImage(tag, { bases, env: client.env });
    expect(
      await docker([
        "image",
        "inspect",
        "--format",
        '{{ index .Config.Labels "org.opencontainers.image.base.name" }}',
        image.tag,
      ]),
    ).toBe(`${bases.base}\n`);
    // the builder pulled both bases from the mirror
    for (const base of [bases.build, bases.base]) expect((await dockerStatus(["image", "inspect", base])).code).toBe(0);

    const network = objects.network(uniqueName("net"));
    await docker(["network", "create", network]);
    const volume = objects.volume(uniqueName("data"));
    await docker(["volume", "create", volume]);
    const web = await startWeb(objects, { image: image.tag, network, volumeName: volume });
    expect((await fetch(`http://127.0.0.1:${web.port}${HEALTH_PATH}`)).status).toBe(200);
  });
});
