/**
 * Real engine: the backup image, run with exactly the hardening flags the Docker translator
 * renders, archives a volume and restores it byte for byte; refuses a corrupt archive and a
 * non-empty target; and retention deletes only archives older than RETENTION_DAYS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_DIR, ARCHIVE_NAME } from "../../../apps/backup/contract";
import { dockerOneShotSettings, oneShotRunArgs } from "../../../components/backup/docker-scheduler";
import { DockerObjects, EngineSetup, dockerStatus, uniqueName } from "../docker/support/docker";
import { needs } from "../support/needs";
import { type BackupImages, type BackupSetup, asRoot, backupSetup, buildBackupImages } from "./support/backup-image";

const objects = new DockerObjects();
needs("engine", "busybox");

const engine = new EngineSetup<BackupImages>(() => buildBackupImages(objects));

beforeAll(engine.run, 600_000);
afterAll(() => objects.removeAll(), 120_000);

/** Nested directories, a binary file, an empty file, a name with spaces, modes; all owned by 65532. */
const FILL = `
mkdir -p /data/records/2026/11 "/data/with space/deeper/deepest" /data/empty-dir
printf 'first\\nsecond\\n' > /data/records.log
head -c 300000 /dev/urandom > /data/records/2026/11/blob.bin
head -c 4096 /dev/urandom > "/data/with space/deeper/deepest/key material.bin"
: > /data/records/empty
printf 'config' > /data/.hidden
chmod 0600 /data/records.log
chown -R 65532:65532 /data
`;
/**
 * Every entry's type, mode, owner and name, and every file's sha256. The volume's root is left
 * out: it is the mount point, whose mode Docker copies from the image when the volume is empty.
 */
const INVENTORY = `cd /data && find . -mindepth 1 | sort | while read -r f; do stat -c '%F %a %u:%g %n' "$f"; done && find . -type f | sort | while read -r f; do sha256sum "$f"; done`;

/** Runs a one-shot backup or restore container exactly as the translator renders it. */
function runOneShot(
  setup: BackupSetup,
  mode: "backup" | "restore",
  extra: string[] = [],
  env: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const settings = dockerOneShotSettings(setup.spec, setup.archive, mode);
  const args = oneShotRunArgs(
    { ...settings, envs: [...settings.envs, ...env] },
    objects.container(uniqueName(mode)),
    extra,
  );
  return dockerStatus(["run", ...args]);
}

async function archives(busybox: string, setup: BackupSetup): Promise<string[]> {
  const listing = await asRoot(busybox, { [setup.archive.volumeName as string]: "/a" }, "ls -A /a");
  return listing
    .split("\n")
    .filter((name) => name !== "")
    .sort();
}

