/**
 * The database backup tests' PostgreSQL: a stand-in of the upstream postgres image, assembled FROM
 * scratch from Debian 12's PostgreSQL 15 (server and client programs at the upstream image's
 * layout: /usr/lib/postgresql/15/bin on PATH, the postgres user 999 and no user 65532, PGDATA
 * /var/lib/postgresql/data), as no public registry is reachable here; a database server run from
 * it (non-root, read-only root filesystem, data on a volume); and a database source's Backup with
 * its Docker containers (scheduler, database helper) started exactly as the translators render them.
 */
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { type ResolvedBackup, resolveBackupSpec } from "../../../../components/backup/resolve";
import type { BackupArgs } from "../../../../components/backup";
import { dockerSchedulerArgs, passedByName } from "../../../../components/backup/docker-scheduler";
import { DATABASE_AGENT_SUFFIX, databaseServiceArgs } from "../../../../components/backup/database-args";
import { repositorySecrets } from "../../../../components/backup/service-args";
import { dockerCreateCarrierArgs, dockerRunArgs } from "../../../../components/workload/docker-run";
import { dockerContainerSettings } from "../../../../components/workload/docker-settings";
import { dockerFilesCarrierSettings, dockerFilesVolumeSettings } from "../../../../components/workload/files";
import { resolveServiceSpec } from "../../../../components/workload/resolve";
import type { VolumeRef } from "../../../../components/types";
import { type DockerObjects, docker, dockerStatus, imageHealthcheck, uniqueName } from "../../docker/support/docker";
import { ensureLocalImage } from "../../docker/support/standins";
import { uploadLikeProvider } from "../../docker/support/upload";
import { ensure, engineUnderTest, POSTGRES_BIN, POSTGRES_PROGRAMS } from "../../support/requirements";
import type { BackupSetup } from "./backup-image";
import { withLibraries } from "./backup-image";

/** Stand-in of the upstream postgres image. */
export const STANDIN_POSTGRES = "dockyard-test/postgres:local";
const SHARE = "/usr/share/postgresql/15";
const PKGLIB = "/usr/lib/postgresql/15/lib";
/** Modules initdb loads (the snowball dictionaries, PL/pgSQL). */
const MODULES = ["plpgsql.so", "dict_snowball.so"];
const ZONES = ["/usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/Etc/UTC"];
const BUSYBOX = "/bin/busybox";
/** The upstream image's postgres user. */
export const POSTGRES_UID = 999;
/** Where the data volume is mounted (the upstream image's PGDATA); the cluster is a directory below it. */
const DATA_MOUNT = "/var/lib/postgresql/data";
const CLUSTER = `${DATA_MOUNT}/pgdata`;
/** The test server's own socket, for administration (trust on the socket, as upstream's). */
const SOCKET_DIR = "/tmp";

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The stand-in (cached by content): Debian's PostgreSQL 15 with the libraries it loads, busybox, FROM scratch. */
export async function ensurePostgresStandIn(): Promise<string> {
  await ensure("engine", "busybox", "postgres");
  const programs = POSTGRES_PROGRAMS.map((p): [string, string] => [
    path.join(POSTGRES_BIN, p),
    path.join(POSTGRES_BIN, p),
  ]);
  const modules = MODULES.map((m): [string, string] => [path.join(PKGLIB, m), path.join(PKGLIB, m)]);
  const layout = await withLibraries([...programs, ...modules]);
  for (const file of await filesUnder(SHARE)) if (!file.startsWith(`${SHARE}/man/`)) layout.push([file, file]);
  for (const zone of ZONES) layout.push([zone, zone]);
  layout.push([BUSYBOX, BUSYBOX]);
  return ensureLocalImage(STANDIN_POSTGRES, layout, [
    "FROM scratch",
    "COPY rootfs/ /",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    // As upstream: a postgres user (999) and no 65532; PGDATA owned by it, mode 0700.
    `RUN sed -i '/^nonroot:/d' /etc/passwd /etc/group && echo 'postgres:x:${POSTGRES_UID}:${POSTGRES_UID}:PostgreSQL:/var/lib/postgresql:/bin/sh' >> /etc/passwd ` +
      `&& echo 'postgres:x:${POSTGRES_UID}:' >> /etc/group && mkdir -p ${DATA_MOUNT} && chown -R ${POSTGRES_UID}:${POSTGRES_UID} /var/lib/postgresql && chmod 0700 ${DATA_MOUNT}`,
    `ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${POSTGRES_BIN} PGDATA=${DATA_MOUNT}`,
    'CMD ["postgres"]',
  ]);
}

/** The database images of a test file: the stand-in's tag and ID (immutable, as the image policy wants on Docker). */
export interface DatabaseImage {
  readonly tag: string;
  readonly id: string;
}

/** Builds (or finds) the stand-in and gives its ID. */
export async function databaseImage(): Promise<DatabaseImage> {
  const tag = await ensurePostgresStandIn();
  return { tag, id: (await docker(["image", "inspect", "--format", "{{.Id}}", tag])).trim() };
}

