/**
 * Real engine: data written through the web service lives on its named volume (created as the
 * PersistentVolume translator declares it) and survives removing the container, whether it is
 * killed or stopped gracefully.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATA_DIR, RUN_AS_GID, RUN_AS_UID } from "../../../apps/web/contract";
import { dockerVolumeSettings, resolveVolumeSpec } from "../../../components/persistent-volume/resolve";
import { needs } from "../support/needs";
import { DockerObjects, EngineSetup, WAITS_FOR_HEALTH, docker, uniqueName } from "./support/docker";
import { type BuiltImage, type RunningWeb, execNode, prepareWeb, startWeb } from "./support/web-image";

const objects = new DockerObjects();
needs("engine", "busybox");

const engine = new EngineSetup<{ image: BuiltImage; network: string }>(() => prepareWeb(objects));

beforeAll(engine.run, 600_000);

afterAll(() => objects.removeAll(), 120_000);

/** Creates a named volume exactly as PersistentVolume declares it on Docker. */
async function createVolume(): Promise<string> {
  const settings = dockerVolumeSettings(resolveVolumeSpec(uniqueName("data"), { target: "docker" }));
  objects.volume(settings.name);
  await docker([
    "volume",
    "create",
    "--driver",
    settings.driver,
    ...settings.labels.flatMap((l) => ["--label", `${l.label}=${l.value}`]),
    settings.name,
  ]);
  return settings.name;
}

async function post(web: RunningWeb, body: string): Promise<{ id: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${web.port}/records`, { method: "POST", body });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; body: string };
}

async function bodies(web: RunningWeb): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${web.port}/records`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { records: { body: string }[] }).records.map((r) => r.body);
}

// Each test starts containers and waits for their health (waitHealthy's ceiling, not vitest's default).
describe("web data on a named volume", WAITS_FOR_HEALTH, () => {
  it("a fresh volume at /data is owned by the image's user, which the image pre-creates it for", async () => {
    const { image, network } = engine.get();
    const volumeName = await createVolume();
    const web = await startWeb(objects, { image: image.tag, network, volumeName });
    const owner = JSON.parse(
      await execNode(
        web.container,
        `const s = require("fs").statSync(${JSON.stringify(DEFAULT_DATA_DIR)}); console.log(JSON.stringify([s.uid, s.gid]))`,
      ),
    ) as number[];
    expect(owner).toEqual([RUN_AS_UID, RUN_AS_GID]);
    expect(web.settings.user).toBe(`${RUN_AS_UID}:${RUN_AS_GID}`);
  });

  it("survives removing the container, killed or stopped, and a new one on the same volume serves it", async () => {
    const { image, network } = engine.get();
    const volumeName = await createVolume();
    const first = await startWeb(objects, { image: image.tag, network, volumeName });
    const written = await post(first, "first record, acknowledged before a kill");
    expect(written.id).toBe(1);
    await docker(["rm", "--force", first.container]); // SIGKILL: only fsync'ed data can survive

    const second = await startWeb(objects, { image: image.tag, network, volumeName });
    expect(await bodies(second)).toEqual(["first record, acknowledged before a kill"]);
    expect((await post(second, "second record, then a graceful stop")).id).toBe(2);
    await docker(["stop", second.container]);
    const exit = JSON.parse(
      await docker(["inspect", "--format", "{{json .State.ExitCode}}", second.container]),
    ) as number;
    expect(exit).toBe(0); // SIGTERM handled: in-flight work finished, clean exit
    await docker(["rm", second.container]);

    const third = await startWeb(objects, { image: image.tag, network, volumeName });
    expect(await bodies(third)).toEqual([
      "first record, acknowledged before a kill",
      "second record, then a graceful stop",
    ]);
  });

  it("refuses bodies above the size bound and keeps nothing of them", async () => {
    const { image, network } = engine.get();
    const volumeName = await createVolume();
    const web = await startWeb(objects, { image: image.tag, network, volumeName });
    const response = await fetch(`http://127.0.0.1:${web.port}/records`, {
      method: "POST",
      body: "x".repeat(64 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(await bodies(web)).toEqual([]);
  });
});
