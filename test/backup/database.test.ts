/**
 * What a Backup with a database source declares, on both targets: the database's own image in a
 * container beside restic (Kubernetes: the init container before restic's backup, the container
 * after restic's fetch for the drill and the restore; Docker: a helper container beside the
 * scheduler), hardened like every backup container, the password a file (a Secret volume, a
 * read-only files volume) and never an argument, a variable's value or a recorded input; no job
 * mounting the volume; the network reaching the database only from the jobs that connect to it.
 */
import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { CronJob, type ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { type IJob, Job } from "kubernetes-models/batch/v1/Job";
import { Backup } from "../../components/backup";
import {
  BACKUP_COMMAND,
  DATABASE_AGENT_DIR,
  DATABASE_DIR,
  DATABASE_PASSWORD_FILE,
  DATABASE_SECRET_DIR,
  DRILL_COMMAND,
  RESTORE_COMMAND,
  SCHEDULER_COMMAND,
  SCRATCH_DIR,
  SOURCE_DIR,
  TARGET_DIR,
} from "../../apps/backup/contract";
import { AGENT_HEALTH_COMMAND, POSTGRES_SCRIPT } from "../../apps/backup/postgres";
import { find, ofType, record, resolve } from "../support/pulumi-harness";
import { dockerHardeningViolations } from "../container/support/docker-hardening";
import { restrictedViolations } from "../container/support/pod-security";
import { DATABASE, DATABASE_IMAGE, DATABASE_PASSWORD, minimalArgs, REST_REPOSITORY, SECRETS } from "./support";
import { T } from "../support/types";

/** The Secret's name as Pulumi auto-names it. */
const SECRET_NAME = expect.stringMatching(/^shop-backup-repository-[0-9a-f]{7}$/) as unknown as string;

/** The database container's hardening, as ContainerService's resolver gives every container (uid the image's postgres user). */
const HARDENED = {
  runAsNonRoot: true,
  runAsUser: 999,
  runAsGroup: 65532,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** libpq's variables and the steps' own: plain values, never the password. */
const DATABASE_ENV = [
  { name: "PGHOST", value: "db" },
  { name: "PGPORT", value: "5432" },
  { name: "PGUSER", value: "shop" },
  { name: "PGDATABASE", value: "shop" },
  { name: "PREFIX", value: "shop-data" },
  { name: "DATABASE_DIR", value: DATABASE_DIR },
];

const shopVolume = { logicalName: "shop-data", volumeName: "shop-data", accessMode: "ReadWriteOnce" as const };

function podOf(resources: Awaited<ReturnType<typeof record>>, name: string): IPodSpec {
  const object = { apiVersion: "batch/v1", kind: "CronJob", ...find(resources, T.cronJob, name).inputs } as ICronJob;
  expect(() => new CronJob(object).validate()).not.toThrow();
  return object.spec.jobTemplate.spec!.template.spec!;
}

/** Every argument and every variable value of a pod's containers. */
function argvAndValues(pod: IPodSpec): string {
  return JSON.stringify(
    [...(pod.initContainers ?? []), ...pod.containers].map((c) => [
      c.command,
      c.args,
      (c.env ?? []).map((e) => e.value),
    ]),
  );
}

describe("Backup of a database on Kubernetes", () => {
  async function declared(database: Record<string, unknown> = {}) {
    let backup: Backup | undefined;
    const resources = await record(
      () =>
        (backup = new Backup(
          "shop-backup",
          minimalArgs("kubernetes", {
            volume: shopVolume,
            colocateWith: undefined,
            repository: REST_REPOSITORY,
            database: { ...DATABASE, ...database },
          }),
        )),
    );
    return { resources, backup: backup! };
  }

  it("backup: pg_dump in the database's image first, then restic; hardened, restricted, the password a Secret file", async () => {
    const { resources } = await declared();
    const secret = find(resources, T.secret, "shop-backup-repository");
    expect(secret.inputs.stringData).toEqual({
      RESTIC_PASSWORD: "[secret]",
      RESTIC_REST_USERNAME: "[secret]",
      RESTIC_REST_PASSWORD: "[secret]",
      "database-password": "[secret]",
    });
    expect(JSON.stringify(resources)).not.toContain(DATABASE_PASSWORD);

    const pod = podOf(resources, "shop-backup");
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({
      runAsUser: 65532,
      fsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    // Reached over the network: no source mount, so no affinity to the database's node.
    expect(pod.affinity).toBeUndefined();
    expect(pod.volumes?.map((v) => v.name)).not.toContain("shop-data");
    const [dump] = pod.initContainers!;
    expect(dump).toMatchObject({
      name: "database",
      image: DATABASE_IMAGE,
      command: ["/bin/sh", "-c", POSTGRES_SCRIPT, "dockyard-postgres", "dump"],
      securityContext: HARDENED,
      resources: { limits: { cpu: "1", memory: "1Gi" } },
    });
    expect(dump.env).toEqual([...DATABASE_ENV, { name: "DATABASE_PASSWORD_FILE", value: DATABASE_PASSWORD_FILE }]);
    expect(dump.volumeMounts).toEqual([
      { name: "dockyard-scratch", mountPath: "/tmp" },
      { name: "backup-scratch", mountPath: SCRATCH_DIR },
      { name: "database-password", mountPath: DATABASE_SECRET_DIR, readOnly: true },
    ]);
    const [restic] = pod.containers;
    expect(restic).toMatchObject({
      name: "shop-backup",
      image: minimalArgs("docker").image,
      command: [BACKUP_COMMAND],
    });
    expect(restic.env).toEqual(
      expect.arrayContaining([
        { name: "DATABASE_NAME", value: "shop" },
        { name: "DATABASE_DIR", value: DATABASE_DIR },
        { name: "SCRATCH_DIR", value: SCRATCH_DIR },
      ]),
    );
    const names = (restic.env ?? []).map((e) => e.name);
    expect(names).not.toContain("SOURCE_DIR");
    expect(names).not.toContain("DATABASE_AGENT");
    expect(restic.volumeMounts?.map((m) => m.mountPath)).not.toContain(SOURCE_DIR);
    expect(restic.volumeMounts?.map((m) => m.mountPath)).not.toContain(DATABASE_SECRET_DIR);
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        {
          name: "database-password",
          secret: {
            secretName: SECRET_NAME,
            items: [{ key: "database-password", path: "password" }],
            defaultMode: 0o440,
          },
        },
      ]),
    );
    // The password is a file: no argument, no variable's value holds it, and no variable refers to its key.
    expect(argvAndValues(pod)).not.toContain(DATABASE_PASSWORD);
    expect(JSON.stringify(pod.initContainers![0].env)).not.toContain("database-password");
    expect(POSTGRES_SCRIPT).not.toContain(DATABASE_PASSWORD);
  });

  it("drill: restic fetches the dump first, then the database's image restores it into a throwaway server; no password there", async () => {
    const { resources } = await declared();
    const pod = podOf(resources, "shop-backup-drill");
    expect(restrictedViolations(pod)).toEqual([]);
    const [fetch] = pod.initContainers!;
    const [verify] = pod.containers;
    expect(fetch).toMatchObject({ name: "shop-backup-drill", command: [DRILL_COMMAND] });
    expect(fetch.env).toEqual(expect.arrayContaining([{ name: "DATABASE_NAME", value: "shop" }]));
    expect(verify).toMatchObject({
      name: "database",
      image: DATABASE_IMAGE,
      command: ["/bin/sh", "-c", POSTGRES_SCRIPT, "dockyard-postgres", "verify"],
      securityContext: HARDENED,
    });
    // The throwaway server needs no password and gets none.
    expect(verify.env).toEqual(DATABASE_ENV);
    expect(verify.volumeMounts?.map((m) => m.mountPath)).toEqual(["/tmp", SCRATCH_DIR]);
    expect(pod.volumes?.map((v) => v.name)).not.toContain("database-password");
    // Room for the dump and the server restored from it: twice the volume.
    expect(JSON.stringify(pod.volumes)).toContain('"storage":"2Gi"');
  });

  it("check stays restic's alone", async () => {
    const { resources } = await declared();
    const pod = podOf(resources, "shop-backup-check");
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers.map((c) => c.image)).toEqual([minimalArgs("docker").image]);
    expect((pod.containers[0].env ?? []).map((e) => e.name)).not.toContain("DATABASE_NAME");
  });

  it("the network: backup and restore reach the database's port, the drill and the check do not", async () => {
    const egressPorts = (resources: Awaited<ReturnType<typeof record>>, name: string) =>
      (
        find(resources, T.networkPolicy, name).inputs as {
          spec: { egress: { to: unknown[]; ports: { port: number }[] }[] };
        }
      ).spec.egress;
    const anywhere = await declared();
    expect(JSON.stringify(egressPorts(anywhere.resources, "shop-backup"))).toContain('"port":5432');
    for (const name of ["shop-backup-drill", "shop-backup-check"])
      expect(JSON.stringify(egressPorts(anywhere.resources, name)), name).not.toContain("5432");
    // Named: only the database service's pods, on its port.
    const named = await declared({ service: "db", port: 6432 });
    expect(egressPorts(named.resources, "shop-backup")).toEqual(
      expect.arrayContaining([
        {
          to: [
            { podSelector: { matchLabels: { "app.kubernetes.io/name": "db", "app.kubernetes.io/instance": "db" } } },
          ],
          ports: [{ port: 6432, protocol: "TCP" }],
        },
      ]),
    );
  });

  it("an existing Secret: mounted by its key; the Backup's own Secret holds no database password", async () => {
    const { resources } = await declared({
      password: undefined,
      passwordSecret: { name: "db-auth", key: "pg-password" },
    });
    expect(Object.keys(find(resources, T.secret, "shop-backup-repository").inputs.stringData as object)).not.toContain(
      "database-password",
    );
    expect(podOf(resources, "shop-backup").volumes).toEqual(
      expect.arrayContaining([
        {
          name: "database-password",
          secret: { secretName: "db-auth", items: [{ key: "pg-password", path: "password" }], defaultMode: 0o440 },
        },
      ]),
    );
  });

  it("a volume repository and no repository password: the Backup's Secret holds the database password alone", async () => {
    const resources = await record(
      () =>
        new Backup(
          "shop-backup",
          minimalArgs("kubernetes", { volume: shopVolume, colocateWith: undefined, database: DATABASE }),
        ),
    );
    expect(find(resources, T.secret, "shop-backup-repository").inputs.stringData).toEqual({
      "database-password": "[secret]",
    });
  });

  it("restoreCommand: a valid restricted Job: restic fetches the snapshot's dump, the database's image loads it", async () => {
    const { backup } = await declared();
    const command = await resolve(backup.restoreCommand);
    expect(command).toContain(
      `# Restore database "shop" on db:5432 from the dumps in the restic repository of "shop-data" into the EMPTY database`,
    );
    expect(command).toContain('Scale the workloads writing database "shop" to 0 and make it empty first');
    const job = new Job(JSON.parse(/<<EOF\n([\s\S]*)\nEOF/.exec(command)![1]) as IJob);
    expect(() => job.validate()).not.toThrow();
    const pod = job.spec!.template.spec!;
    expect(restrictedViolations(pod)).toEqual([]);
    const [fetch] = pod.initContainers!;
    const [load] = pod.containers;
    expect(fetch).toMatchObject({ command: [RESTORE_COMMAND], args: ["${SNAPSHOT:-latest}"] });
    expect(fetch.volumeMounts).toEqual(expect.arrayContaining([{ name: "backup-scratch", mountPath: SCRATCH_DIR }]));
    expect(fetch.volumeMounts?.map((m) => m.mountPath)).not.toContain(TARGET_DIR);
    expect(load).toMatchObject({
      name: "database",
      command: ["/bin/sh", "-c", POSTGRES_SCRIPT, "dockyard-postgres", "load"],
      securityContext: HARDENED,
    });
    expect(load.volumeMounts).toEqual(
      expect.arrayContaining([{ name: "database-password", mountPath: DATABASE_SECRET_DIR, readOnly: true }]),
    );
    for (const secret of [DATABASE_PASSWORD, ...Object.values(SECRETS)]) expect(command).not.toContain(secret);
  });
});

