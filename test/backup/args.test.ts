import { describe, expect, it } from "vitest";
import { Backup, type BackupArgs } from "../../components/backup";
import { ComponentArgError } from "../../components/errors";
import { record } from "../support/pulumi-harness";
import { KNOWN_HOST, minimalArgs, REST_REPOSITORY, SECRETS, sourceVolume } from "./support";
import { T } from "../support/types";

/** Declares a Backup with the changes and returns the one ComponentArgError it throws, having created no child. */
async function argError(
  changes: Partial<BackupArgs>,
  target: BackupArgs["target"] = "docker",
): Promise<ComponentArgError> {
  let thrown: unknown;
  const resources = await record(() => {
    try {
      new Backup("web-backup", minimalArgs(target, changes));
    } catch (error) {
      thrown = error;
    }
  });
  expect(resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type)).toEqual([T.backup]);
  expect(thrown).toBeInstanceOf(ComponentArgError);
  const error = thrown as ComponentArgError;
  expect(error.component).toBe('Backup "web-backup"');
  return error;
}

describe("Backup refuses bad arguments with one ComponentArgError naming the component and argument", () => {
  it.each([
    ["a 6-field schedule", "0 0 3 * * *", /must have 5 fields/],
    ["a word", "daily", /must have 5 fields/],
    ["an hour out of range", "0 24 * * *", /invalid hour field "24"/],
    ["a named weekday", "0 3 * * MON", /invalid day of week field "MON"/],
    ["a zero step", "*/0 * * * *", /invalid minute field/],
    ["a reversed range", "0 5-3 * * *", /invalid hour field/],
  ])("schedule: %s", async (_what, schedule, message) => {
    const error = await argError({ schedule });
    expect(error.argument).toBe("schedule");
    expect(error.message).toMatch(message);
    expect(error.message).toContain(JSON.stringify(schedule));
  });

  it.each([-1, 1.5, 10001, "7"])("keep.daily %s", async (daily) => {
    const error = await argError({ keep: { daily: daily as number } });
    expect(error.argument).toBe("keep.daily");
    expect(error.message).toContain("must be an integer from 0 (rule not used) to 10000");
  });

  it("a retention policy that keeps nothing, and an unknown rule", async () => {
    const none = await argError({ keep: { daily: 0, weekly: 0, monthly: 0 } });
    expect(none.argument).toBe("keep");
    expect(none.message).toContain(
      "keeps no snapshot: set at least one of last, hourly, daily, weekly, monthly, yearly above 0",
    );
    expect((await argError({ keep: { within: 3 } as never })).argument).toBe("keep.within");
  });

  it.each([
    ["check.schedule", { check: { schedule: "0 3 * * MON" } }],
    ["check.readDataPercent", { check: { readDataPercent: 101 } }],
    ["drill.schedule", { drill: { schedule: "@daily" } }],
    ["drill.maxSnapshotAgeHours", { drill: { maxSnapshotAgeHours: 0 } }],
    // Weekly backups: a drill allowing two days would fail five days a week.
    ["drill.maxSnapshotAgeHours", { schedule: "0 3 * * 0", drill: { maxSnapshotAgeHours: 48 } }],
  ] as const)("%s", async (argument, changes) => {
    expect((await argError(changes as Partial<BackupArgs>)).argument).toBe(argument);
  });

  it.each([
    ["tag only", "registry.local/backup:0.1.0", /has no digest/],
    ["latest", "registry.local/backup:latest", /tagged "latest"/],
    ["empty", "", /digest-pinned image reference/],
  ])("image: %s", async (_what, image, message) => {
    const error = await argError({ image });
    expect(error.argument).toBe("image");
    expect(error.message).toMatch(message);
  });

  it("colocateWith is required on Kubernetes for a ReadWriteOnce source", async () => {
    const error = await argError({ colocateWith: undefined }, "kubernetes");
    expect(error.argument).toBe("colocateWith");
    expect(error.message).toContain('ReadWriteOnce volume "web-data"');
  });

  it("a ReadWriteOncePod source cannot be backed up on Kubernetes", async () => {
    const error = await argError({ volume: sourceVolume("web-data", "ReadWriteOncePod") }, "kubernetes");
    expect(error.argument).toBe("volume");
  });

  it("a bad colocateWith label value, archive size, and a missing volume", async () => {
    expect((await argError({ colocateWith: { app: "not ok!" } }, "kubernetes")).argument).toBe("colocateWith.app");
    expect((await argError({ repositorySizeGiB: 0 })).argument).toBe("repositorySizeGiB");
    expect((await argError({ volume: undefined })).argument).toBe("volume");
  });

  it("a name too long for a CronJob", async () => {
    let thrown: unknown;
    await record(() => {
      try {
        new Backup(`b${"x".repeat(46)}`, minimalArgs("kubernetes"));
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(ComponentArgError);
    expect((thrown as ComponentArgError).argument).toBe("name");
  });

  it.each([
    [
      "REST credentials in the URL",
      { url: "rest:https://ci:hunter2pw@backup.example.com/x", password: SECRETS.password },
      "url",
      "must not carry credentials (user:password@host): REST credentials belong in repository.restUsername and repository.restPassword (Pulumi secrets)",
    ],
    [
      "an unsupported backend",
      { url: "b2:bucket:path", password: SECRETS.password },
      "url",
      `uses restic's "b2" backend; dockyard wires credentials for rest, sftp, s3 only`,
    ],
    [
      "a URL without its password",
      { url: "rest:https://backup.example.com/x" },
      "password",
      "is required with a repository.url: the key restic encrypts the repository with",
    ],
    [
      "REST credentials over plain http",
      { ...REST_REPOSITORY, url: "rest:http://backup.example.com/x" },
      "restPassword",
      "would cross the network in clear: repository.url uses http://, use https:// with credentials",
    ],
    [
      "half a REST login",
      { url: REST_REPOSITORY.url, password: SECRETS.password, restUsername: SECRETS.restUsername },
      "restPassword",
      "goes with repository.restUsername: give both or neither",
    ],
    [
      "S3 credentials on a REST repository",
      { ...REST_REPOSITORY, s3SecretAccessKey: SECRETS.s3SecretAccessKey },
      "s3SecretAccessKey",
      "applies to s3 repositories only, and repository.url is rest:",
    ],
    [
      "an SFTP repository without its key",
      { url: "sftp:backup@host.example.com:/srv/restic", password: SECRETS.password, sshKnownHosts: [KNOWN_HOST] },
      "sshPrivateKey",
      "is required for an sftp repository: the private key restic's ssh logs in with",
    ],
    [
      "an SFTP host that ssh would read as an option",
      { url: "sftp:backup@-oProxyCommand=sh:/srv", password: SECRETS.password },
      "url",
      'has host "-oProxyCommand=sh", which starts with "-" (an option, not a host): ssh would read it as an option',
    ],
    [
      "credentials without a URL",
      { restPassword: SECRETS.restPassword },
      "restPassword",
      "applies only with a repository.url (an off-site repository)",
    ],
    [
      "a known_hosts pattern",
      {
        url: "sftp:backup@host.example.com:/srv/restic",
        password: SECRETS.password,
        sshPrivateKey: SECRETS.sshPrivateKey,
        sshKnownHosts: [`*.example.com ${KNOWN_HOST.split(" ").slice(1).join(" ")}`],
      },
      "sshKnownHosts[0]",
      'has the pattern "*.example.com": name the server exactly',
    ],
  ] as const)("repository: %s", async (_what, repository, argument, message) => {
    const error = await argError({ repository: repository as BackupArgs["repository"] });
    const problem = error.problems.find((p) => p.argument === `repository.${argument}`);
    expect(problem?.problem, error.message).toContain(message);
    for (const secret of [...Object.values(SECRETS), "hunter2pw"]) expect(error.message).not.toContain(secret);
  });
});
