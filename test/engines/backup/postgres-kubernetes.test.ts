/**
 * Real engine: the Kubernetes jobs of a PostgreSQL database backed up by dump, their pods exactly as
 * the translators render them (backupCronJob, restoreJob), run container by container on Docker in
 * the kubelet's order with the pod's security context, fsGroup and volumes emulated
 * (support/pod-runner.ts): the backup's `dump` init container before restic, the drill's and the
 * restore's restic init container before the database container. No helper container: the steps
 * hand over through the pod's scratch volume. The password is a Secret volume's file.
 */
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRILL_OK } from "../../../apps/backup/contract";
import { backupCronJob, restoreJob } from "../../../components/backup/cron-job";
import { DATABASE_PASSWORD_KEY } from "../../../components/backup/database-pod";
import { resolveBackupSpec } from "../../../components/backup/resolve";
import type { ResolvedBackup } from "../../../components/backup/resolve";
import type { VolumeRef } from "../../../components/types";
import { ensureBusyboxStandIn } from "../docker/support/standins";
import { DockerObjects, EngineSetup, docker, uniqueName } from "../docker/support/docker";
import { needs } from "../support/needs";
import { type BackupImages, buildBackupImages } from "./support/backup-image";
import { type PodWorld, runPod } from "./support/pod-runner";
import { APP, type DatabaseImage, databaseImage, sql, startDatabase } from "./support/postgres";
import { testNetwork } from "./support/repositories";

const objects = new DockerObjects();
needs("engine", "busybox", "restic", "ssh", "postgres");

/** Digest-pinned references, as Kubernetes requires; the world maps them to the local images. */
const BACKUP_REF = `registry.test/dockyard/backup@sha256:${"b".repeat(64)}`;
const DATABASE_REF = `registry.test/postgres@sha256:${"d".repeat(64)}`;
const SECRET = "shop-backup-repository-abc1234";

interface Setup {
  readonly images: BackupImages;
  readonly database: DatabaseImage;
  readonly network: string;
  readonly world: PodWorld;
}

const engine = new EngineSetup<Setup>(async () => {
  const [images, database, busybox] = await Promise.all([
    buildBackupImages(objects),
    databaseImage(),
    ensureBusyboxStandIn(),
  ]);
  const network = await testNetwork(objects);
  const repository = objects.volume(uniqueName("shop-backup-repository"));
  await docker(["volume", "create", repository]);
  const world: PodWorld = {
    images: { [BACKUP_REF]: images.backupId, [DATABASE_REF]: database.id },
    claims: { "shop-backup-repository": repository },
    secrets: { [SECRET]: { [DATABASE_PASSWORD_KEY]: APP.password } },
    network,
    busybox,
  };
  return { images, database, network, world };
});
beforeAll(engine.run, 600_000);
afterAll(() => objects.removeAll(), 120_000);

/** The Backup of a server's database on Kubernetes: the volume repository (a claim), the password in the Backup's Secret. */
function kubernetesBackup(host: string): { spec: ResolvedBackup; volumes: { repository: VolumeRef } } {
  const spec = resolveBackupSpec("shop-backup", {
    target: "kubernetes",
    volume: { logicalName: "shop-data", volumeName: "shop-data", accessMode: "ReadWriteOnce" },
    image: BACKUP_REF,
    database: { host, user: APP.user, database: APP.database, password: APP.password, image: DATABASE_REF },
  });
  const repository: VolumeRef = {
    logicalName: "shop-backup-repository",
    volumeName: "shop-backup-repository",
    accessMode: "ReadWriteOnce",
  };
  return { spec, volumes: { repository } };
}

const podOf = (job: { spec?: unknown }): IPodSpec =>
  (job.spec as { jobTemplate?: { spec: { template: { spec: IPodSpec } } }; template?: { spec: IPodSpec } }).jobTemplate
    ?.spec.template.spec ?? (job.spec as { template: { spec: IPodSpec } }).template.spec;

const output = (runs: { name: string; stdout: string; stderr: string }[]) =>
  runs.map((r) => `[${r.name}]\n${r.stdout}${r.stderr}`).join("\n");

describe("the Kubernetes jobs of a PostgreSQL database backed up by dump, their pods run on a real engine", () => {
  it(
    "backup (dump, then restic), drill (restic, then a throwaway server) and restore (restic, then load) hand over through the scratch volume",
    { timeout: 240_000 },
    async () => {
      const { database, network, world } = engine.get();
      const data = objects.volume(uniqueName("shop-data"));
      await docker(["volume", "create", data]);
      let server = await startDatabase(objects, database, network, data);
      await sql(
        server.container,
        `create table notes (id serial primary key, body text not null);
         insert into notes (body) select 'note ' || i from generate_series(1, 250) i;`,
      );
      const rows = await sql(server.container, "select md5(string_agg(id || body, ',' order by id)) from notes");
      let backup = kubernetesBackup(server.address);

      const backupRuns = await runPod(
        objects,
        podOf(backupCronJob(backup.spec, backup.volumes, "backup", {}, SECRET)),
        world,
      );
      expect(
        backupRuns.map((r) => [r.name, r.code]),
        output(backupRuns),
      ).toEqual([
        ["database", 0],
        ["shop-backup", 0],
      ]);
      expect(backupRuns[0].stdout).toMatch(/postgres: dumped database "shop" .*: \d+ bytes, 1 table data entries/);
      expect(backupRuns[1].stdout).toMatch(/backup: snapshot [0-9a-f]{8} of database shop \(\d+ bytes/);
      expect(output(backupRuns)).not.toContain(APP.password);

      const drillRuns = await runPod(
        objects,
        podOf(backupCronJob(backup.spec, backup.volumes, "drill", {}, SECRET)),
        world,
      );
      expect(
        drillRuns.map((r) => [r.name, r.code]),
        output(drillRuns),
      ).toEqual([
        ["shop-backup-drill", 0],
        ["database", 0],
      ]);
      expect(drillRuns[0].stdout).toMatch(
        /drill: snapshot [0-9a-f]{8} of shop-data \(taken .* UTC, 0 h ago\) restored and verified by restic in \d+s: the database container restores its dump into a scratch server next/,
      );
      expect(drillRuns[1].stdout).toMatch(
        new RegExp(
          `^${DRILL_OK} for shop-data: snapshot [0-9a-f]{8} \\(taken .* UTC, 0 h ago\\): the dump of database shop \\(\\d+ bytes, 1 table data entries\\) restored into a scratch PostgreSQL 15\\.\\d+ .* server in \\d+ s: 1 tables, 250 rows\\n$`,
        ),
      );

      // The database is lost; a new server with an empty database; the restore Job.
      await docker(["rm", "--force", server.container]);
      const fresh = objects.volume(uniqueName("shop-data"));
      await docker(["volume", "create", fresh]);
      server = await startDatabase(objects, database, network, fresh);
      backup = kubernetesBackup(server.address);
      const restoreRuns = await runPod(
        objects,
        podOf(restoreJob(backup.spec, backup.volumes, "latest", {}, SECRET)),
        world,
      );
      expect(
        restoreRuns.map((r) => [r.name, r.code]),
        output(restoreRuns),
      ).toEqual([
        ["shop-backup", 0],
        ["database", 0],
      ]);
      expect(restoreRuns[1].stdout).toMatch(
        /postgres: restored snapshot [0-9a-f]{8} into database "shop" .*: 1 tables, 250 rows/,
      );
      expect(await sql(server.container, "select md5(string_agg(id || body, ',' order by id)) from notes")).toBe(rows);
      expect(output(restoreRuns)).not.toContain(APP.password);
    },
  );
});
