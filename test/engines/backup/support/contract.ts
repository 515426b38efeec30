/**
 * What every off-site repository kind must do on a real engine, run by one test file per kind
 * (restic-rest.test.ts, restic-sftp.test.ts) against its server: back up a volume with the backup
 * image run exactly as the translators render it (hardened, non-root), lose the source volume and
 * the Backup's containers, restore byte for byte; refuse a wrong password clearly; detect a
 * corrupted pack; keep exactly the retention policy's snapshots; add almost nothing for unchanged
 * data; and drill a restore. Figures (bytes added, restore time) are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRILL_FAILED, DRILL_OK } from "../../../../apps/backup/contract";
import { dockerContainerSettings } from "../../../../components/workload/docker-settings";
import { dockerRunArgs } from "../../../../components/workload/docker-run";
import { resolveServiceSpec } from "../../../../components/workload/resolve";
import { dockerSchedulerArgs, passedByName } from "../../../../components/backup/docker-scheduler";
import {
  DockerObjects,
  EngineSetup,
  docker,
  dockerStatus,
  imageHealthcheck,
  uniqueName,
} from "../../docker/support/docker";
import { needs } from "../../support/needs";
import {
  type BackupImages,
  type BackupSetup,
  asRoot,
  backupSetup,
  buildBackupImages,
  runOneShot,
  type SetupOptions,
  volumeName,
} from "./backup-image";
import { corrupt, packFiles, type RepositoryServer, repositoryBytes, testNetwork } from "./repositories";

/** Nested directories, a binary file, an empty file, names with spaces, a symlink, modes; owned by 65532. */
export const FILL = `
mkdir -p /data/records/2026/11 "/data/with space/deeper/deepest" /data/empty-dir
printf 'first\\nsecond\\n' > /data/records.log
head -c 300000 /dev/urandom > /data/records/2026/11/blob.bin
head -c 4096 /dev/urandom > "/data/with space/deeper/deepest/key material.bin"
: > /data/records/empty
printf 'config' > /data/.hidden
ln -s records/2026/11/blob.bin /data/latest-blob
chmod 0600 /data/records.log
chmod 0750 /data/records/2026
chown -R -h 65532:65532 /data
`;

/**
 * Every entry's type, mode, owner and name, and every file's sha256. The volume's root is left
 * out: it is the mount point, whose mode Docker copies from the image when the volume is empty.
 */
export const INVENTORY = `cd /data && find . -mindepth 1 | sort | while read -r f; do stat -c '%F %a %u:%g %n' "$f"; done && find . -type f | sort | while read -r f; do sha256sum "$f"; done`;

/** Snapshots of the test volume in the repository, oldest first, as "time id" lines (restic's own listing). */
async function snapshots(objects: DockerObjects, setup: BackupSetup): Promise<string[]> {
  const run = await runRestic(objects, setup, "snapshots --json --host web-data");
  expect(run.code, run.stderr).toBe(0);
  const list = JSON.parse(run.stdout || "[]") as { time: string; short_id: string }[];
  return list.map((s) => `${s.time.slice(0, 19)} ${s.short_id}`).sort();
}

/** A restic command through the image's own setup (lib.sh), as the scripts run it: for inspection and backdating. */
function runRestic(objects: DockerObjects, setup: BackupSetup, command: string, cwd = "/") {
  const script = `JOB=test; . /usr/local/lib/dockyard/backup.sh; repository_setup; cd ${cwd}; run_restic ${command}`;
  return runOneShot(objects, setup, "backup", { script });
}

