/**
 * Real engine: the restore drill of a PostgreSQL database backed up by dump, run in the Docker
 * scheduler's container as the scheduler runs it, with the database helper (the database's own
 * image, a stand-in built from Debian's PostgreSQL 15) restoring the dump into a throwaway server.
 * It passes on a good repository, reporting what it restored, and leaves no scratch behind; it
 * fails, naming the problem, on a snapshot too old, a truncated dump, a dump that is no archive,
 * and a repository whose data was corrupted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRILL_FAILED, DRILL_OK } from "../../../apps/backup/contract";
import { DockerObjects, EngineSetup, docker, dockerStatus, uniqueName } from "../docker/support/docker";
import { needs } from "../support/needs";
import { type BackupImages, asRoot, buildBackupImages, volumeName } from "./support/backup-image";
import { type DatabaseBackup, databaseBackup, databaseImage, runJob, sql, startDatabase } from "./support/postgres";
import { testNetwork } from "./support/repositories";

const objects = new DockerObjects();
needs("engine", "busybox", "restic", "ssh", "postgres");

interface Setup {
  readonly images: BackupImages;
  readonly backup: DatabaseBackup;
}

/** A server with two tables of rows, and a Backup of its database (volume repository) with its containers running. */
const engine = new EngineSetup<Setup>(async () => {
  const [images, database] = await Promise.all([buildBackupImages(objects), databaseImage()]);
  const network = await testNetwork(objects);
  const data = objects.volume(uniqueName("shop-data"));
  await docker(["volume", "create", data]);
  const server = await startDatabase(objects, database, network, data);
  await sql(
    server.container,
    `create table items (id int primary key, name text);
     create table stock (item int references items, qty int);
     insert into items select i, 'item ' || i from generate_series(1, 300) i;
     insert into stock select i, i * 2 from generate_series(1, 300) i;`,
  );
  const backup = await databaseBackup(objects, { backupId: images.backupId, database }, server, network);
  return { images, backup };
});
beforeAll(engine.run, 600_000);
afterAll(() => objects.removeAll(), 120_000);

/**
 * A shell script in the scheduler's container with the image's restic setup (lib.sh): for making
 * snapshots the drill must refuse (backdated, truncated, not a dump) in the Backup's repository.
 */