describe("Backup of a database on Docker", () => {
  async function declared() {
    let backup: Backup | undefined;
    const resources = await record(
      () =>
        (backup = new Backup(
          "shop-backup",
          minimalArgs("docker", {
            volume: shopVolume,
            database: { ...DATABASE, network: "shop-net" },
          }),
        )),
    );
    return { resources, backup: backup! };
  }

  it("a hardened helper container of the database's image beside the scheduler, the password a read-only file", async () => {
    const { resources } = await declared();
    expect(JSON.stringify(resources)).not.toContain(DATABASE_PASSWORD);
    const helper = find(resources, T.container, "shop-backup-database");
    expect(dockerHardeningViolations(helper.inputs)).toEqual([]);
    expect(helper.inputs).toMatchObject({
      image: DATABASE_IMAGE,
      user: "999:65532",
      readOnly: true,
      entrypoints: ["/bin/sh", "-c", POSTGRES_SCRIPT, "dockyard-postgres", "agent"],
      restart: "unless-stopped",
      healthcheck: { tests: ["CMD", ...AGENT_HEALTH_COMMAND] },
      networksAdvanced: [{ name: "shop-net", aliases: ["shop-backup-database"] }],
    });
    expect(helper.inputs.envs).toEqual([
      "PGHOST=db",
      "PGPORT=5432",
      "PGUSER=shop",
      "PGDATABASE=shop",
      "PREFIX=shop-data",
      `DATABASE_DIR=${DATABASE_DIR}`,
      `DATABASE_PASSWORD_FILE=${DATABASE_PASSWORD_FILE}`,
    ]);
    const volumes = helper.inputs.volumes as { volumeName: string; containerPath: string; readOnly: boolean }[];
    expect(volumes).toEqual([
      { volumeName: "shop-backup-scratch", containerPath: SCRATCH_DIR, readOnly: false },
      { volumeName: expect.any(String) as unknown as string, containerPath: DATABASE_SECRET_DIR, readOnly: true },
    ]);
    // The password is uploaded into the files volume by the never-started carrier, as a secret.
    const carrier = find(resources, T.container, "shop-backup-database-files-carrier");
    // (the recorder masks the whole upload, as it holds a secret)
    expect(carrier.inputs.uploads).toEqual([{ file: "[secret]", content: "[secret]", permissions: "[secret]" }]);
    // Its container mounts the scratch volume once the scheduler's container runs: the backup image gave the fresh volume its owner.
    const schedulerContainer = find(resources, T.container, "shop-backup-scheduler");
    expect(helper.dependencies).toContain(schedulerContainer.urn);
  });

  it("the scheduler mounts no source: the database's name, the shared work space and the helper's requests", async () => {
    const { resources } = await declared();
    const scheduler = find(resources, T.container, "shop-backup-scheduler");
    expect(scheduler.inputs).toMatchObject({ entrypoints: [SCHEDULER_COMMAND], user: "65532:65532" });
    expect(scheduler.inputs.envs).toEqual(
      expect.arrayContaining([
        "DATABASE_NAME=shop",
        `DATABASE_DIR=${DATABASE_DIR}`,
        `DATABASE_AGENT=${DATABASE_AGENT_DIR}`,
      ]),
    );
    expect(JSON.stringify(scheduler.inputs.envs)).not.toContain("SOURCE_DIR");
    const mounts = (scheduler.inputs.volumes as { containerPath: string }[]).map((v) => v.containerPath);
    expect(mounts).toEqual(["/repository", SCRATCH_DIR]);
    expect(ofType(resources, T.dockerVolume).map((v) => v.name)).not.toContain("shop-data");
  });

  it("restoreCommand: the restore container fetches into the scratch volume, the helper loads; no secret in it", async () => {
    const { backup } = await declared();
    const lines = (await resolve(backup.restoreCommand)).split("\n");
    expect(lines[0]).toBe(
      `# Restore database "shop" on db:5432 from the dumps in the restic repository of "shop-data" into the EMPTY database (pg_restore, one transaction).`,
    );
    expect(lines[2]).toMatch(
      /^# Stop what writes database "shop" first and make it empty \(restore refuses one holding any table\); the helper container shop-backup-database\S* loads it\.$/,
    );
    const run = lines[3];
    expect(run).toMatch(/^docker run --rm --network none /);
    expect(run).toContain(`--mount type=volume,source=shop-backup-scratch,target=${SCRATCH_DIR} `);
    expect(run).not.toContain(TARGET_DIR);
    expect(run).toContain("--env DATABASE_NAME=shop ");
    expect(run).toContain(`--entrypoint ${RESTORE_COMMAND} `);
    expect(lines.join("\n")).not.toContain(DATABASE_PASSWORD);
  });
});
