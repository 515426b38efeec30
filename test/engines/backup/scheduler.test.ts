/**
 * Real engine: the Docker scheduler, started with exactly the flags the translator renders for
 * the Backup's ContainerService (hardened, non-root, read-only root filesystem), backing up into
 * the volume repository (dev's): at the next minute it runs backup, check and drill one after
 * the other, keeps each one's result, and reports healthy through the image's HEALTHCHECK. And
 * a backup that cannot read every file fails without spoiling what "latest" restores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRILL_OK, RUN_AS_UID, SCHEDULER_STATUS_COMMAND } from "../../../apps/backup/contract";
import { dockerSchedulerArgs, passedByName } from "../../../components/backup/docker-scheduler";
import { dockerContainerSettings } from "../../../components/workload/docker-settings";
import { dockerRunArgs } from "../../../components/workload/docker-run";
import { resolveServiceSpec } from "../../../components/workload/resolve";
import {
  DockerObjects,
  EngineSetup,
  docker,
  dockerStatus,
  healthStatus,
  imageHealthcheck,
  inspectHostConfig,
  uniqueName,
} from "../docker/support/docker";
import { needs } from "../support/needs";
import {
  type BackupImages,
  asRoot,
  backupSetup,
  buildBackupImages,
  runOneShot,
  volumeName,
} from "./support/backup-image";
import { FILL } from "./support/contract";

const objects = new DockerObjects();
needs("engine", "busybox", "restic", "ssh");

const engine = new EngineSetup<BackupImages>(() => buildBackupImages(objects));

beforeAll(engine.run, 600_000);
afterAll(() => objects.removeAll(), 120_000);

/**
 * Longest wait for the three jobs: the loop skips the minute it starts in, so the next minute
 * boundary (at most 60 s away), then backup, check and drill in turn.
 */
const JOBS_DONE_WITHIN_MS = 150_000;

describe("Docker scheduler on a real engine", () => {
  it(
    "runs backup, check and drill in turn at the next minute, as 65532, hardened, and turns healthy",
    { timeout: 240_000 },
    async () => {
      const { base, backupId } = engine.get();
      const every = "* * * * *";
      const setup = await backupSetup(objects, backupId, {
        schedule: every,
        check: { schedule: every, readDataPercent: 100 },
        drill: { schedule: every },
      });
      expect(setup.spec.repository.kind).toBe("volume");
      await asRoot(base, { [volumeName(setup.source)]: "/data" }, FILL);
      const network = objects.network(uniqueName("net"));
      await docker(["network", "create", network]);
      const service = resolveServiceSpec(
        `${setup.spec.name}-scheduler`,
        dockerSchedulerArgs(setup.spec, setup.volumes, {}),
      );
      // The secret variables by name, their values from the docker CLI's environment (the provider sends them as Env).
      const settings = passedByName(dockerContainerSettings(service, network), Object.keys(setup.secrets));
      const container = objects.container(uniqueName("scheduler"));
      await docker(
        [
          "run",
          "--detach",
          ...dockerRunArgs(settings, { name: container, imageHealthcheck: await imageHealthcheck(backupId) }),
        ],
        60_000,
        setup.secrets,
      );

      const host = await inspectHostConfig(container);
      expect(host).toMatchObject({ ReadonlyRootfs: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"] });
      expect((await docker(["exec", container, "id", "-u"])).trim()).toBe(String(RUN_AS_UID));

      const started = Date.now();
      let status = await dockerStatus(["exec", container, ...SCHEDULER_STATUS_COMMAND]);
      while (Date.now() - started < JOBS_DONE_WITHIN_MS && !/drill (ok|failed)/.test(status.stdout)) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        status = await dockerStatus(["exec", container, ...SCHEDULER_STATUS_COMMAND]);
      }
      const logs = await dockerStatus(["logs", container]);
      const log = `${logs.stdout}${logs.stderr}`;
      expect(status.stdout, `scheduler status after ${Date.now() - started} ms; logs:\n${log}`).toMatch(
        /^backup ok \S+\ncheck ok \S+\ndrill ok \S+\n$/,
      );
      expect(status.code).toBe(0);
      // One after the other, in schedule order: a job due while another runs waits for it.
      const order = [
        "starting backup",
        "backup ended: ok",
        "starting check",
        "check ended: ok",
        "starting drill",
        "drill ended: ok",
      ];
      const positions = order.map((line) => log.indexOf(`scheduler: ${line}`));
      expect(
        positions.every((p) => p >= 0),
        log,
      ).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(log).toMatch(/backup: snapshot [0-9a-f]{8} of \/source/);
      expect(log).toContain("check: OK");
      expect(log).toContain(DRILL_OK);
      // No password was given: the first backup generated the repository's key file beside it,
      // private to 65532, and never printed it. The repository is restic's, encrypted.
      expect(log).toContain("generated the repository's key file /repository/password");
      const stored = await asRoot(
        base,
        { [volumeName(setup.volumes.repository)]: "/r" },
        "stat -c '%a %u:%g %s' /r/password && cat /r/password && echo && ls /r/restic && ! grep -r -q -a first /r/restic && echo encrypted",
      );
      const [keyFile, key, ...listing] = stored.split("\n");
      expect(keyFile).toBe("600 65532:65532 64");
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(log).not.toContain(key);
      expect(listing).toEqual(expect.arrayContaining(["config", "data", "index", "keys", "snapshots", "encrypted"]));

      // The image's HEALTHCHECK (the settings' exec-form test) passes: heartbeat fresh, no job failed.
      const deadline = Date.now() + 45_000;
      let health = await healthStatus(container);
      while (health !== "healthy" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        health = await healthStatus(container);
      }
      expect(health).toBe("healthy");
    },
  );
});

describe("a backup that cannot read the whole source", () => {
  it(
    "fails naming the file, keeps its snapshot tagged incomplete, and restore takes the newest complete one",
    { timeout: 180_000 },
    async () => {
      const { base, backupId } = engine.get();
      const setup = await backupSetup(objects, backupId);
      const source = volumeName(setup.source);
      await asRoot(base, { [source]: "/data" }, FILL);
      expect((await runOneShot(objects, setup, "backup")).code).toBe(0);
      await asRoot(
        base,
        { [source]: "/data" },
        "echo secret > /data/root-only && chmod 0600 /data/root-only && chown 0:0 /data/root-only",
      );
      const partial = await runOneShot(objects, setup, "backup");
      expect(partial.code).not.toBe(0);
      expect(partial.stderr).toMatch(
        /backup: some files of \/source could not be read \(\/source\/root-only\): snapshot [0-9a-f]{8} is kept, tagged incomplete; nothing was forgotten/,
      );
      await asRoot(base, { [source]: "/data" }, "rm -rf /data/* /data/.[!.]*");
      const restore = await runOneShot(objects, setup, "restore");
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(/restored and verified snapshot [0-9a-f]{8}: 5 files/);
    },
  );
});
