/**
 * Real engine: the front sample image builds from apps/front on the local stand-in bases and runs
 * with the hardening the Docker translator declares, beside web on one network: it answers its
 * probes on 127.0.0.1, passes records through to web by its network alias, and stops gracefully.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_COMMAND, HEALTH_PATH, READY_PATH } from "../../../apps/front/contract";
import { needs } from "../support/needs";
import { engineEnvironment } from "../support/requirements";
import {
  DockerObjects,
  EngineSetup,
  docker,
  healthStatus,
  imageHealthcheck,
  inspectHostConfig,
  uniqueName,
} from "./support/docker";
import { type RunningFront, startFront } from "./support/front-image";
import {
  type BuiltImage,
  FRONT_CONTEXT,
  type RunningWeb,
  buildWebImage,
  execNode,
  prepareWeb,
  startWeb,
} from "./support/web-image";

const run = promisify(execFile);
const objects = new DockerObjects();
needs("engine", "busybox");

const engine = new EngineSetup<{ image: BuiltImage; front: RunningFront; web: RunningWeb }>(async () => {
  const { image: webImage, network } = await prepareWeb(objects);
  const volume = objects.volume(uniqueName("data"));
  await docker(["volume", "create", volume]);
  const web = await startWeb(objects, { image: webImage.tag, network, volumeName: volume });
  const tag = objects.image(uniqueName("front-image"));
  objects.image(`${tag}-build-stage`);
  const image = await buildWebImage(tag, { context: FRONT_CONTEXT });
  return { image, web, front: await startFront(objects, image.tag, network) };
});

beforeAll(engine.run, 600_000);

afterAll(() => objects.removeAll(), 120_000);

describe("front image", () => {
  it("is distroless-like: node and the app, no shell, no package manager, no data directory", async () => {
    const { image } = engine.get();
    const created = (await docker(["create", image.tag])).trim();
    try {
      const { stdout } = await run("sh", ["-c", `docker export ${created} | tar -t`], {
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, ...engineEnvironment() },
      });
      const files = new Set(stdout.split("\n").map((f) => f.replace(/\/$/, "")));
      for (const file of ["nodejs/bin/node", "app/main.ts", "app/server.ts", "app/healthcheck.ts"])
        expect(files, file).toContain(file);
      for (const tool of ["bin/sh", "bin/busybox", "usr/local/bin/npm", "usr/bin/apt-get", "sbin/apk", "data"])
        expect(files, tool).not.toContain(tool);
    } finally {
      await docker(["rm", created]);
    }
  });

  it("runs as 65532 with an exec-form node HEALTHCHECK and OCI labels from the build args", async () => {
    const { image, front } = engine.get();
    const config = JSON.parse(await docker(["image", "inspect", "--format", "{{json .Config}}", image.tag])) as {
      User: string;
      Labels: Record<string, string>;
    };
    expect(config.User).toBe(front.settings.user);
    expect(await imageHealthcheck(image.tag)).toEqual(["CMD", ...HEALTH_COMMAND]);
    expect(config.Labels["org.opencontainers.image.title"]).toBe("dockyard-front");
    expect(config.Labels["org.opencontainers.image.revision"]).toBe(image.revision);
  });
});

describe("front container beside web, run with the Docker translator's settings", () => {
  it("is healthy and answers liveness and readiness on its 127.0.0.1 port", async () => {
    const { front } = engine.get();
    expect(front.settings.ports[0].ip).toBe("127.0.0.1");
    expect(await healthStatus(front.container)).toBe("healthy");
    for (const path of [HEALTH_PATH, READY_PATH])
      expect((await fetch(`http://127.0.0.1:${front.port}${path}`)).status, path).toBe(200);
  });

  it("passes records through to web, reached by its network alias", async () => {
    const { front, web } = engine.get();
    const body = `through front ${Date.now()}`;
    const posted = await fetch(`http://127.0.0.1:${front.port}/api/records`, { method: "POST", body });
    expect(posted.status).toBe(201);
    const stored = (await (await fetch(`http://127.0.0.1:${web.port}/records`)).json()) as {
      records: { body: string }[];
    };
    expect(stored.records.map((r) => r.body)).toContain(body);
    const listed = (await (await fetch(`http://127.0.0.1:${front.port}/api/records`)).json()) as {
      records: { body: string }[];
    };
    expect(listed.records.map((r) => r.body)).toContain(body);
  });

  it("runs non-root, without capabilities or new privileges, on a read-only root filesystem", async () => {
    const { front } = engine.get();
    const outcome = JSON.parse(
      await execNode(
        front.container,
        `const fs = require("fs"); const s = fs.readFileSync("/proc/1/status", "utf8");
         const f = (k) => s.split("\\n").find((l) => l.startsWith(k + ":")).split(":")[1].trim();
         const out = { Uid: f("Uid"), CapEff: f("CapEff"), NoNewPrivs: f("NoNewPrivs") };
         for (const p of ["/app/x", "/x", "/tmp/x"]) { try { fs.writeFileSync(p, "x"); out[p] = "written"; } catch (e) { out[p] = e.code; } }
         console.log(JSON.stringify(out));`,
      ),
    ) as Record<string, string>;
    expect(outcome.Uid.split(/\s+/)).toEqual(["65532", "65532", "65532", "65532"]);
    expect(BigInt(`0x${outcome.CapEff}`)).toBe(0n);
    expect(outcome.NoNewPrivs).toBe("1");
    expect(outcome).toMatchObject({ "/app/x": "EROFS", "/x": "EROFS", "/tmp/x": "written" });
    const host = await inspectHostConfig(front.container);
    expect(host).toMatchObject({ ReadonlyRootfs: true, CapDrop: ["ALL"], PidsLimit: front.settings.pidsLimit });
  });

  it("stops gracefully on SIGTERM: drains, then exits 0", async () => {
    const { front } = engine.get();
    await docker(["stop", "--time", "30", front.container], 60_000);
    const state = JSON.parse(await docker(["inspect", "--format", "{{json .State}}", front.container])) as {
      ExitCode: number;
    };
    expect(state.ExitCode).toBe(0);
    const logs = await docker(["logs", front.container]);
    expect(logs).toMatch(/SIGTERM: shutting down[\s\S]*stopped/);
  });
});
