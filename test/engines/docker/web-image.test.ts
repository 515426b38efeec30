/**
 * Real engine: the web sample image builds from its Dockerfile on local stand-in bases and runs
 * with the hardening the Docker translator declares (flags derived from its output).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_COMMAND, HEALTH_PATH } from "../../../apps/web/contract";
import { needs } from "../support/needs";
import { engineEnvironment, engineUnderTest } from "../support/requirements";
import {
  DockerObjects,
  EngineSetup,
  docker,
  healthStatus,
  imageHealthcheck,
  inspectHostConfig,
  podmanLogSize,
  uniqueName,
} from "./support/docker";
import { type BuiltImage, type RunningWeb, execNode, prepareWeb, startWeb } from "./support/web-image";

const run = promisify(execFile);
const objects = new DockerObjects();
needs("engine", "busybox");

const engine = new EngineSetup<{ image: BuiltImage; web: RunningWeb }>(async () => {
  const { image, network } = await prepareWeb(objects);
  const volume = objects.volume(uniqueName("data"));
  await docker(["volume", "create", volume]);
  return { image, web: await startWeb(objects, { image: image.tag, network, volumeName: volume }) };
});

beforeAll(engine.run, 600_000);

afterAll(() => objects.removeAll(), 120_000);

interface ProcStatus {
  Uid: string;
  Gid: string;
  CapEff: string;
  CapPrm: string;
  CapBnd: string;
  NoNewPrivs: string;
}

describe("web image", () => {
  it("is distroless-like: node and the app, no shell or package manager", async () => {
    const { image } = engine.get();
    const created = (await docker(["create", image.tag])).trim();
    try {
      const { stdout } = await run("sh", ["-c", `docker export ${created} | tar -t`], {
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, ...engineEnvironment() },
      });
      const files = new Set(stdout.split("\n").map((f) => f.replace(/\/$/, "")));
      expect(files).toContain("nodejs/bin/node");
      expect(files).toContain("app/main.ts");
      expect(files).toContain("app/healthcheck.ts");
      for (const tool of [
        "bin/sh",
        "bin/busybox",
        "usr/local/bin/npm",
        "usr/bin/apt-get",
        "sbin/apk",
        "usr/local/bin/node",
      ]) {
        expect(files, tool).not.toContain(tool);
      }
    } finally {
      await docker(["rm", created]);
    }
  });

  it("runs as 65532 with an exec-form node HEALTHCHECK and OCI labels from the build args", async () => {
    const { image, web } = engine.get();
    const config = JSON.parse(await docker(["image", "inspect", "--format", "{{json .Config}}", image.tag])) as {
      User: string;
      Labels: Record<string, string>;
    };
    expect(config.User).toBe(web.settings.user);
    expect(await imageHealthcheck(image.tag)).toEqual(["CMD", ...HEALTH_COMMAND]);
    expect(config.Labels["org.opencontainers.image.revision"]).toBe(image.revision);
    expect(config.Labels["org.opencontainers.image.created"]).toBe(image.created);
    expect(config.Labels["org.opencontainers.image.title"]).toBe("dockyard-web");
  });
});

describe("web container run with the Docker translator's settings", () => {
  it("is configured by Docker exactly as the settings say", async () => {
    const { web } = engine.get();
    const host = await inspectHostConfig(web.container);
    const s = web.settings;
    expect(host.ReadonlyRootfs).toBe(s.readOnly);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.CapDrop).toEqual(s.capabilities.drops);
    expect(host.SecurityOpt).toEqual(s.securityOpts);
    expect(host.Memory).toBe(s.memory * 2 ** 20);
    expect(host.MemorySwap).toBe(s.memorySwap * 2 ** 20);
    expect(host.NanoCpus).toBe(Number(s.cpus) * 1e9);
    expect(host.PidsLimit).toBe(s.pidsLimit);
    expect(host.Tmpfs).toEqual(s.tmpfs);
    expect(host.PortBindings[`${s.ports[0].internal}/tcp`]).toEqual([
      { HostIp: s.ports[0].ip, HostPort: String(s.ports[0].external) },
    ]);
    expect(host.LogConfig.Type).toBe(s.logDriver);
    if (engineUnderTest().name === "podman") {
      // Podman's json-file is its k8s-file driver: one file, capped at max-size (kept in its own
      // API as LogConfig.Size); it has no max-file and reports no log options through Docker's API.
      expect(host.LogConfig.Config).toBeNull();
      expect(await podmanLogSize(web.container)).toBe(s.logOpts["max-size"].toUpperCase().replace(/M$/, "MB"));
    } else {
      expect(host.LogConfig).toEqual({ Type: s.logDriver, Config: s.logOpts });
    }
    expect(host.RestartPolicy.Name).toBe(s.restart);
    expect(host.Privileged).toBe(false);
  });

  it("answers /healthz on the published 127.0.0.1 port and Docker reports it healthy", async () => {
    const { web } = engine.get();
    expect(web.settings.ports[0].ip).toBe("127.0.0.1");
    const response = await fetch(`http://127.0.0.1:${web.port}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(await healthStatus(web.container)).toBe("healthy");
  });

  it("runs as a non-zero uid with no capabilities and no new privileges", async () => {
    const { web } = engine.get();
    const status = JSON.parse(
      await execNode(
        web.container,
        `const s = require("fs").readFileSync("/proc/1/status", "utf8");
         const f = (k) => s.split("\\n").find((l) => l.startsWith(k + ":")).split(":")[1].trim();
         console.log(JSON.stringify(Object.fromEntries(["Uid", "Gid", "CapEff", "CapPrm", "CapBnd", "NoNewPrivs"].map((k) => [k, f(k)]))));`,
      ),
    ) as ProcStatus;
    const [uid, gid] = web.settings.user.split(":");
    expect(Number(uid)).toBeGreaterThan(0);
    expect(status.Uid.split(/\s+/)).toEqual([uid, uid, uid, uid]);
    expect(status.Gid.split(/\s+/)).toEqual([gid, gid, gid, gid]);
    expect(BigInt(`0x${status.CapEff}`)).toBe(0n);
    expect(BigInt(`0x${status.CapPrm}`)).toBe(0n);
    expect(BigInt(`0x${status.CapBnd}`)).toBe(0n);
    expect(status.NoNewPrivs).toBe("1");
  });

  it("cannot write its root filesystem; only the scratch tmpfs and its volume are writable", async () => {
    const { web } = engine.get();
    const targets = [
      "/app/new-file",
      "/etc/new-file",
      "/new-file",
      "/tmp/new-file",
      "/run/new-file",
      "/var/tmp/new-file",
      `${web.spec.volumes[0].mountPath}/probe-file`,
    ];
    const outcome = JSON.parse(
      await execNode(
        web.container,
        `const fs = require("fs"); const out = {};
         for (const p of ${JSON.stringify(targets)}) { try { fs.writeFileSync(p, "x"); out[p] = "written"; } catch (e) { out[p] = e.code; } }
         console.log(JSON.stringify(out));`,
      ),
    ) as Record<string, string>;
    expect(outcome).toEqual({
      "/app/new-file": "EROFS",
      "/etc/new-file": "EROFS",
      "/new-file": "EROFS",
      "/tmp/new-file": "written",
      "/run/new-file": "EROFS",
      "/var/tmp/new-file": "EROFS",
      [`${web.spec.volumes[0].mountPath}/probe-file`]: "written",
    });
  });
});
