/**
 * Real engines: synth's compose.yaml for the dev stack brings the dev services up with a Compose
 * client and no registry or Pulumi: `docker-compose config` accepts it, every service turns
 * healthy, web answers on its published 127.0.0.1 port, each container passes the hardening checks
 * the Docker tests make against the settings its docker.Container is declared with, and data
 * survives `down` + `up` on the named volume. Runs on Docker and on Podman's Docker API (the
 * engines-podman project); on Podman, podman-compose runs the same file too.
 */
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_PATH } from "../../../apps/web/contract";
import {
  DockerObjects,
  EngineSetup,
  WAITS_FOR_HEALTH,
  docker,
  inspectHostConfig,
  uniqueName,
  waitHealthy,
} from "../docker/support/docker";
import { needs } from "../support/needs";
import { engineUnderTest } from "../support/requirements";
import { freePort } from "../docker/support/web-image";
import {
  type SynthCompose,
  cleanUp,
  compose,
  projectContainers,
  runnableCopy,
  standInBases,
  synthDevCompose,
  upstreamServices,
} from "./support/compose";

needs("engine", "busybox", "docker-compose", "restic", "ssh");

const objects = new DockerObjects();
const project = uniqueName("compose").toLowerCase();
let synth: SynthCompose | undefined;
let file: string | undefined;

interface Setup {
  readonly synth: SynthCompose;
  readonly file: string;
  readonly webPort: number;
  readonly containers: Record<string, string>;
  readonly healthyAfterMs: Record<string, number>;
}

/** Podman's default pids limit (containers.conf `pids_limit`), which its CLI applies. */
const PODMAN_DEFAULT_PIDS_LIMIT = 2048;

/** Time a service may take to turn healthy (its start period and a few intervals; the scheduler's is 30 s): past it, waitHealthy reports. */
const HEALTHY_WITHIN_SECONDS = 150;

const engine = new EngineSetup<Setup>(async () => {
  synth = await synthDevCompose();
  const copy = await runnableCopy(synth, "compose.test.yaml", await standInBases(synth));
  file = copy.path;
  for (const image of copy.images) objects.image(image);
  const built = await compose("docker-compose", project, copy.path, ["build"]);
  if (built.code !== 0) throw new Error(`docker-compose build failed:\n${built.stdout}${built.stderr}`);
  const up = await compose("docker-compose", project, copy.path, ["up", "--detach"]);
  if (up.code !== 0) throw new Error(`docker-compose up failed:\n${up.stdout}${up.stderr}`);
  const containers = await projectContainers(project);
  const healthyAfterMs = Object.fromEntries(
    await Promise.all(
      Object.entries(containers).map(async ([service, name]) => [
        service,
        await waitHealthy(name, HEALTHY_WITHIN_SECONDS),
      ]),
    ),
  ) as Record<string, number>;
  return { synth, file: copy.path, webPort: copy.webPort, containers, healthyAfterMs };
});

beforeAll(engine.run, 900_000);

afterAll(async () => {
  if (file !== undefined) await compose("docker-compose", project, file, ["down", "--volumes"]);
  await objects.removeAll();
  await cleanUp(synth);
}, 300_000);

