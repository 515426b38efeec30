// The database steps (apps/backup/postgres.ts: dump, verify, load) against recording stand-ins for
// the PostgreSQL tools: the password reaches libpq only as a private pgpass file, escaped, and never
// an argument; a failed dump leaves nothing to store; each failure says what failed. The same
// script runs against Debian's PostgreSQL 15 in test/engines/backup/postgres-*.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { POSTGRES_SCRIPT } from "../../apps/backup/postgres";
import { runBounded } from "../../infra/cli/bounded-run";
import { postgresSteps } from "./recording-postgres";

const steps = postgresSteps();
afterAll(() => steps.cleanup());

const PASSWORD = "s3cr:et\\pass";
writeFileSync(join(steps.dir, "secrets", "password"), `${PASSWORD}\n`);

/** A work space holding a dump the restic step fetched for the drill or the restore, as it leaves it. */
function fetched(into: "drill" | "restore", info = "4f4f4f4f 2026-12-01 03:00:04 2"): string {
  const dir = mkdtempSync(join(steps.dir, "database-"));
  mkdirSync(join(dir, into));
  writeFileSync(join(dir, into, "shop.dump"), "PGDMP stand-in dump");
  writeFileSync(join(dir, into, "snapshot"), `${info}\n`);
  return dir;
}

describe("the script", () => {
  it("parses with /bin/sh and uses no shell ${…} (it is a String.raw template)", () => {
    expect(runBounded("/bin/sh", ["-n", "-c", POSTGRES_SCRIPT], { timeoutMs: 10_000 }).status).toBe(0);
    expect(POSTGRES_SCRIPT).not.toContain("${");
  });

  it("refuses an unknown step", () => {
    const run = steps.run("nonsense" as never);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("postgres: usage: dockyard-postgres dump|verify|load|agent\n");
  });
});

