import { describe, expect, it } from "vitest";
import { Backup, type BackupArgs } from "../../components/backup";
import { ComponentArgError } from "../../components/errors";
import { record } from "../support/pulumi-harness";
import { minimalArgs, sourceVolume } from "./support";

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
  expect(resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type)).toEqual([
    "dockyard:storage:Backup",
  ]);
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

  it.each([0, -1, 1.5, 3651])("retentionDays %s", async (retentionDays) => {
    const error = await argError({ retentionDays });
    expect(error.argument).toBe("retentionDays");
    expect(error.message).toContain("must be an integer from 1 to 3650");
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
    expect((await argError({ archiveSizeGiB: 0 })).argument).toBe("archiveSizeGiB");
    expect((await argError({ volume: undefined })).argument).toBe("volume");
  });

  it("a name too long for a CronJob", async () => {
    let thrown: unknown;
    await record(() => {
      try {
        new Backup(`b${"x".repeat(52)}`, minimalArgs("kubernetes"));
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(ComponentArgError);
    expect((thrown as ComponentArgError).argument).toBe("name");
  });
});
