/**
 * Builds the backup image from apps/backup/Dockerfile on a local busybox stand-in (FROM scratch
 * with Debian's busybox-static and its applet links, as the busybox image has them: no public
 * registry is reachable here), and describes a Backup's containers through the real translators.
 */
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type ResolvedBackup, resolveBackupSpec } from "../../../../components/backup/resolve";
import type { VolumeRef } from "../../../../components/types";
import { type DockerObjects, docker, uniqueName } from "../../docker/support/docker";
import { ensure } from "../../support/requirements";

/** The repository's apps/backup directory (the build context). */
export const BACKUP_CONTEXT = path.join(repositoryRoot(__dirname), "apps", "backup");
const BUSYBOX = "/bin/busybox";

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}: run from the dockyard repository`);
  }
}

/** Images a test file works with: the busybox stand-in (also used for setup) and the backup image's ID. */
export interface BackupImages {
  readonly busybox: string;
  readonly backupTag: string;
  /** The backup image's ID (`sha256:…`): immutable, as the image policy requires on Docker. */
  readonly backupId: string;
}

/** Requires the engine, builds both images (registered with `objects` for removal). */
export async function buildBackupImages(objects: DockerObjects): Promise<BackupImages> {
  await ensure("engine", "busybox");
  const busybox = objects.image(`${uniqueName("busybox")}:local`);
  const context = await mkdtemp(path.join(tmpdir(), "dockyard-busybox-"));
  try {
    await mkdir(path.join(context, "rootfs", "bin"), { recursive: true });
    await mkdir(path.join(context, "rootfs", "etc"), { recursive: true });
    await mkdir(path.join(context, "rootfs", "tmp"), { recursive: true });
    await chmod(path.join(context, "rootfs", "tmp"), 0o1777);
    await copyFile(BUSYBOX, path.join(context, "rootfs", "bin", "busybox"));
    await chmod(path.join(context, "rootfs", "bin", "busybox"), 0o755);
    await writeFile(
      path.join(context, "rootfs", "etc", "passwd"),
      "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
    );
    await writeFile(path.join(context, "rootfs", "etc", "group"), "root:x:0:\nnobody:x:65534:\n");
    await writeFile(
      path.join(context, "Dockerfile"),
      ["FROM scratch", "COPY rootfs/ /", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', 'CMD ["sh"]', ""].join(
        "\n",
      ),
    );
    await docker(["build", "--quiet", "--tag", busybox, context], 300_000);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  const backupTag = objects.image(uniqueName("backup-image"));
  objects.image(`${backupTag}-build-stage`);
  const args = [
    "--build-arg",
    `BASE_IMAGE=${busybox}`,
    "--build-arg",
    "REVISION=test",
    "--build-arg",
    `CREATED=${new Date().toISOString()}`,
  ];
  // The classic builder keeps the build stage as an untagged image: tag it so cleanup removes it.
  await docker(
    ["build", "--quiet", ...args, "--target", "build", "--tag", `${backupTag}-build-stage`, BACKUP_CONTEXT],
    300_000,
  );
  await docker(["build", "--quiet", ...args, "--tag", backupTag, BACKUP_CONTEXT], 300_000);
  const backupId = (await docker(["image", "inspect", "--format", "{{.Id}}", backupTag])).trim();
  return { busybox, backupTag, backupId };
}

/** A source and an archive volume (named volumes, registered for removal) and the Backup spec over them. */
export interface BackupSetup {
  readonly spec: ResolvedBackup;
  readonly source: VolumeRef;
  readonly archive: VolumeRef;
}

/** Creates the two volumes and resolves a Backup of the source through the component's resolver. */
export async function backupSetup(
  objects: DockerObjects,
  image: string,
  schedule = "0 3 * * *",
  retentionDays = 7,
): Promise<BackupSetup> {
  const source: VolumeRef = {
    logicalName: "web-data",
    volumeName: objects.volume(uniqueName("source")),
    accessMode: "ReadWriteOnce",
  };
  const archive: VolumeRef = {
    logicalName: "web-backup-archive",
    volumeName: objects.volume(uniqueName("archive")),
    accessMode: "ReadWriteOnce",
  };
  for (const volume of [source, archive]) await docker(["volume", "create", volume.volumeName as string]);
  const spec = resolveBackupSpec("web-backup", { target: "docker", volume: source, schedule, image, retentionDays });
  return { spec, source, archive };
}

/** Runs a root shell script in the busybox stand-in with volumes mounted (test setup and inspection only). */
export async function asRoot(busybox: string, mounts: Record<string, string>, script: string): Promise<string> {
  const flags = Object.entries(mounts).flatMap(([volume, target]) => [
    "--mount",
    `type=volume,source=${volume},target=${target}`,
  ]);
  return docker(["run", "--rm", "--network", "none", "--user", "0:0", ...flags, busybox, "sh", "-euc", script]);
}
