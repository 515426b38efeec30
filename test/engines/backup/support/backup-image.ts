/**
 * Builds the backup image from apps/backup/Dockerfile on a local stand-in of its base (the
 * upstream restic image: restic, busybox, ssh, CA certificates), assembled FROM scratch from
 * Debian's restic, ssh and busybox-static with the shared libraries they load, as no public
 * registry is reachable here; and describes a Backup's containers through the real translators.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { type ResolvedBackup, resolveBackupSpec } from "../../../../components/backup/resolve";
import type { BackupArgs } from "../../../../components/backup";
import type { BackupMode, BackupVolumes } from "../../../../components/backup/service-args";
import { repositorySecrets } from "../../../../components/backup/service-args";
import {
  dockerOneShotSettings,
  oneShotNetwork,
  oneShotRunArgs,
  passedByName,
} from "../../../../components/backup/docker-scheduler";
import type { VolumeRef } from "../../../../components/types";
import { type DockerObjects, docker, dockerStatus, uniqueName } from "../../docker/support/docker";
import { ensureLocalImage, sharedLibraries } from "../../docker/support/standins";
import { ensure, toolPath } from "../../support/requirements";

/** The repository's apps/backup directory (the build context). */
export const BACKUP_CONTEXT = path.join(repositoryRoot(__dirname), "apps", "backup");
/** Stand-in of the upstream restic image, passed to the Dockerfile as BASE_IMAGE. */
export const STANDIN_RESTIC = "dockyard-test/restic:local";
const BUSYBOX = "/bin/busybox";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}: run from the dockyard repository`);
  }
}

/** Images a test file works with: the restic stand-in (also used for setup, as root) and the backup image's ID. */
export interface BackupImages {
  readonly base: string;
  readonly backupTag: string;
  /** The backup image's ID (`sha256:…`): immutable, as the image policy requires on Docker. */
  readonly backupId: string;
}

/** Host files with the shared libraries they load, laid out at the same paths in an image. */
export async function withLibraries(files: [string, string][]): Promise<[string, string][]> {
  const layout = new Map<string, string>();
  for (const [from, to] of files) {
    layout.set(to, from);
    for (const library of await sharedLibraries(from)) layout.set(library, library);
  }
  return [...layout.entries()].map(([to, from]) => [from, to]);
}

/** The restic base stand-in (cached by content): FROM scratch, busybox, restic, ssh, CA bundle. */
export async function ensureResticStandIn(): Promise<string> {
  await ensure("engine", "busybox", "restic", "ssh");
  const layout = await withLibraries([
    [await toolPath("restic"), "/usr/bin/restic"],
    [await toolPath("ssh"), "/usr/bin/ssh"],
  ]);
  layout.push([BUSYBOX, "/bin/busybox"]);
  if (existsSync(CA_BUNDLE)) layout.push([CA_BUNDLE, CA_BUNDLE]);
  return ensureLocalImage(STANDIN_RESTIC, layout, [
    "FROM scratch",
    "COPY rootfs/ /",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    // As upstream: the image runs restic.
    'ENTRYPOINT ["/usr/bin/restic"]',
  ]);
}

/** Requires the engine and the tools, builds the backup image (registered with `objects` for removal). */
export async function buildBackupImages(objects: DockerObjects): Promise<BackupImages> {
  const base = await ensureResticStandIn();
  const backupTag = objects.image(uniqueName("backup-image"));
  objects.image(`${backupTag}-build-stage`);
  const args = [
    "--build-arg",
    `BASE_IMAGE=${base}`,
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
  return { base, backupTag, backupId };
}

/** A source volume, the Backup spec over it, and what its containers need to run. */
export interface BackupSetup {
  readonly spec: ResolvedBackup;
  readonly source: VolumeRef;
  readonly volumes: BackupVolumes;
  /** The secret variables with their values: passed to containers by name, as the restore command does. */
  readonly secrets: Record<string, string>;
  /** The network a one-shot joins (the test network where the repository server is, or none). */
  readonly network: string;
}

/** Options of {@link backupSetup}: the repository (default: the volume repository) and what else the Backup takes. */
export interface SetupOptions extends Omit<Partial<BackupArgs>, "repository" | "volume" | "target" | "image"> {
  readonly repository?: BackupArgs["repository"];
  /** Secret variables to pass besides the repository's (e.g. REST credentials over the tests' plain http). */
  readonly extraSecrets?: Record<string, string>;
  /** The network where the repository server listens. */
  readonly network?: string;
}

/**
 * Creates a source volume (and for the volume repository, the repository and scratch volumes),
 * registered for removal, and resolves a Backup of the source through the component's resolver.
 */
export async function backupSetup(
  objects: DockerObjects,
  image: string,
  options: SetupOptions = {},
): Promise<BackupSetup> {
  const { extraSecrets = {}, network, repository, ...rest } = options;
  const volume = (logicalName: string): VolumeRef => ({
    logicalName,
    volumeName: objects.volume(uniqueName(logicalName)),
    accessMode: "ReadWriteOnce",
  });
  const source = volume("web-data");
  const scratch = volume("web-backup-scratch");
  const repositoryVolume = repository?.url === undefined ? volume("web-backup-repository") : undefined;
  for (const v of [source, scratch, repositoryVolume])
    if (v) await docker(["volume", "create", v.volumeName as string]);
  const spec = resolveBackupSpec("web-backup", {
    target: "docker",
    volume: source,
    image,
    // Off-site repositories take a password; the volume repository (dev) generates its key file.
    repository:
      repository?.url === undefined ? repository : { password: "correct horse battery staple", ...repository },
    ...rest,
  });
  const secrets = Object.fromEntries(
    Object.entries(repositorySecrets(spec)).map(([name, value]) => [name, value as string]),
  );
  return {
    spec,
    source,
    volumes: { repository: repositoryVolume, scratch },
    secrets: { ...secrets, ...extraSecrets },
    network: network ?? oneShotNetwork(spec),
  };
}

/**
 * `docker run` arguments of a one-shot mode, its secrets passed by name (their values come from the
 * docker CLI's environment, as the restore command has it). `script` runs a shell script in the
 * same container instead of the mode's command; `plainEnv` adds or overrides plain variables.
 */
export function oneShotArgs(
  setup: BackupSetup,
  mode: Exclude<BackupMode, "schedule">,
  name: string,
  options: { args?: string[]; plainEnv?: string[]; script?: string } = {},
): string[] {
  const settings = passedByName(dockerOneShotSettings(setup.spec, setup.volumes, mode, {}), Object.keys(setup.secrets));
  const overridden =
    options.script === undefined
      ? settings
      : { ...settings, entrypoints: ["/bin/sh"], command: ["-euc", options.script] };
  const withEnv = { ...overridden, envs: [...overridden.envs, ...(options.plainEnv ?? [])] };
  return oneShotRunArgs(withEnv, name, { network: setup.network, extraArgs: options.args });
}

/**
 * Runs a one-shot backup, check, drill or restore container exactly as the translator renders it
 * (hardened, non-root), with `env` overriding secret values (a wrong password, say).
 */
export function runOneShot(
  objects: DockerObjects,
  setup: BackupSetup,
  mode: Exclude<BackupMode, "schedule">,
  options: { args?: string[]; env?: Record<string, string>; plainEnv?: string[]; script?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const name = objects.container(uniqueName(mode));
  return dockerStatus(["run", ...oneShotArgs(setup, mode, name, options)], { ...setup.secrets, ...options.env });
}

/** Runs a root shell script in the restic stand-in with volumes mounted (test setup and inspection only). */
export async function asRoot(base: string, mounts: Record<string, string>, script: string): Promise<string> {
  const flags = Object.entries(mounts).flatMap(([volume, target]) => [
    "--mount",
    `type=volume,source=${volume},target=${target}`,
  ]);
  return docker([
    "run",
    "--rm",
    "--network",
    "none",
    "--user",
    "0:0",
    "--entrypoint",
    "/bin/sh",
    ...flags,
    base,
    "-euc",
    script,
  ]);
}

/** A volume's name as a plain string (test volumes are never outputs). */
export function volumeName(volume: VolumeRef | undefined): string {
  if (volume === undefined) throw new Error("no such volume in this setup");
  return volume.volumeName as string;
}
