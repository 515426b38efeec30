/**
 * Real engine: the Docker scheduler, started with exactly the flags the translator renders for
 * the Backup's ContainerService (hardened, non-root, read-only root filesystem), runs a backup
 * when its schedule says so and reports healthy through the image's HEALTHCHECK.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_NAME, RUN_AS_GID, RUN_AS_UID } from "../../../apps/backup/contract";
import { dockerSchedulerArgs } from "../../../components/backup/docker-scheduler";
import { dockerContainerSettings } from "../../../components/container-service/docker-settings";
import { dockerRunArgs } from "../../../components/container-service/docker-run";
import { resolveServiceSpec } from "../../../components/container-service/resolve";
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
import { type BackupImages, asRoot, backupSetup, buildBackupImages } from "./support/backup-image";

const objects = new DockerObjects();
needs("engine", "busybox");

const engine = new EngineSetup<BackupImages>(() => buildBackupImages(objects));

beforeAll(engine.run, 600_000);
afterAll(() => objects.removeAll(), 120_000);

/**
 * Longest wait for the first scheduled archive: the loop skips the minute it starts in, so the
 * next minute boundary (at most 60 s away) plus the backup itself.
 */
const FIRST_ARCHIVE_WITHIN_MS = 75_000;

describe("Docker scheduler on a real engine", () => {
  it(
    "runs a backup at the next minute of a '* * * * *' schedule, as 65532, hardened, and turns healthy",
    { timeout: 150_000 },
    async () => {
      const { busybox, backupId } = engine.get();
      const setup = await backupSetup(objects, backupId, "* * * * *");
      await asRoot(
        busybox,
        { [setup.source.volumeName as string]: "/data" },
        "echo record > /data/records.log && chown -R 65532:65532 /data",
      );
      const network = objects.network(uniqueName("net"));
      await docker(["network", "create", network]);
      const service = resolveServiceSpec(
        `${setup.spec.name}-scheduler`,
        dockerSchedulerArgs(setup.spec, setup.archive),
      );
      const settings = dockerContainerSettings(service, network);
      const container = objects.container(uniqueName("scheduler"));
      await docker([
        "run",
        "--detach",
        ...dockerRunArgs(settings, { name: container, imageHealthcheck: await imageHealthcheck(backupId) }),
      ]);

      const host = await inspectHostConfig(container);
      expect(host).toMatchObject({ ReadonlyRootfs: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"] });
      expect((await docker(["exec", container, "id", "-u"])).trim()).toBe(String(RUN_AS_UID));

      const started = Date.now();
      const startedInMinute = (await docker(["exec", container, "date", "-u", "+%Y%m%dT%H%M"])).trim();
      let names: string[] = [];
      while (Date.now() - started < FIRST_ARCHIVE_WITHIN_MS) {
        names = (await docker(["exec", container, "ls", "-A", "/archive"]))
          .split("\n")
          .filter((n) => ARCHIVE_NAME.test(n));
        if (names.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const logs = await dockerStatus(["logs", container]);
      expect(
        names,
        `no archive after ${FIRST_ARCHIVE_WITHIN_MS} ms; scheduler logs:\n${logs.stdout}${logs.stderr}`,
      ).toHaveLength(1);
      expect(logs.stdout).toContain(`wrote ${names[0]}`);
      expect(
        names[0] > `web-data-${startedInMinute}59Z.tar.gz`,
        "the archive is from a later minute than the start",
      ).toBe(true);
      const check = await asRoot(
        busybox,
        { [setup.archive.volumeName as string]: "/a" },
        `cd /a && stat -c '%u:%g' ${names[0]} && sha256sum -c ${names[0]}.sha256`,
      );
      expect(check.split("\n")).toEqual([`${RUN_AS_UID}:${RUN_AS_GID}`, `${names[0]}: OK`, ""]);

      // The image's HEALTHCHECK (the settings' exec-form test) passes once the loop has a heartbeat.
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
