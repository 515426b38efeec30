/**
 * Backup's `database` argument: defaults, and each mistake reported as one problem naming its
 * argument (`database.host`, …) in the ComponentArgError, before anything is declared; the
 * password never in a message.
 */
import { describe, expect, it } from "vitest";
import type { BackupArgs } from "../../components/backup";
import { DATABASE_DEFAULTS } from "../../components/backup/database";
import { DATABASE_SCRATCH_FACTOR, resolveBackupSpec } from "../../components/backup/resolve";
import { ComponentArgError } from "../../components/errors";
import { DATABASE, DATABASE_IMAGE, DATABASE_PASSWORD, minimalArgs } from "./support";

/** The problems resolving these Args reports, as `argument message` lines. */
function problemsOf(args: BackupArgs | Record<string, unknown>): string[] {
  try {
    resolveBackupSpec("shop-backup", args as BackupArgs);
  } catch (error) {
    if (!(error instanceof ComponentArgError)) throw error;
    expect(error.message).not.toContain(DATABASE_PASSWORD);
    return error.problems.map((p) => `${p.argument} ${p.problem}`);
  }
  return [];
}

const withDatabase = (changes: Record<string, unknown>, target: BackupArgs["target"] = "docker") =>
  minimalArgs(target, { database: { ...DATABASE, ...changes } });

describe("Backup database: defaults", () => {
  it("postgres on 5432 as postgres, run as the image's uid 999; the password a value", () => {
    const spec = resolveBackupSpec(
      "shop-backup",
      minimalArgs("docker", { database: { ...DATABASE, user: undefined } }),
    );
    expect(spec.database).toEqual({
      engine: "postgres",
      host: "db",
      port: 5432,
      user: "postgres",
      database: "shop",
      password: { kind: "value", value: DATABASE_PASSWORD },
      image: DATABASE_IMAGE,
      runAsUser: 999,
      network: undefined,
      service: undefined,
    });
    expect(DATABASE_DEFAULTS).toEqual({ engine: "postgres", port: 5432, user: "postgres", runAsUser: 999 });
    expect(resolveBackupSpec("web-backup", minimalArgs("docker")).database).toBeUndefined();
  });

  it("needs no colocateWith on Kubernetes (no job mounts the volume) and gets twice the scratch space", () => {
    const spec = resolveBackupSpec(
      "shop-backup",
      minimalArgs("kubernetes", { colocateWith: undefined, sourceSizeGiB: 5, database: DATABASE }),
    );
    expect(spec.colocateWith).toEqual({});
    expect(spec.scratchSizeGiB).toBe(DATABASE_SCRATCH_FACTOR * 5);
    expect(resolveBackupSpec("shop-backup", minimalArgs("kubernetes", { sourceSizeGiB: 5 })).scratchSizeGiB).toBe(5);
    // Never beyond the largest volume.
    expect(
      resolveBackupSpec("shop-backup", minimalArgs("kubernetes", { sourceSizeGiB: 65_536, database: DATABASE }))
        .scratchSizeGiB,
    ).toBe(65_536);
  });

  it("custom: port, user, runAsUser, Docker network, Kubernetes service, an existing Secret", () => {
    const docker = resolveBackupSpec(
      "shop-backup",
      withDatabase({ host: "10.0.0.7", port: 6432, user: "backup_reader", runAsUser: 70, network: "shop_net" }),
    );
    expect(docker.database).toMatchObject({
      host: "10.0.0.7",
      port: 6432,
      user: "backup_reader",
      runAsUser: 70,
      network: "shop_net",
    });
    const kubernetes = resolveBackupSpec(
      "shop-backup",
      withDatabase(
        {
          host: "db.shop.svc",
          service: "db",
          password: undefined,
          passwordSecret: { name: "db-auth", key: "password" },
        },
        "kubernetes",
      ),
    );
    expect(kubernetes.database).toMatchObject({
      host: "db.shop.svc",
      service: "db",
      password: { kind: "secret", name: "db-auth", key: "password" },
    });
  });
});