/** A running test server: its container, its address on the test network, and its data volume. */
export interface DatabaseServer {
  readonly container: string;
  readonly address: string;
  readonly volume: VolumeRef;
}

/** The application's role and database the tests back up, and its password (with ":" and "\" for pgpass's escaping). */
export const APP = {
  user: "shop",
  database: "shop",
  password: `${randomBytes(9).toString("base64url")}:a\\b`,
} as const;

/**
 * Starts a server as the upstream image's entrypoint would, but hardened: on its first start
 * initdb into the (empty) data volume (scram-sha-256 over TCP from anywhere, trust on its socket),
 * then the server, as postgres (999), read-only root filesystem, no capabilities. Then creates the
 * application's role and empty database, and waits until it answers over TCP with the password.
 */
export async function startDatabase(
  objects: DockerObjects,
  image: DatabaseImage,
  network: string,
  volumeName: string,
): Promise<DatabaseServer> {
  const container = objects.container(uniqueName("postgres"));
  const init =
    `if [ ! -s ${CLUSTER}/PG_VERSION ]; then initdb --pgdata=${CLUSTER} --username=postgres --auth-local=trust --auth-host=scram-sha-256 ` +
    `--encoding=UTF8 --locale=C --no-sync >/tmp/initdb.log 2>&1 || { cat /tmp/initdb.log; exit 1; }; ` +
    `echo 'host all all all scram-sha-256' >> ${CLUSTER}/pg_hba.conf; fi; ` +
    `exec postgres -D ${CLUSTER} -c listen_addresses='*' -c unix_socket_directories=${SOCKET_DIR}`;
  await docker([
    "run",
    "--detach",
    "--name",
    container,
    "--network",
    network,
    "--user",
    `${POSTGRES_UID}:${POSTGRES_UID}`,
    "--read-only",
    "--tmpfs",
    "/tmp:rw,nosuid,nodev,size=64m",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges:true",
    "--mount",
    `type=volume,source=${volumeName},target=${DATA_MOUNT}`,
    image.id,
    "/bin/sh",
    "-euc",
    init,
  ]);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await dockerStatus([
      "exec",
      container,
      "psql",
      "-h",
      SOCKET_DIR,
      "-U",
      "postgres",
      "-XAtqc",
      "select 1",
    ]);
    if (ready.code === 0) break;
    const running = (await docker(["inspect", "--format", "{{.State.Running}}", container])).trim();
    if (running !== "true" || Date.now() > deadline) {
      const logs = await dockerStatus(["logs", container]);
      throw new Error(
        `the test PostgreSQL did not start (running ${running}):\n${logs.stdout}${logs.stderr}${ready.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await sql(
    container,
    `create role ${APP.user} login password '${APP.password.replace(/'/g, "''")}'; create database ${APP.database} owner ${APP.user};`,
    { user: "postgres", database: "postgres" },
  );
  const networks = JSON.parse(
    await docker(["inspect", "--format", "{{json .NetworkSettings.Networks}}", container]),
  ) as Record<string, { IPAddress?: string }>;
  const address = networks[network]?.IPAddress;
  if (!address) throw new Error(`${container} has no address on ${network}`);
  return { container, address, volume: { logicalName: "shop-data", volumeName, accessMode: "ReadWriteOnce" } };
}

/**
 * Runs SQL in the server over its socket (stdin, not an argument); resolves to psql's unaligned,
 * tuples-only output. As the application's user unless told otherwise.
 */
export async function sql(
  container: string,
  statements: string,
  as: { user: string; database: string } = { user: APP.user, database: APP.database },
): Promise<string> {
  // The SQL reaches the container by name from the CLI's environment, not as an argument.
  return docker(
    [
      "exec",
      "--env",
      "SQL",
      container,
      "sh",
      "-c",
      `printf '%s' "$SQL" | psql -h ${SOCKET_DIR} -U ${as.user} -d ${as.database} -X -A -t -q -v ON_ERROR_STOP=1`,
    ],
    120_000,
    { SQL: statements },
  );
}

/** A database source's Backup (volume repository), its scheduler and helper containers running as declared. */
export interface DatabaseBackup extends BackupSetup {
  readonly spec: ResolvedBackup;
  /** The Docker scheduler container (backup, check, drill run in it with its environment). */
  readonly scheduler: string;
  /** The database helper container (the database's image). */
  readonly helper: string;
}

/** Options of {@link databaseBackup}. */
export interface DatabaseBackupOptions extends Omit<Partial<BackupArgs>, "database" | "volume" | "target" | "image"> {
  readonly database?: Partial<NonNullable<BackupArgs["database"]>>;
}

function plain(value: pulumi.Input<string>): Promise<string> {
  return new Promise((done) => pulumi.output(value).apply((v) => done(v)));
}

/**
 * Resolves a Backup of the server's database through the component's resolver and starts, as
 * wireDocker declares them, the scheduler (first: its image gives the fresh scratch volume its
 * owner) and the database helper. Both join `network`. `volumes` reuses a setup's scratch and
 * repository (a Backup declared anew), and then only the helper is started anew.
 */
