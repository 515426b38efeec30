/**
 * Real engine: a PostgreSQL database backed up by a logical dump, as the Backup component declares
 * it on Docker — the scheduler (backup image) and the database helper (the database's own image,
 * here a stand-in built from Debian's PostgreSQL 15) run with the translators' hardened settings,
 * non-root. Rows written while the backup runs; the database's volume destroyed; a new, empty
 * database restored from the dump: the same rows come back, and the dump is consistent across
 * tables (one MVCC snapshot). The password never shows in arguments, variables or logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerOneShotSettings, oneShotRunArgs, passedByName } from "../../../components/backup/docker-scheduler";
import {
  DockerObjects,
  EngineSetup,
  docker,
  dockerStatus,
  inspectHostConfig,
  uniqueName,
} from "../docker/support/docker";
import { needs } from "../support/needs";
import { type BackupImages, asRoot, buildBackupImages, volumeName } from "./support/backup-image";
import {
  APP,
  type DatabaseBackup,
  type DatabaseImage,
  type DatabaseServer,
  databaseBackup,
  databaseImage,
  POSTGRES_UID,
  runJob,
  sql,
  startDatabase,
} from "./support/postgres";
import { testNetwork } from "./support/repositories";

const objects = new DockerObjects();
needs("engine", "busybox", "restic", "ssh", "postgres");

interface Setup {
  readonly images: BackupImages;
  readonly database: DatabaseImage;
  readonly network: string;
}

const engine = new EngineSetup<Setup>(async () => {
  const [images, database] = await Promise.all([buildBackupImages(objects), databaseImage()]);
  return { images, database, network: await testNetwork(objects) };
});
beforeAll(engine.run, 600_000);
afterAll(() => objects.removeAll(), 120_000);

const SCHEMA = `
create table customers (id bigint primary key, name text not null, note bytea);
create table orders (id bigserial primary key, customer bigint not null references customers, amount numeric(12, 2) not null);
-- written in pairs, one transaction each: a consistent dump has as many of each
create table ledger_a (id bigserial primary key, n int not null);
create table ledger_b (id bigserial primary key, n int not null);
insert into customers select i, 'customer ' || i || ' ünïcødé', decode(md5(i::text), 'hex') from generate_series(1, 500) i;
insert into orders (customer, amount) select 1 + i % 500, i * 1.25 from generate_series(1, 2000) i;
`;

/** A digest of every row of the tables the tests compare: equal digests, equal rows. */
const DIGEST = `select md5(string_agg(t, ',' order by t)) from (
  select 'c' || id || name || encode(note, 'hex') as t from customers
  union all select 'o' || id || customer || amount from orders) rows`;

/** Pairs written in a loop, each pair one transaction, for about `seconds`: what a dump must not split. */
function writePairs(container: string, seconds: number): Promise<string> {
  return sql(
    container,
    `do $$ declare until timestamptz := clock_timestamp() + interval '${seconds} seconds'; i int := 0; begin
       while clock_timestamp() < until loop
         insert into ledger_a (n) values (i); insert into ledger_b (n) values (i); commit; i := i + 1;
         perform pg_sleep(0.001); -- leaves the CPU to the backup
       end loop; end $$;
     select count(*) from ledger_a;`,
  );
}

