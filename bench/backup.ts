/**
 * `node scripts/run-ts.cjs bench/backup.ts` (part of `npm run bench`): restic backups of a sample
 * volume to a REST repository (`rclone serve restic` in a container), run exactly as the Docker
 * translator declares the backup containers (same stand-in base and servers as
 * test/engines/backup). Prints what a first backup, a second of unchanged data and a third after
 * one appended record add to the repository, and how long restoring the volume into an empty one
 * takes. Prints figures; never fails on time.
 */
import {
  asRoot,
  backupSetup,
  buildBackupImages,
  runOneShot,
  volumeName,
} from "../test/engines/backup/support/backup-image";
import { repositoryBytes, startRestServer, testNetwork } from "../test/engines/backup/support/repositories";
import { DockerObjects, docker } from "../test/engines/docker/support/docker";
import { ensure } from "../test/engines/support/requirements";

const RUNS = Number(process.env.BENCH_BACKUP_RUNS ?? 3);
const SAMPLE_MIB = Number(process.env.BENCH_BACKUP_MIB ?? 32);

/** The sample volume: the web service's append-only records log and a tree of binary files, owned by 65532. */
const SAMPLE = `
mkdir -p /data/blobs
i=0; while [ $i -lt 20000 ]; do echo "{\\"id\\":$i,\\"at\\":\\"2026-12-01T03:00:00Z\\",\\"text\\":\\"record number $i\\"}"; i=$((i + 1)); done > /data/records.log
n=0; while [ $n -lt ${SAMPLE_MIB} ]; do head -c 1048576 /dev/urandom > /data/blobs/blob-$n.bin; n=$((n + 1)); done
chown -R 65532:65532 /data
`;

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} ms (min ${sorted[0]}, max ${sorted.at(-1)}, n=${sorted.length})`;
}

async function main(): Promise<void> {
  await ensure("engine", "busybox", "restic", "rclone", "ssh");
  const objects = new DockerObjects();
  try {
    const images = await buildBackupImages(objects);
    const server = await startRestServer(objects, await testNetwork(objects));
    const name = `bench-${process.pid}`;
    const setup = await backupSetup(objects, images.backupId, {
      repository: server.repository(name),
      extraSecrets: server.extraSecrets,
      network: server.network,
      keep: { last: 100 },
    });
    const source = volumeName(setup.source);
    await asRoot(images.base, { [source]: "/data" }, SAMPLE);
    const size = Number((await asRoot(images.base, { [source]: "/data" }, "du -sb /data | cut -f 1")).trim());
    console.log(
      `backup: sample volume ${(size / 2 ** 20).toFixed(1)} MiB (${size} bytes): records.log of 20000 records and ${SAMPLE_MIB} random 1 MiB files`,
    );

    const backup = async (what: string) => {
      const before = await repositoryBytes(server, name).catch(() => 0);
      const started = Date.now();
      const run = await runOneShot(objects, setup, "backup");
      const ms = Date.now() - started;
      if (run.code !== 0) throw new Error(`backup failed: ${run.stderr}`);
      const added = /data added (\d+) bytes/.exec(run.stdout)?.[1];
      const grew = (await repositoryBytes(server, name)) - before;
      console.log(
        `backup: ${what}: ${ms} ms; restic reports ${added} bytes of data added, the repository grew by ${grew} bytes`,
      );
    };
    await backup("first backup (everything new)");
    await backup("second backup, unchanged data (incremental)");
    await asRoot(
      images.base,
      { [source]: "/data" },
      `echo '{"id":20000,"text":"one more record"}' >> /data/records.log`,
    );
    await backup("third backup, one record appended");

    const restoreMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await asRoot(images.base, { [source]: "/data" }, "rm -rf /data/* /data/.[!.]* 2>/dev/null || true");
      const started = Date.now();
      const restore = await runOneShot(objects, setup, "restore");
      restoreMs.push(Date.now() - started);
      if (restore.code !== 0) throw new Error(`restore failed: ${restore.stderr}`);
    }
    console.log(
      `backup: restore of the sample volume into an empty volume (docker run of restore, verified): ${summary(restoreMs)}`,
    );
    await docker(["image", "inspect", images.backupId, "--format", "{{.Size}}"]).then((bytes) =>
      console.log(
        `backup: backup image ${(Number(bytes) / 1e6).toFixed(1)} MB on the stand-in base (Debian's restic and ssh, busybox)`,
      ),
    );
  } finally {
    await objects.removeAll();
  }
}

main().catch((error: unknown) => {
  console.log(`backup: not measured: ${error instanceof Error ? error.message : String(error)}`);
});