async function inScheduler(backup: DatabaseBackup, script: string): Promise<string> {
  const result = await dockerStatus([
    "exec",
    backup.scheduler,
    "/bin/sh",
    "-euc",
    `JOB=test; . /usr/local/lib/dockyard/backup.sh; repository_setup; ${script}`,
  ]);
  if (result.code !== 0) throw new Error(`in the scheduler: ${script}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The snapshot of a good dump, which the other tests make their bad ones from. */
let good = "";

/**
 * Stores as a snapshot of the Backup (tag dockyard) a `shop.dump` that `make` writes into the
 * current directory, from the good dump in ./good; at `time` when given, and as the only snapshot
 * when `alone` (the others forgotten).
 */
function storeDump(backup: DatabaseBackup, make: string, options: { time?: string; alone?: boolean } = {}) {
  const forget = options.alone
    ? `ids=$(run_restic snapshots --json --host shop-data | grep -o '"id":"[0-9a-f]*"' | cut -d '"' -f 4); run_restic forget $ids >/dev/null && `
    : "";
  const time = options.time === undefined ? "" : `--time '${options.time}'`;
  return inScheduler(
    backup,
    `rm -rf /scratch/t && mkdir -p /scratch/t/good && cd /scratch/t && ` +
      `run_restic restore ${good} --target good >/dev/null && ${make} && ${forget}` +
      `run_restic backup --host shop-data --tag dockyard ${time} shop.dump >/dev/null && cd / && rm -rf /scratch/t`,
  );
}

describe("the drill of a PostgreSQL database backed up by dump, on a real engine", () => {
  it(
    "restores the newest dump into a throwaway server, counts its tables and rows, reports, and cleans up",
    { timeout: 180_000 },
    async () => {
      const { images, backup } = engine.get();
      const stored = await runJob(backup, "backup");
      expect(stored.code, `${stored.stdout}\n${stored.stderr}`).toBe(0);
      const started = Date.now();
      const drill = await runJob(backup, "drill");
      const drillMs = Date.now() - started;
      expect(drill.code, `${drill.stdout}\n${drill.stderr}`).toBe(0);
      const line = drill.stdout.split("\n").find((l) => l.startsWith(DRILL_OK));
      expect(line).toMatch(
        /^drill: OK for shop-data: snapshot [0-9a-f]{8} \(taken \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, 0 h ago\): the dump of database shop \(\d+ bytes, 2 table data entries\) restored into a scratch PostgreSQL 15\.\d+ .* server in \d+ s: 2 tables, 600 rows$/,
      );
      console.log(`backup postgres: drill (restic check, restore, initdb, pg_restore, counts): ${drillMs} ms`);
      good = (await inScheduler(backup, "latest_snapshot")).trim();
      expect(good).toMatch(/^[0-9a-f]{64}$/);
      // Nothing of the dump or the throwaway server is left in the scratch volume.
      expect(
        await asRoot(
          images.base,
          { [volumeName(backup.volumes.scratch)]: "/s" },
          "find /s/database \\( -name drill -o -name restore -o -name server -o -name '*.dump' \\) -print",
        ),
      ).toBe("");
    },
  );

  it.each([
    [
      "a truncated dump (half of it)",
      "head -c $(($(wc -c < good/shop.dump) / 2)) good/shop.dump > shop.dump",
      /the dump of database shop \(\d+ bytes, 2 table data entries\) into a scratch server failed: pg_restore: error: .*(could not read|end of file|unexpected end)/,
    ],
    [
      "a dump cut inside its table of contents",
      "head -c 64 good/shop.dump > shop.dump",
      /the dump of database shop \(64 bytes\) is not a readable pg_dump archive: pg_restore: error: /,
    ],
    [
      "a file that is no dump",
      "echo 'not a dump' > shop.dump",
      /is not a readable pg_dump archive: pg_restore: error: /,
    ],
  ])("fails on %s, naming it", { timeout: 120_000 }, async (_what, make, problem) => {
    const { backup } = engine.get();
    await storeDump(backup, make);
    const drill = await runJob(backup, "drill");
    expect(drill.code).not.toBe(0);
    expect(drill.stderr).toContain(`${DRILL_FAILED} for shop-data: snapshot `);
    expect(drill.stderr).toMatch(problem);
    expect(drill.stdout).not.toContain(DRILL_OK);
    console.log(`backup postgres: ${_what}: ${drill.stderr.trim().split("\n").at(-1)}`);
  });

  it("fails when the newest dump is older than allowed (backups stopped)", { timeout: 120_000 }, async () => {
    const { backup } = engine.get();
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
    await storeDump(backup, "cp good/shop.dump shop.dump", { time: threeHoursAgo, alone: true });
    const stale = await runJob(backup, "drill", { DRILL_MAX_AGE_HOURS: "2" });
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(
      /drill: FAILED for shop-data in .*: the newest snapshot [0-9a-f]{8} is 3 hours old .*more than DRILL_MAX_AGE_HOURS=2: are backups running\?/,
    );
  });

  it("fails when the repository's data is corrupted", { timeout: 120_000 }, async () => {
    const { images, backup } = engine.get();
    expect((await runJob(backup, "backup")).code).toBe(0);
    // One byte flipped in the middle of every pack file: the largest alone need not hold data the
    // drill reads (the repository has several snapshots by now), and then the drill passed.
    await asRoot(
      images.base,
      { [volumeName(backup.volumes.repository)]: "/r" },
      `for f in $(find /r/restic/data -type f); do size=$(stat -c %s "$f"); ` +
        `byte=$(dd if="$f" bs=1 skip=$((size / 2)) count=1 2>/dev/null | od -An -tu1 | tr -d ' '); ` +
        `printf "\\\\$(printf %o $(( (byte + 1) % 256 )))" | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null; done`,
    );
    const drill = await runJob(backup, "drill");
    expect(drill.code).not.toBe(0);
    // restic check (the structure) or the restore's verification (the data) finds it.
    expect(drill.stderr).toMatch(
      /drill: FAILED for shop-data in .*: (restic check found errors in the repository|restoring snapshot [0-9a-f]{8} failed or did not verify)/,
    );
  });
});