describe("a PostgreSQL database backed up by pg_dump on a real engine", () => {
  let server: DatabaseServer;
  let backup: DatabaseBackup;

  it(
    "backs up the live database while it is written, and restores the same rows after its volume is destroyed",
    { timeout: 240_000 },
    async () => {
      const { images, database, network } = engine.get();
      const dataVolume = objects.volume(uniqueName("shop-data"));
      await docker(["volume", "create", dataVolume]);
      server = await startDatabase(objects, database, network, dataVolume);
      await sql(server.container, SCHEMA);
      const before = await sql(server.container, DIGEST);
      backup = await databaseBackup(objects, { backupId: images.backupId, database }, server, network);

      // Both containers hardened as declared; the helper runs as the image's postgres user, in the backup's group.
      for (const container of [backup.scheduler, backup.helper])
        expect(await inspectHostConfig(container)).toMatchObject({
          ReadonlyRootfs: true,
          CapDrop: ["ALL"],
          SecurityOpt: ["no-new-privileges:true"],
          Privileged: false,
        });
      expect((await docker(["exec", backup.helper, "id", "-u"])).trim()).toBe(String(POSTGRES_UID));
      expect((await docker(["exec", backup.helper, "id", "-g"])).trim()).toBe("65532");

      // The backup job, run in the scheduler's container with its environment, as the scheduler runs it.
      const first = await runJob(backup, "backup");
      expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
      expect(first.stdout).toMatch(
        /postgres: dumped database "shop" on [0-9.]+:5432 as shop with pg_dump \(PostgreSQL\) 15\.\d+ .*: \d+ bytes, 4 table data entries/,
      );
      expect(first.stdout).toMatch(
        /backup: snapshot [0-9a-f]{8} of database shop \(\d+ bytes, pg_dump --format=custom\) in \/repository\/restic: 1 files/,
      );
      // Again while pairs are written, each pair in one transaction: the dump is one snapshot of the database.
      const writing = writePairs(server.container, 6);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const run = await runJob(backup, "backup");
      const written = Number((await writing).trim());
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/backup: snapshot [0-9a-f]{8} of database shop/);
      // Both of today: keep-daily keeps the newest.
      expect(run.stdout).toContain(
        "retention: --keep-daily 7 --keep-weekly 4 --keep-monthly 6: 1 snapshots of shop-data kept",
      );
      // The dump left no copy in the scratch volume.
      expect(
        await asRoot(images.base, { [volumeName(backup.volumes.scratch)]: "/s" }, "find /s/database -name '*.dump*'"),
      ).toBe("");

      // The password: in no argument or variable of either container, and in no log line.
      const logs = async (c: string) => {
        const l = await dockerStatus(["logs", c]);
        return l.stdout + l.stderr;
      };
      for (const container of [backup.scheduler, backup.helper]) {
        const config = await docker([
          "inspect",
          "--format",
          "{{json .Config.Env}} {{json .Args}} {{json .Config.Cmd}}",
          container,
        ]);
        expect(config).not.toContain(APP.password);
        expect(await logs(container)).not.toContain(APP.password);
      }
      for (const output of [first, run]) expect(output.stdout + output.stderr).not.toContain(APP.password);
      expect(await logs(backup.helper)).toContain("postgres: dump (request");

      // The host loses the database: its container and its volume go.
      await docker(["rm", "--force", server.container]);
      await docker(["volume", "rm", dataVolume]);
      expect((await dockerStatus(["volume", "inspect", dataVolume])).code).not.toBe(0);

      // A new server on a new, empty volume, the role and an empty database: what the restore procedure asks.
      const fresh = objects.volume(uniqueName("shop-data"));
      await docker(["volume", "create", fresh]);
      server = await startDatabase(objects, database, network, fresh);
      expect(await sql(server.container, "select count(*) from pg_tables where schemaname = 'public'")).toBe("0\n");
      // The server's address may have changed: the helper is declared anew with it, as `pulumi up` would.
      backup = await databaseBackup(objects, { backupId: images.backupId, database }, server, network, {
        reuse: backup,
      });

      // The restore command's container: restic fetches the dump, the helper loads it.
      const restoreArgs = () =>
        oneShotRunArgs(
          passedByName(dockerOneShotSettings(backup.spec, backup.volumes, "restore", {}), Object.keys(backup.secrets)),
          objects.container(uniqueName("restore")),
          { network: "none" },
        );
      const started = Date.now();
      const restore = await dockerStatus(["run", ...restoreArgs(), "latest"], backup.secrets);
      const restoreMs = Date.now() - started;
      expect(restore.code, `${restore.stdout}\n${restore.stderr}`).toBe(0);
      expect(restore.stdout).toMatch(
        /restore: fetched and verified the dump of database shop from snapshot [0-9a-f]{8}: 1 files/,
      );
      expect(restore.stdout).toMatch(
        /postgres: restored snapshot [0-9a-f]{8} into database "shop" on [0-9.]+:5432 as shop: 4 tables, \d+ rows/,
      );
      expect(restore.stdout + restore.stderr).not.toContain(APP.password);
      console.log(
        `backup postgres: restore of the dump into an empty database: ${restoreMs} ms (container start included)`,
      );

      // The same rows; the ledger pairs all or none of each transaction.
      expect(await sql(server.container, DIGEST)).toBe(before);
      const [a, b] = (
        await sql(server.container, "select (select count(*) from ledger_a), (select count(*) from ledger_b)")
      )
        .trim()
        .split("|")
        .map(Number);
      expect(a).toBe(b);
      expect(a).toBeLessThanOrEqual(written);
      console.log(
        `backup postgres: the dump holds ${a} of the ${written} ledger pairs written during the backup (${a > 0 && a < written ? "taken while writing" : "taken before or after the writes"})`,
      );
      // Owned by the role that restored it, the application's.
      expect(await sql(server.container, "select tableowner from pg_tables where tablename = 'orders'")).toBe("shop\n");

      // A second restore refuses the database now that it holds tables, and writes nothing.
      const again = await dockerStatus(["run", ...restoreArgs(), "latest"], backup.secrets);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(
        `database "shop" on ${server.address}:5432 as shop is not empty (7 tables, views or sequences): restore only into an empty database (nothing was written)`,
      );
    },
  );

  it("a dump that fails stores nothing and says why", { timeout: 180_000 }, async () => {
    const { images, database, network } = engine.get();
    const wrong = await databaseBackup(objects, { backupId: images.backupId, database }, server, network, {
      database: { database: "nosuchdb" },
    });
    const failed = await runJob(wrong, "backup");
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(
      /postgres: cannot connect to database "nosuchdb" on [0-9.]+:5432 as shop: .*database "nosuchdb" does not exist/,
    );
    expect(failed.stderr).toContain(
      "backup: the dump of database nosuchdb failed (above); nothing was backed up or forgotten",
    );
    const none = await runJob(wrong, "drill");
    expect(none.stderr).toMatch(/drill: FAILED for shop-data in .*: (no repository there|no snapshot of shop-data)/);
  });
});