/** /proc/<pid>/status of the container's first process, read on this (the engine's) host. */
async function processStatus(container: string): Promise<Record<string, string>> {
  const pid = (await docker(["inspect", "--format", "{{.State.Pid}}", container])).trim();
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Object.fromEntries(
    status
      .split("\n")
      .filter((l) => l.includes(":"))
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
}

/** Tries to create each file inside the container, as its user: "written" or the error. */
async function writeProbes(container: string, paths: readonly string[]): Promise<Record<string, string>> {
  const outcome: Record<string, string> = {};
  for (const p of paths) {
    const node = await docker([
      "exec",
      container,
      "/nodejs/bin/node",
      "-e",
      `try { require("fs").writeFileSync(${JSON.stringify(p)}, "x"); console.log("written") } catch (e) { console.log(e.code) }`,
    ]).catch(() => undefined);
    if (node !== undefined) {
      outcome[p] = node.trim();
      continue;
    }
    const touched = await docker(["exec", container, "/bin/busybox", "touch", p]).then(
      () => "written",
      (e: Error) => (/Read-only file system/.test(e.message) ? "EROFS" : e.message),
    );
    outcome[p] = touched;
  }
  return outcome;
}

describe("compose.yaml for dev, on a real engine", () => {
  it("the Compose client's own `config` accepts the generated file", async () => {
    const { synth } = engine.get();
    const checked = await compose("docker-compose", `${project}-config`, `${synth.directory}/compose.yaml`, [
      "config",
      "--quiet",
    ]);
    expect(checked.code, checked.stderr).toBe(0);
  });

  it("brings every service up healthy, and web answers on its published 127.0.0.1 port", async () => {
    const { containers, healthyAfterMs, webPort, synth } = engine.get();
    const upstream = upstreamServices(synth);
    expect(Object.keys(containers).sort()).toEqual(
      Object.keys(synth.settings)
        .filter((name) => !upstream.includes(name))
        .sort(),
    );
    console.log(`healthy after (ms): ${JSON.stringify(healthyAfterMs)}`);
    const response = await fetch(`http://127.0.0.1:${webPort}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("each container is hardened as its docker.Container is declared (the Docker tests' checks)", async () => {
    const { containers, synth } = engine.get();
    for (const [service, container] of Object.entries(containers)) {
      const s = synth.settings[service];
      const host = await inspectHostConfig(container);
      expect(host.ReadonlyRootfs, service).toBe(true);
      expect(host.CapDrop, service).toEqual(s.capabilities.drops);
      expect(host.SecurityOpt, service).toEqual(s.securityOpts);
      expect(host.Memory, service).toBe(s.memory * 2 ** 20);
      expect(host.MemorySwap, service).toBe(s.memorySwap * 2 ** 20);
      expect(host.NanoCpus, service).toBe(Number(s.cpus) * 1e9);
      expect(host.PidsLimit, service).toBe(s.pidsLimit);
      expect(host.Tmpfs, service).toEqual(s.tmpfs);
      expect(host.RestartPolicy.Name, service).toBe(s.restart);
      expect(host.Privileged, service).toBe(false);
      for (const port of s.ports) {
        expect(host.PortBindings[`${port.internal}/${port.protocol}`]?.[0]?.HostIp, service).toBe("127.0.0.1");
      }
      const [uid, gid] = s.user.split(":");
      const status = await processStatus(container);
      expect(status.Uid.split(/\s+/), service).toEqual([uid, uid, uid, uid]);
      expect(status.Gid.split(/\s+/), service).toEqual([gid, gid, gid, gid]);
      for (const set of ["CapEff", "CapPrm", "CapBnd"])
        expect(BigInt(`0x${status[set]}`), `${service} ${set}`).toBe(0n);
      expect(status.NoNewPrivs, service).toBe("1");
      const mounts = s.volumes.filter((v) => !v.readOnly).map((v) => `${v.containerPath}/probe-${project}`);
      expect(
        await writeProbes(container, [
          "/new-file",
          "/etc/new-file",
          "/run/new-file",
          "/var/tmp/new-file",
          "/tmp/new-file",
          ...mounts,
        ]),
        service,
      ).toEqual({
        "/new-file": "EROFS",
        "/etc/new-file": "EROFS",
        "/run/new-file": "EROFS",
        "/var/tmp/new-file": "EROFS",
        "/tmp/new-file": "written",
        ...Object.fromEntries(mounts.map((m) => [m, "written"])),
      });
    }
  });

  it("data written survives `down` and `up` on the named volume", WAITS_FOR_HEALTH, async () => {
    const { file, webPort } = engine.get();
    const body = `written before down, ${project}`;
    const posted = await fetch(`http://127.0.0.1:${webPort}/records`, { method: "POST", body });
    expect(posted.status).toBe(201);
    const down = await compose("docker-compose", project, file, ["down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(await projectContainers(project)).toEqual({});
    const up = await compose("docker-compose", project, file, ["up", "--detach"]);
    expect(up.code, up.stderr).toBe(0);
    await waitHealthy((await projectContainers(project)).web, HEALTHY_WITHIN_SECONDS);
    const records = (await (await fetch(`http://127.0.0.1:${webPort}/records`)).json()) as {
      records: { body: string }[];
    };
    expect(records.records.map((r) => r.body)).toContain(body);
  });
});

// Only on Podman (a skipped engine test fails the run, so on Docker it is not declared at all).
if (engineUnderTest().name === "podman")
  describe("compose.yaml with podman-compose 1.0.3", () => {
    const podProject = `${project}-pc`;
    afterAll(async () => {
      if (file !== undefined) await compose("podman-compose", podProject, file, ["down", "--volumes"]);
    }, 300_000);

    it("runs the same file hardened; its exec-form health check goes through /bin/sh (a documented difference)", async () => {
      const { file: runnable, synth } = engine.get();
      // Ports of its own, every one (services' and metrics'): the docker-compose project still holds the first ones.
      let text = await readFile(runnable, "utf8");
      for (const [published, container] of text.matchAll(/127\.0\.0\.1:\d+:(\d+)/g))
        text = text.replace(published, `127.0.0.1:${await freePort()}:${container}`);
      const podFile = runnable.replace(/\.yaml$/, ".podman.yaml");
      await writeFile(podFile, text);
      file = podFile;
      const up = await compose("podman-compose", podProject, podFile, ["up", "--detach"]);
      expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
      const containers = await projectContainers(podProject);
      const upstream = upstreamServices(synth);
      expect(Object.keys(containers).sort()).toEqual(
        Object.keys(synth.settings)
          .filter((name) => !upstream.includes(name))
          .sort(),
      );
      for (const [service, container] of Object.entries(containers)) {
        const s = synth.settings[service];
        const host = await inspectHostConfig(container);
        expect(host.ReadonlyRootfs, service).toBe(true);
        expect(host.CapDrop, service).toEqual(s.capabilities.drops);
        expect(host.SecurityOpt, service).toEqual(s.securityOpts);
        expect(host.Memory, service).toBe(s.memory * 2 ** 20);
        // podman-compose 1.0.3 drops `pids_limit`: the container gets Podman's default (containers.conf
        // pids_limit, 2048), not the service's (a documented difference, ADR 0012).
        expect(host.PidsLimit, service).toBe(PODMAN_DEFAULT_PIDS_LIMIT);
        expect(host.PidsLimit, service).not.toBe(s.pidsLimit);
        expect(host.Tmpfs, service).toEqual(s.tmpfs);
        const status = await processStatus(container);
        expect(status.NoNewPrivs, service).toBe("1");
        expect(BigInt(`0x${status.CapBnd}`), service).toBe(0n);
        // podman-compose 1.0.3 turns ["CMD", …] into `/bin/sh -c …`: a shell-less image (web is
        // distroless) cannot pass it there; Compose v1/v2 run it without a shell.
        const test = JSON.parse(
          await docker(["inspect", "--format", "{{json .Config.Healthcheck.Test}}", container]),
        ) as string[];
        expect(test.join(" "), service).toMatch(/\/bin\/sh -c/);
      }
    });
  });