describe("dump", () => {
  it("runs pg_dump --format=custom with a private, escaped pgpass file; the password in no argument", () => {
    const database = mkdtempSync(join(steps.dir, "database-"));
    const run = steps.run("dump", { DATABASE_DIR: database });
    expect(run.status, run.stderr).toBe(0);
    const dump = run.calls.find((c) => c.tool === "pg_dump" && c.args[0] !== "--version");
    expect(dump?.args).toEqual([
      "--format=custom",
      "--no-password",
      `--file=${join(database, "dump", "shop.dump.partial")}`,
    ]);
    // libpq's format: ":" and "\" escaped.
    expect(dump?.pgpass).toBe("*:*:*:*:s3cr\\:et\\\\pass");
    for (const call of run.calls) expect(call.args.join(" ")).not.toContain("s3cr");
    expect(run.stdout + run.stderr).not.toContain("s3cr");
    expect(readdirSync(join(database, "dump"))).toEqual(["shop.dump"]);
    expect(run.calls.filter((c) => c.tool === "pg_restore").map((c) => c.args)).toEqual([
      ["--list", join(database, "dump", "shop.dump.partial")],
    ]);
    expect(run.stdout).toMatch(
      /^postgres: dumped database "shop" on db:5432 as shop with pg_dump \(PostgreSQL\) 15\.18 \(server 15\.18 \(stand-in\)\) in \d+ s: 19 bytes, 2 table data entries\n$/,
    );
    // The private working directory (and its pgpass file) is gone.
    expect(readdirSync(run.tmp)).toEqual([]);
  });

  it("a failed pg_dump leaves no file to store and says so, with pg_dump's words", () => {
    const database = mkdtempSync(join(steps.dir, "database-"));
    const run = steps.run("dump", { DATABASE_DIR: database }, { dumpFails: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "pg_dump: error: query failed: server closed the connection unexpectedly\n" +
        'postgres: pg_dump of database "shop" on db:5432 as shop failed (above); nothing was stored\n',
    );
    expect(readdirSync(join(database, "dump"))).toEqual([]);
  });

  it("cannot connect: says where, with psql's words, before dumping", () => {
    const run = steps.run("dump", { DATABASE_DIR: mkdtempSync(join(steps.dir, "database-")) }, { connectFails: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'postgres: cannot connect to database "shop" on db:5432 as shop: psql: error: connection to server at "db", port 5432 failed: FATAL:  password authentication failed for user "shop"\n',
    );
    expect(run.calls.map((c) => c.tool)).toEqual(["psql"]);
  });

  it("an unreadable or empty password file", () => {
    const missing = steps.run("dump", { DATABASE_PASSWORD_FILE: join(steps.dir, "nope") });
    expect(missing.stderr).toBe(`postgres: the database password file ${join(steps.dir, "nope")} cannot be read\n`);
    const empty = join(steps.dir, "secrets", "empty");
    writeFileSync(empty, "\n");
    expect(steps.run("dump", { DATABASE_PASSWORD_FILE: empty }).stderr).toBe(
      `postgres: the database password file ${empty} is empty\n`,
    );
    expect(steps.run("dump", { PGHOST: "" }).stderr).toBe("postgres: PGHOST is required\n");
  });
});

describe("verify (the drill)", () => {
  it("restores into a throwaway server on a socket, counts, and reports; no password, no TCP", () => {
    const database = fetched("drill");
    const run = steps.run("verify", { DATABASE_DIR: database, DATABASE_PASSWORD_FILE: "" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^drill: OK for shop-data: snapshot 4f4f4f4f \(taken 2026-12-01 03:00:04 UTC, 2 h ago\): the dump of database shop \(19 bytes, 2 table data entries\) restored into a scratch PostgreSQL 15\.18 \(stand-in\) server in \d+ s: 2 tables, 7 rows\n$/,
    );
    const initdb = run.calls.find((c) => c.tool === "initdb");
    expect(initdb?.args).toEqual([
      `--pgdata=${join(database, "server", "data")}`,
      "--username=dockyard_drill",
      "--auth=trust",
      "--encoding=UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    const start = run.calls.find((c) => c.tool === "pg_ctl" && c.args.includes("start"));
    expect(start?.args.join(" ")).toMatch(/-c listen_addresses='' -c unix_socket_directories='\S+\/socket'/);
    const restore = run.calls.find((c) => c.tool === "pg_restore" && c.args[0] !== "--list");
    expect(restore?.args).toEqual([
      "--exit-on-error",
      "--no-owner",
      "--no-privileges",
      "--dbname=drill",
      join(database, "drill", "shop.dump"),
    ]);
    // Stopped and removed.
    expect(run.calls.at(-1)).toMatchObject({ tool: "pg_ctl", args: expect.arrayContaining(["stop"]) as unknown });
    expect(readdirSync(database)).toEqual(["drill"]);
    for (const call of run.calls) expect(call.pgpass).toBe("");
  });

  it.each([
    [
      "a dump listing no table data",
      { tableData: 0 },
      "the dump's table of contents lists no table data: database shop held no table when it was dumped (the wrong database or user?)",
    ],
    [
      "pg_restore failing",
      { restoreFails: true },
      "pg_restore of the dump of database shop (19 bytes, 2 table data entries) into a scratch server failed: pg_restore: error: could not read from input file: end of file",
    ],
  ])("fails on %s, naming it", (_what, scenario, problem) => {
    const database = fetched("drill");
    const run = steps.run("verify", { DATABASE_DIR: database }, scenario);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `drill: FAILED for shop-data: snapshot 4f4f4f4f (taken 2026-12-01 03:00:04 UTC): ${problem}\n`,
    );
    expect(readdirSync(database)).toEqual(["drill"]);
  });

  it("fails when the restic step fetched nothing", () => {
    const database = mkdtempSync(join(steps.dir, "database-"));
    const run = steps.run("verify", { DATABASE_DIR: database });
    expect(run.stderr).toBe(
      `drill: FAILED for shop-data: snapshot unknown (taken unknown UTC): no dump of database shop at ${join(database, "drill", "shop.dump")} (the restic step fetches it first)\n`,
    );
  });
});

describe("load (the restore)", () => {
  it("loads into the empty database in one transaction, as the user, and counts", () => {
    const database = fetched("restore", "4f4f4f4f 2026-12-01 03:00:04 ?");
    const run = steps.run("load", { DATABASE_DIR: database });
    expect(run.status, run.stderr).toBe(0);
    const restore = run.calls.find((c) => c.tool === "pg_restore" && c.args[0] !== "--list");
    expect(restore?.args).toEqual([
      "--exit-on-error",
      "--single-transaction",
      "--no-owner",
      "--no-password",
      "--dbname=shop",
      join(database, "restore", "shop.dump"),
    ]);
    expect(restore?.pgpass).toBe("*:*:*:*:s3cr\\:et\\\\pass");
    expect(run.stdout).toBe(
      'postgres: restoring snapshot 4f4f4f4f of shop-data (taken 2026-12-01 03:00:04 UTC) into database "shop" on db:5432 as shop\n' +
        'postgres: restored snapshot 4f4f4f4f into database "shop" on db:5432 as shop: 2 tables, 7 rows\n',
    );
  });

  it("refuses a database that holds anything, and restores nothing", () => {
    const run = steps.run("load", { DATABASE_DIR: fetched("restore") }, { existing: 3 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'postgres: database "shop" on db:5432 as shop is not empty (3 tables, views or sequences): restore only into an empty database (nothing was written); drop it and create it empty first\n',
    );
    expect(run.calls.filter((c) => c.tool === "pg_restore").map((c) => c.args[0])).toEqual(["--list"]);
  });

  it("a failed pg_restore says nothing was written (one transaction)", () => {
    const run = steps.run("load", { DATABASE_DIR: fetched("restore") }, { restoreFails: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'postgres: pg_restore into database "shop" on db:5432 as shop failed (above); nothing was written\n',
    );
  });
});

describe("what a dump leaves", () => {
  it("a pgpass copy readable by this user only while it runs; a dump the restic container (same group) can read", () => {
    const database = mkdtempSync(join(steps.dir, "database-"));
    const run = steps.run("dump", { DATABASE_DIR: database });
    expect(run.status, run.stderr).toBe(0);
    expect(new Set(run.calls.filter((c) => c.tool !== "pg_restore").map((c) => c.pgpassMode))).toEqual(
      new Set(["600"]),
    );
    expect(statSync(join(database, "dump", "shop.dump")).mode & 0o777).toBe(0o660);
  });
});