describe("Backup database: each mistake names its argument", () => {
  it.each([
    [
      "no host",
      { host: undefined },
      "database.host is required: the database server's host name or address, as the backup jobs reach it",
    ],
    [
      "a socket directory for host",
      { host: "/var/run/postgresql" },
      `database.host is a Unix socket directory, which the backup jobs do not share with the server: give its host name or address, got "/var/run/postgresql"`,
    ],
    [
      "a host like an option",
      { host: "-oProxy" },
      `database.host has host "-oProxy", which starts with "-" (an option, not a host), got "-oProxy"`,
    ],
    ["port 0", { port: 0 }, "database.port must be a port from 1 to 65535, got 0"],
    ["no database", { database: undefined }, "database.database is required: the name of the database to dump"],
    [
      "a database name that is a path",
      { database: "../etc" },
      `database.database must be a name of 1 to 63 letters, digits, "_", "-" or "." starting with a letter or "_", got "../etc"`,
    ],
    [
      "a user with a space",
      { user: "a b" },
      `database.user must be a name of 1 to 63 letters, digits, "_", "-" or "." starting with a letter or "_", got "a b"`,
    ],
    ["another engine", { engine: "mysql" }, `database.engine must be one of "postgres", got "mysql"`],
    [
      "root",
      { runAsUser: 0 },
      "database.runAsUser must be a uid from 1 to 2147483647: the database containers never run as root, got 0",
    ],
    [
      "a bad network",
      { network: "a b" },
      `database.network must be a Docker network name (letters, digits, "_", ".", "-"), got "a b"`,
    ],
    [
      "an unknown key",
      { sslmode: "require" },
      "database.sslmode is not a known key (allowed here: engine, host, port, user, database, password, passwordSecret, image, runAsUser, network, service)",
    ],
  ])("%s", (_what, changes, problem) => {
    expect(problemsOf(withDatabase(changes))).toEqual([problem]);
  });

  it("an image without a digest, as the Backup's own image", () => {
    expect(problemsOf(withDatabase({ image: "postgres:17" }))).toEqual([
      expect.stringMatching(/^database\.image .*has no digest/),
    ]);
    expect(problemsOf(withDatabase({ image: undefined }))).toEqual([
      "database.image must be a digest-pinned image reference (repo@sha256:…), got nothing",
    ]);
  });

  it("the password: required, from one source only, and a Secret only on Kubernetes", () => {
    expect(problemsOf(withDatabase({ password: undefined }))).toEqual([
      "database.password is required: the password of database.user, a secret",
    ]);
    expect(problemsOf(withDatabase({ password: undefined }, "kubernetes"))).toEqual([
      "database.password is required (or database.passwordSecret): the password of database.user, a secret",
    ]);
    expect(problemsOf(withDatabase({ password: "" }))).toEqual([
      "database.password is required: the password of database.user, a secret; got an empty one",
    ]);
    expect(problemsOf(withDatabase({ passwordSecret: { name: "db-auth", key: "password" } }, "kubernetes"))).toEqual([
      "database.passwordSecret goes instead of database.password: give one of them",
    ]);
    expect(
      problemsOf(withDatabase({ password: undefined, passwordSecret: { name: "db-auth", key: "password" } })),
    ).toEqual([
      "database.passwordSecret applies on Kubernetes only (a Secret of the namespace): on Docker give database.password",
    ]);
    expect(
      problemsOf(withDatabase({ password: undefined, passwordSecret: { name: "DB_Auth", key: "a/b" } }, "kubernetes")),
    ).toEqual([
      expect.stringMatching(/^database\.passwordSecret\.name must be a lower-case DNS subdomain/),
      `database.passwordSecret.key must be a Secret key (letters, digits, "-", "_", "."), got "a/b"`,
    ]);
    expect(
      problemsOf(withDatabase({ password: undefined, passwordSecret: { name: "db-auth" } }, "kubernetes")),
    ).toEqual(["database.passwordSecret.key is required: the Secret's key holding the password"]);
  });

  it("a bad Kubernetes service name; every problem at once", () => {
    expect(problemsOf(withDatabase({ service: "Db" }, "kubernetes"))).toEqual([
      expect.stringMatching(/^database\.service must be a DNS label starting with a letter/),
    ]);
    expect(problemsOf(withDatabase({ host: undefined, database: undefined, port: 70_000 }))).toHaveLength(3);
  });
});