/** Runs the shared contract against one kind of repository server. */
export function repositoryContract(
  kind: string,
  start: (objects: DockerObjects, network: string) => Promise<RepositoryServer>,
): void {
  const objects = new DockerObjects();
  needs("engine", "busybox", "restic", "rclone", "sshd", "ssh");
  const engine = new EngineSetup<{ images: BackupImages; server: RepositoryServer }>(async () => {
    const images = await buildBackupImages(objects);
    const network = await testNetwork(objects);
    return { images, server: await start(objects, network) };
  });
  beforeAll(engine.run, 600_000);
  afterAll(() => objects.removeAll(), 120_000);

  let repositories = 0;
  /** A Backup of a fresh source volume into a fresh repository on the server. */
  const setup = async (options: SetupOptions = {}): Promise<BackupSetup & { name: string }> => {
    const { images, server } = engine.get();
    const name = `web-data-${process.pid}-${++repositories}`;
    const made = await backupSetup(objects, images.backupId, {
      ...options,
      repository: { ...server.repository(name), ...options.repository },
      extraSecrets: server.extraSecrets,
      network: server.network,
    });
    await asRoot(images.base, { [volumeName(made.source)]: "/data" }, FILL);
    return { ...made, name };
  };

  describe(`restic backups to a ${kind} repository on a real engine`, () => {
    it(
      "restores byte for byte after the source volume and the Backup's containers are gone",
      { timeout: 300_000 },
      async () => {
        const { images } = engine.get();
        const s = await setup();
        const source = volumeName(s.source);
        const before = await asRoot(images.base, { [source]: "/data" }, INVENTORY);
        expect(before.split("\n").filter((l) => /^[0-9a-f]{64} /.test(l))).toHaveLength(5);
        expect(before).toContain("symbolic link 777 65532:65532 ./latest-blob");

        // The scheduler as the Backup declares it on Docker, and one backup run.
        const scheduler = objects.container(uniqueName("scheduler"));
        const service = resolveServiceSpec(`${s.spec.name}-scheduler`, dockerSchedulerArgs(s.spec, s.volumes, {}));
        const settings = passedByName(dockerContainerSettings(service, s.network), Object.keys(s.secrets));
        const healthcheck = await imageHealthcheck(images.backupId);
        await docker(
          ["run", "--detach", ...dockerRunArgs(settings, { name: scheduler, imageHealthcheck: healthcheck })],
          60_000,
          s.secrets,
        );
        const backup = await runOneShot(objects, s, "backup");
        expect(backup.code, backup.stderr).toBe(0);
        expect(backup.stdout).toMatch(/backup: snapshot [0-9a-f]{8} of \/source/);
        for (const secret of Object.values(s.secrets))
          expect(backup.stdout + backup.stderr).not.toContain(secret.split("\n")[0]);

        // The host is lost: the Backup's containers and the source volume go.
        await docker(["rm", "--force", scheduler]);
        await docker(["volume", "rm", source]);
        expect((await dockerStatus(["volume", "inspect", source])).code).not.toBe(0);
        expect(await docker(["ps", "--all", "--quiet", "--filter", `ancestor=${images.backupId}`])).toBe("");

        // A new, empty volume of the same name; the restore command's container (secrets passed by name).
        await docker(["volume", "create", source]);
        const started = Date.now();
        const restore = await runOneShot(objects, s, "restore", { args: ["latest"] });
        const restoreMs = Date.now() - started;
        expect(restore.code, restore.stderr).toBe(0);
        expect(restore.stdout).toMatch(
          /restore: restored and verified snapshot [0-9a-f]{8}: 5 files, 7 directories, 1 symlinks, 0 other, 304\d\d\d bytes/,
        );
        expect(await asRoot(images.base, { [source]: "/data" }, INVENTORY)).toBe(before);
        console.log(
          `backup ${kind}: restore of the sample volume (5 files, 304 kB) into an empty volume: ${restoreMs} ms (container start included)`,
        );

        const again = await runOneShot(objects, s, "restore");
        expect(again.code).not.toBe(0);
        expect(again.stderr).toContain("is not empty: restore only into an empty volume (nothing was written)");
      },
    );

    it("a second backup of unchanged data adds almost nothing", { timeout: 180_000 }, async () => {
      const { server } = engine.get();
      // Retention keeps both snapshots (the default keeps one per day): the growth is the second one's.
      const s = await setup({ keep: { last: 10 } });
      expect((await runOneShot(objects, s, "backup")).code).toBe(0);
      const first = await repositoryBytes(server, s.name);
      const second = await runOneShot(objects, s, "backup");
      expect(second.code, second.stderr).toBe(0);
      const added = (await repositoryBytes(server, s.name)) - first;
      const reported = Number(/data added (\d+) bytes/.exec(second.stdout)?.[1]);
      console.log(
        `backup ${kind}: incremental backup of unchanged data (304 kB volume): restic reports ${reported} bytes of data added; ` +
          `the repository grew by ${added} bytes on the server (snapshot and index metadata), from ${first}`,
      );
      expect(second.stdout).toContain("(new 0, changed 0, unchanged 5)");
      expect(reported).toBe(0);
      expect(added).toBeLessThan(4096);
    });

    it("a wrong password fails clearly and touches nothing", { timeout: 180_000 }, async () => {
      const s = await setup();
      expect((await runOneShot(objects, s, "backup")).code).toBe(0);
      const before = await snapshots(objects, s);
      for (const mode of ["backup", "check", "drill", "restore"] as const) {
        // restore refuses a non-empty target before anything else: give it an empty one.
        if (mode === "restore")
          await asRoot(engine.get().images.base, { [volumeName(s.source)]: "/data" }, "rm -rf /data/* /data/.[!.]*");
        const run = await runOneShot(objects, s, mode, { env: { RESTIC_PASSWORD: "not the password" } });
        expect(run.code, mode).not.toBe(0);
        expect(run.stderr, mode).toMatch(/the repository password does not open the repository at (rest|sftp):/);
        expect(run.stderr).not.toContain("not the password");
      }
      expect(await snapshots(objects, s)).toEqual(before);
    });

    it("check detects a corrupted pack; the drill fails on it; both exit non-zero", { timeout: 180_000 }, async () => {
      const { server } = engine.get();
      const s = await setup({ check: { readDataPercent: 100 } });
      expect((await runOneShot(objects, s, "backup")).code).toBe(0);
      const healthy = await runOneShot(objects, s, "check");
      expect(healthy.code, healthy.stderr).toBe(0);
      expect(healthy.stdout).toContain("check: OK");
      const [largest] = await packFiles(server, s.name);
      await corrupt(server, largest);
      const check = await runOneShot(objects, s, "check");
      expect(check.code).not.toBe(0);
      expect(check.stdout + check.stderr).toMatch(/pack [0-9a-f]+|Fatal: repository contains errors/);
      expect(check.stderr).toContain("check: FAILED");
      const drill = await runOneShot(objects, s, "drill");
      expect(drill.code).not.toBe(0);
      expect(drill.stderr).toContain(DRILL_FAILED);
    });

    it("retention keeps exactly the policy's snapshots", { timeout: 240_000 }, async () => {
      const s = await setup({ keep: { last: 1, hourly: 0, daily: 3, weekly: 0, monthly: 0, yearly: 0 } });
      // Backdated snapshots: two on 1 November, one each on 2, 3 and 5 November 2026 (UTC).
      expect((await runRestic(objects, s, "init")).code).toBe(0);
      const times = [
        "2026-11-01 08:00:00",
        "2026-11-01 20:00:00",
        "2026-11-02 08:00:00",
        "2026-11-03 08:00:00",
        "2026-11-05 08:00:00",
      ];
      for (const time of times) {
        const run = await runRestic(objects, s, `backup --host web-data --tag dockyard --time '${time}' .`, "/source");
        expect(run.code, run.stderr).toBe(0);
      }
      const backup = await runOneShot(objects, s, "backup");
      expect(backup.code, backup.stderr).toBe(0);
      const kept = (await snapshots(objects, s)).map((line) => line.slice(0, 19).replace("T", " "));
      // keep-last 1: today's; keep-daily 3: the newest of each of the 3 newest days: today, 5 and 3 November.
      expect(kept.slice(0, 2)).toEqual(["2026-11-03 08:00:00", "2026-11-05 08:00:00"]);
      expect(kept).toHaveLength(3);
      expect(backup.stdout).toContain("retention: --keep-last 1 --keep-daily 3: 3 snapshots of web-data kept");
    });

    it(
      "the drill restores the newest snapshot into scratch, verifies it, and reports",
      { timeout: 180_000 },
      async () => {
        const { images } = engine.get();
        const s = await setup();
        const empty = await runOneShot(objects, s, "drill");
        expect(empty.code).not.toBe(0);
        expect(empty.stderr).toMatch(
          new RegExp(`${DRILL_FAILED} for web-data in .*: (no repository there|no snapshot of web-data)`),
        );
        expect((await runOneShot(objects, s, "backup")).code).toBe(0);
        const drill = await runOneShot(objects, s, "drill");
        expect(drill.code, drill.stderr).toBe(0);
        const line = drill.stdout.split("\n").find((l) => l.startsWith(DRILL_OK));
        expect(line).toMatch(
          /restored and verified in \d+s: 5 files, 7 directories, 1 symlinks, 0 other, 304\d\d\d bytes; contents sha256 [0-9a-f]{64}$/,
        );
        // The digest is the source's own, and the scratch space is left empty.
        const digest = await asRoot(
          images.base,
          { [volumeName(s.source)]: "/data" },
          "cd /data && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2 | sha256sum | cut -d ' ' -f 1",
        );
        expect(line).toContain(`contents sha256 ${digest.trim()}`);
        expect(
          await asRoot(images.base, { [volumeName(s.volumes.scratch)]: "/s" }, "ls -A /s/drill 2>/dev/null || true"),
        ).toBe("");
      },
    );

    it(
      "the drill fails when the newest snapshot is older than allowed (backups stopped)",
      { timeout: 120_000 },
      async () => {
        // Hourly backups allow the least maximum age review accepts (an hour's gap plus an hour to finish).
        const s = await setup({ schedule: "0 * * * *", drill: { maxSnapshotAgeHours: 2 } });
        expect((await runRestic(objects, s, "init")).code).toBe(0);
        const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
        const backdated = await runRestic(
          objects,
          s,
          `backup --host web-data --tag dockyard --time '${threeHoursAgo}' .`,
          "/source",
        );
        expect(backdated.code, backdated.stderr).toBe(0);
        const stale = await runOneShot(objects, s, "drill");
        expect(stale.code).not.toBe(0);
        expect(stale.stderr).toMatch(
          /drill: FAILED for web-data in .*: the newest snapshot [0-9a-f]{8} is 3 hours old .*more than DRILL_MAX_AGE_HOURS=2: are backups running\?/,
        );
      },
    );
  });
}