export async function databaseBackup(
  objects: DockerObjects,
  images: { backupId: string; database: DatabaseImage },
  server: DatabaseServer,
  network: string,
  options: DatabaseBackupOptions & { readonly reuse?: DatabaseBackup } = {},
): Promise<DatabaseBackup> {
  const { database, reuse, ...rest } = options;
  const volume = async (logicalName: string): Promise<VolumeRef> => {
    const name = objects.volume(uniqueName(logicalName));
    await docker(["volume", "create", name]);
    return { logicalName, volumeName: name, accessMode: "ReadWriteOnce" };
  };
  const volumes = reuse?.volumes ?? {
    repository: await volume("shop-backup-repository"),
    scratch: await volume("shop-backup-scratch"),
  };
  const spec = resolveBackupSpec("shop-backup", {
    target: "docker",
    volume: server.volume,
    image: images.backupId,
    database: {
      host: server.address,
      user: APP.user,
      database: APP.database,
      password: APP.password,
      image: images.database.id,
      network,
      ...database,
    },
    ...rest,
  });
  const secrets = Object.fromEntries(
    Object.entries(repositorySecrets(spec)).map(([name, value]) => [name, value as string]),
  );
  const setup = { spec, source: server.volume, volumes, secrets, network: "none" };
  const scheduler = reuse?.scheduler ?? (await startScheduler(objects, images.backupId, setup, network));
  if (reuse !== undefined) await docker(["rm", "--force", reuse.helper]);
  const helper = await startHelper(objects, setup, network);
  return { ...setup, scheduler, helper };
}

/** The scheduler container as wireDocker declares it, its secrets passed by name. */
async function startScheduler(
  objects: DockerObjects,
  image: string,
  setup: BackupSetup,
  network: string,
): Promise<string> {
  const service = resolveServiceSpec(
    `${setup.spec.name}-scheduler`,
    dockerSchedulerArgs(setup.spec, setup.volumes, {}),
  );
  const scheduler = objects.container(uniqueName("scheduler"));
  const settings = passedByName(dockerContainerSettings(service, network), Object.keys(setup.secrets));
  await docker(
    [
      "run",
      "--detach",
      ...dockerRunArgs(settings, { name: scheduler, imageHealthcheck: await imageHealthcheck(image) }),
    ],
    60_000,
    setup.secrets,
  );
  return scheduler;
}

/**
 * The database helper as wireDocker declares it: its password uploaded into its files volume
 * through a never-started carrier, as @pulumi/docker does.
 */
async function startHelper(objects: DockerObjects, setup: BackupSetup, network: string): Promise<string> {
  const service = resolveServiceSpec(
    `${setup.spec.name}-${DATABASE_AGENT_SUFFIX}`,
    databaseServiceArgs(setup.spec, "agent", setup.volumes),
  );
  const filesVolume = objects.volume(uniqueName("shop-backup-database-files"));
  await docker([
    "volume",
    "create",
    ...dockerFilesVolumeSettings(service).labels.flatMap((l) => ["--label", `${l.label}=${l.value}`]),
    filesVolume,
  ]);
  const carrier = dockerFilesCarrierSettings(service, filesVolume);
  const carrierName = objects.container(uniqueName("database-files-carrier"));
  await docker(["create", ...dockerCreateCarrierArgs(carrier, carrierName)]);
  const uploads = await Promise.all(
    carrier.uploads.map(async (u) => ({ file: u.file, permissions: u.permissions, content: await plain(u.content) })),
  );
  // Podman 4.3 extracts an archive sent to "/" into the container's own filesystem (ADR 0010): the
  // files go in as `docker cp` sends them there, into their directory.
  const into = engineUnderTest().name === "podman" ? service.filesDir : "/";
  const uploaded = await uploadLikeProvider(carrierName, uploads, into);
  if (uploaded.status !== 200)
    throw new Error(`upload into the files carrier failed: ${uploaded.status} ${uploaded.message}`);
  const revision = (await docker(["inspect", "--format", "{{.Id}}", carrierName])).trim();
  const helper = objects.container(uniqueName("database-helper"));
  const settings = dockerContainerSettings(service, network, { volume: filesVolume, revision });
  // `docker run` has no exec-form health check but the image's own (the provider sends it through
  // the API): the same command, in the shell form `--health-cmd` runs through /bin/sh.
  const healthcheck = settings.healthcheck && {
    ...settings.healthcheck,
    tests: ["CMD-SHELL", settings.healthcheck.tests.slice(1).join(" ")],
  };
  await docker(["run", "--detach", ...dockerRunArgs({ ...settings, healthcheck }, { name: helper })]);
  return helper;
}

/** Runs a job (backup, check, drill) inside the scheduler container, with its environment: what the scheduler runs. */
export function runJob(
  setup: DatabaseBackup,
  job: "backup" | "check" | "drill",
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const flags = Object.entries(env).flatMap(([name, value]) => ["--env", `${name}=${value}`]);
  return dockerStatus(["exec", ...flags, setup.scheduler, `/usr/local/bin/${job}`]);
}