describe("backup and restore on a real engine", () => {
  it("restores every file byte for byte, with modes and owners, after the volume was wiped", async () => {
    const { busybox, backupId } = engine.get();
    const setup = await backupSetup(objects, backupId);
    const source = setup.source.volumeName as string;
    await asRoot(busybox, { [source]: "/data" }, FILL);
    const before = await asRoot(busybox, { [source]: "/data" }, INVENTORY);
    expect(before).toContain("blob.bin");
    expect(before.split("\n").filter((l) => /^[0-9a-f]{64} /.test(l))).toHaveLength(5);

    const backup = await runOneShot(setup, "backup");
    expect(backup.code, backup.stderr).toBe(0);
    const [archive, checksum, ...rest] = await archives(busybox, setup);
    expect(rest).toEqual([]);
    expect(archive).toMatch(ARCHIVE_NAME);
    expect(archive.startsWith("web-data-")).toBe(true);
    expect(checksum).toBe(`${archive}.sha256`);

    await asRoot(busybox, { [source]: "/data" }, 'rm -rf /data/* /data/.[!.]*; test -z "$(ls -A /data)"');
    const restore = await runOneShot(setup, "restore", [archive]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`restored ${archive}`);
    expect(await asRoot(busybox, { [source]: "/data" }, INVENTORY)).toBe(before);

    const again = await runOneShot(setup, "restore", [archive]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("is not empty");
  });

  it("refuses a corrupt archive and restores nothing", async () => {
    const { busybox, backupId } = engine.get();
    const setup = await backupSetup(objects, backupId);
    await asRoot(busybox, { [setup.source.volumeName as string]: "/data" }, FILL);
    expect((await runOneShot(setup, "backup")).code).toBe(0);
    const [archive] = await archives(busybox, setup);
    const corrupt = "web-data-20000101T000000Z.tar.gz";
    // A copy with its own correct checksum file, then one byte flipped in the middle of the copy.
    await asRoot(
      busybox,
      { [setup.archive.volumeName as string]: "/a" },
      `cd /a && cp ${archive} ${corrupt} && sed "s/${archive}/${corrupt}/" ${archive}.sha256 > ${corrupt}.sha256 && ` +
        `printf 'X' | dd of=${corrupt} bs=1 seek=$(( $(wc -c < ${corrupt}) / 2 )) conv=notrunc 2>/dev/null && ! cmp -s ${archive} ${corrupt}`,
    );
    const wiped = "rm -rf /data/* /data/.[!.]*";
    await asRoot(busybox, { [setup.source.volumeName as string]: "/data" }, wiped);
    const refused = await runOneShot(setup, "restore", [corrupt]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`checksum mismatch for ${corrupt}`);
    expect(await asRoot(busybox, { [setup.source.volumeName as string]: "/data" }, "ls -A /data")).toBe("");
    const missing = await runOneShot(setup, "restore", ["web-data-19990101T000000Z.tar.gz"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("no archive");
  });

  it("retention deletes archives older than RETENTION_DAYS (and their checksums), keeps newer ones and other files", async () => {
    const { busybox, backupId } = engine.get();
    const retentionDays = 3;
    const setup = await backupSetup(objects, backupId, "0 3 * * *", retentionDays);
    await asRoot(busybox, { [setup.source.volumeName as string]: "/data" }, FILL);
    const day = 24 * 3600 * 1000;
    const stamp = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
    const old = "web-data-20000101T000000Z.tar.gz";
    const recent = "web-data-20000102T000000Z.tar.gz";
    const foreign = "other-20000101T000000Z.tar.gz";
    await asRoot(
      busybox,
      { [setup.archive.volumeName as string]: ARCHIVE_DIR },
      [
        `cd ${ARCHIVE_DIR}`,
        `for f in ${old} ${recent} ${foreign}; do echo x > $f; echo x > $f.sha256; done`,
        `touch -d '${stamp(Date.now() - (retentionDays + 1) * day)}' ${old} ${old}.sha256 ${foreign} ${foreign}.sha256`,
        `touch -d '${stamp(Date.now() - (retentionDays - 1) * day)}' ${recent} ${recent}.sha256`,
        // As the image's /archive (copied into an empty volume on first mount) is: owned by 65532.
        "chown 65532:65532 . *",
      ].join(" && "),
    );
    const run = await runOneShot(setup, "backup");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`deleted expired ${old}`);
    const left = await archives(busybox, setup);
    expect(left).not.toContain(old);
    expect(left).not.toContain(`${old}.sha256`);
    expect(left).toEqual(expect.arrayContaining([recent, `${recent}.sha256`, foreign, `${foreign}.sha256`]));
    expect(
      left.filter((name) => ARCHIVE_NAME.test(name) && name.startsWith("web-data-") && name !== recent),
    ).toHaveLength(1);
  });

  it("fails, leaving no archive, when the source cannot be read", async () => {
    const { busybox, backupId } = engine.get();
    const setup = await backupSetup(objects, backupId);
    await asRoot(
      busybox,
      { [setup.source.volumeName as string]: "/data" },
      `${FILL}\nchmod 0000 /data/records.log && chown 0:0 /data/records.log`,
    );
    const run = await runOneShot(setup, "backup");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/records\.log.*Permission denied/);
    expect(await archives(busybox, setup)).toEqual([]);
  });
});
