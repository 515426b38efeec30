import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { CronJob, type ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { type IJob, Job } from "kubernetes-models/batch/v1/Job";
import { Backup } from "../../components/backup";
import { PersistentVolume } from "../../components/persistent-volume";
import {
  BACKUP_COMMAND,
  CHECK_COMMAND,
  DRILL_COMMAND,
  REPOSITORY_DIR,
  RESTORE_COMMAND,
  SCHEDULER_COMMAND,
  SCHEDULER_HEALTH_COMMAND,
  SCRATCH_DIR,
  SOURCE_DIR,
  TARGET_DIR,
} from "../../apps/backup/contract";
import { find, ofType, record, resolve } from "../support/pulumi-harness";
import { dockerHardeningViolations } from "../container/support/docker-hardening";
import { restrictedViolations } from "../container/support/pod-security";
import { BACKUP_IMAGE, KNOWN_HOST, minimalArgs, REST_REPOSITORY, SECRETS } from "./support";
import { T } from "../support/types";

/** The Secret's name as Pulumi auto-names it. */
const SECRET_NAME = expect.stringMatching(/^web-backup-repository-[0-9a-f]{7}$/) as unknown as string;

/** Every recorded input of every resource, as text: where a secret's value must never appear. */
function everything(resources: unknown): string {
  return JSON.stringify(resources);
}

describe("Backup on Docker", () => {
  it("defaults: a volume repository with its own key file, a hardened scheduler running all three jobs", async () => {
    let backup: Backup | undefined;
    const resources = await record(() => {
      const data = new PersistentVolume("web-data", { target: "docker" });
      backup = new Backup("web-backup", { target: "docker", volume: data, image: BACKUP_IMAGE });
    });
    const repository = find(resources, T.dockerVolume, "web-backup-repository");
    expect(repository.inputs).toMatchObject({ name: "web-backup-repository" });
    expect(repository.options).toMatchObject({ retainOnDelete: true, protect: false });
    expect(find(resources, T.dockerVolume, "web-backup-scratch").options).toMatchObject({ retainOnDelete: false });
    expect(ofType(resources, T.password)).toEqual([]);
    const scheduler = find(resources, T.container, "web-backup-scheduler");
    expect(dockerHardeningViolations(scheduler.inputs)).toEqual([]);
    expect(scheduler.inputs).toMatchObject({
      image: BACKUP_IMAGE,
      entrypoints: [SCHEDULER_COMMAND],
      user: "65532:65532",
      restart: "unless-stopped",
      memory: 1024,
      healthcheck: { tests: ["CMD", ...SCHEDULER_HEALTH_COMMAND] },
      volumes: [
        { volumeName: "web-data", containerPath: SOURCE_DIR, readOnly: true },
        { volumeName: "web-backup-repository", containerPath: REPOSITORY_DIR, readOnly: false },
        { volumeName: "web-backup-scratch", containerPath: SCRATCH_DIR, readOnly: false },
      ],
    });
    // No secret at all: the repository's key file is generated beside it by the first backup.
    expect(scheduler.inputs.envs).toEqual(
      expect.arrayContaining([
        "RESTIC_REPOSITORY=/repository/restic",
        "RESTIC_PASSWORD_FILE=/repository/password",
        "PREFIX=web-data",
        "SCHEDULE=0 3 * * *",
        "CHECK_SCHEDULE=30 4 * * 0",
        "DRILL_SCHEDULE=30 4 * * 3",
        "KEEP_DAILY=7",
      ]),
    );
    expect(JSON.stringify(scheduler.inputs.envs)).not.toContain("RESTIC_PASSWORD=");
    expect(find(resources, T.containerService, "web-backup-scheduler").parent).toBe(
      find(resources, T.backup, "web-backup").urn,
    );
    expect(await resolve(backup!.repository)).toBe("web-backup-repository");
    expect(await resolve(backup!.repositoryPassword)).toBeUndefined();
    const name = await resolve(backup!.schedulerName);
    expect(name).toMatch(/^web-backup-scheduler/); // auto-named by Pulumi
    expect(await resolve(backup!.drillName)).toBe(name);
  });

  it("restoreCommand: a hardened docker run of restore, the password passed by name, never written", async () => {
    let backup: Backup | undefined;
    await record(() => (backup = new Backup("web-backup", minimalArgs("docker", { repository: REST_REPOSITORY }))));
    const command = await resolve(backup!.restoreCommand);
    const run = command.split("\n").find((line) => line.startsWith("docker run"));
    expect(run).toBeDefined();
    for (const flag of [
      "--rm",
      "--network bridge",
      "--read-only",
      "--user 65532:65532",
      "--cap-drop ALL",
      "--security-opt no-new-privileges:true",
      "--restart no",
      "--env RESTIC_PASSWORD ",
      "--env RESTIC_REST_USERNAME ",
      "--env RESTIC_REST_PASSWORD ",
      `--env RESTIC_REPOSITORY=${REST_REPOSITORY.url} `,
      "--env PREFIX=web-data ",
    ]) {
      expect(run).toContain(flag);
    }
    expect(run).toContain(`--mount type=volume,source=web-data,target=${TARGET_DIR} `);
    expect(run).not.toContain(REPOSITORY_DIR);
    expect(run).toContain(`--entrypoint ${RESTORE_COMMAND} `);
    expect(run!.endsWith(` ${BACKUP_IMAGE} "\${SNAPSHOT:-latest}"`)).toBe(true);
    expect(command).toContain(
      "# Export RESTIC_PASSWORD, RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD in this shell first",
    );
    for (const secret of Object.values(SECRETS)) expect(command).not.toContain(secret);
  });

  it("custom: an off-site repository, retention, checks, drills and protect reach the scheduler; no repository volume", async () => {
    let backup: Backup | undefined;
    const resources = await record(
      () =>
        (backup = new Backup(
          "db-backup",
          minimalArgs("docker", {
            repository: REST_REPOSITORY,
            schedule: "*/15 * * * *",
            keep: { last: 5, daily: 0, weekly: 2, monthly: 0 },
            check: { schedule: "0 1 * * 6", readDataPercent: 20 },
            drill: { schedule: "0 2 * * 6", maxSnapshotAgeHours: 6 },
          }),
          { protect: true },
        )),
    );
    expect(ofType(resources, T.dockerVolume).map((v) => v.name)).toEqual(["db-backup-scratch"]);
    expect(ofType(resources, T.password)).toEqual([]);
    const service = find(resources, T.containerService, "db-backup-scheduler");
    expect(service).toBeDefined();
    expect(await resolve(backup!.repository)).toBe(REST_REPOSITORY.url);
    expect(await resolve(backup!.repositoryPassword)).toBe(SECRETS.password);
    expect(everything(resources)).not.toContain(SECRETS.restPassword);
    // The values themselves, through the translator (resolved, as the provider would send them).
    const { dockerSchedulerArgs } = await import("../../components/backup/docker-scheduler");
    const { resolveBackupSpec } = await import("../../components/backup/resolve");
    const spec = resolveBackupSpec(
      "db-backup",
      minimalArgs("docker", {
        repository: REST_REPOSITORY,
        schedule: "*/15 * * * *",
        keep: { last: 5, daily: 0, weekly: 2, monthly: 0 },
        check: { schedule: "0 1 * * 6", readDataPercent: 20 },
        drill: { schedule: "0 2 * * 6", maxSnapshotAgeHours: 6 },
      }),
    );
    const args = dockerSchedulerArgs(spec, {}, { RESTIC_PASSWORD: SECRETS.password });
    expect(args.environment).toMatchObject({
      RESTIC_REPOSITORY: REST_REPOSITORY.url,
      PREFIX: "web-data",
      SCHEDULE: "*/15 * * * *",
      CHECK_SCHEDULE: "0 1 * * 6",
      DRILL_SCHEDULE: "0 2 * * 6",
      KEEP_LAST: "5",
      KEEP_HOURLY: "0",
      KEEP_DAILY: "0",
      KEEP_WEEKLY: "2",
      KEEP_MONTHLY: "0",
      KEEP_YEARLY: "0",
      CHECK_READ_DATA_PERCENT: "20",
      DRILL_MAX_AGE_HOURS: "6",
    });
    expect(args.secrets).toEqual({ RESTIC_PASSWORD: SECRETS.password });
    expect(JSON.stringify(args.environment)).not.toContain(SECRETS.password);
  });

  it("an SFTP repository: the key is a secret, the pinned host keys plain", async () => {
    const { backupServiceArgs, repositorySecrets } = await import("../../components/backup/service-args");
    const { resolveBackupSpec } = await import("../../components/backup/resolve");
    const spec = resolveBackupSpec(
      "web-backup",
      minimalArgs("docker", {
        repository: {
          url: "sftp://backup@backup.example.com:2222//srv/restic/web-data",
          password: SECRETS.password,
          sshPrivateKey: SECRETS.sshPrivateKey,
          sshKnownHosts: [KNOWN_HOST, KNOWN_HOST.replace("backup.example.com", "[backup.example.com]:2222")],
        },
      }),
    );
    const secrets = repositorySecrets(spec);
    expect(Object.keys(secrets)).toEqual(["RESTIC_PASSWORD", "SSH_PRIVATE_KEY"]);
    const args = backupServiceArgs(spec, {}, "backup", secrets);
    expect(args.environment?.SSH_KNOWN_HOSTS).toBe(
      `${KNOWN_HOST}\n${KNOWN_HOST.replace("backup.example.com", "[backup.example.com]:2222")}`,
    );
    expect(args.command).toEqual([BACKUP_COMMAND]);
  });
});

describe("Backup on Kubernetes", () => {
  const cronJob = (resources: Awaited<ReturnType<typeof record>>, name: string) => {
    const object = { apiVersion: "batch/v1", kind: "CronJob", ...find(resources, T.cronJob, name).inputs } as ICronJob;
    expect(() => new CronJob(object).validate()).not.toThrow();
    return object;
  };

  it("three valid CronJobs (backup, check, drill), restricted pods, secrets by reference from a protected Secret", async () => {
    let backup: Backup | undefined;
    const resources = await record(
      () =>
        (backup = new Backup("web-backup", minimalArgs("kubernetes", { repository: REST_REPOSITORY }), {
          protect: true,
        })),
    );
    const secret = find(resources, T.secret, "web-backup-repository");
    expect(secret.inputs.stringData).toEqual({
      RESTIC_PASSWORD: "[secret]",
      RESTIC_REST_USERNAME: "[secret]",
      RESTIC_REST_PASSWORD: "[secret]",
    });
    expect(secret.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(everything(resources)).not.toContain(SECRETS.password);
    expect(ofType(resources, T.pvc)).toEqual([]);
    const commands = {
      "web-backup": BACKUP_COMMAND,
      "web-backup-check": CHECK_COMMAND,
      "web-backup-drill": DRILL_COMMAND,
    };
    for (const [name, command] of Object.entries(commands)) {
      const object = cronJob(resources, name);
      expect(object.spec).toMatchObject({
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 600,
        jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 21600 } },
      });
      const pod = object.spec.jobTemplate.spec!.template.spec as IPodSpec;
      expect(restrictedViolations(pod), name).toEqual([]);
      expect(pod.restartPolicy).toBe("Never");
      const [container] = pod.containers;
      expect(container).toMatchObject({
        image: BACKUP_IMAGE,
        command: [command],
        securityContext: { readOnlyRootFilesystem: true, runAsUser: 65532 },
      });
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: "RESTIC_REPOSITORY", value: REST_REPOSITORY.url },
          {
            name: "RESTIC_PASSWORD",
            valueFrom: {
              secretKeyRef: {
                name: SECRET_NAME,
                key: "RESTIC_PASSWORD",
              },
            },
          },
          {
            name: "RESTIC_REST_PASSWORD",
            valueFrom: {
              secretKeyRef: {
                name: SECRET_NAME,
                key: "RESTIC_REST_PASSWORD",
              },
            },
          },
          { name: "SCRATCH_DIR", value: SCRATCH_DIR },
        ]),
      );
      expect(container.volumeMounts).toEqual(
        expect.arrayContaining([{ name: "backup-scratch", mountPath: SCRATCH_DIR }]),
      );
      expect(pod.volumes).toEqual(
        expect.arrayContaining([
          {
            name: "backup-scratch",
            ephemeral: {
              volumeClaimTemplate: {
                metadata: { labels: { "app.kubernetes.io/component": "backup" } },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
              },
            },
          },
        ]),
      );
      // Only the backup mounts the ReadWriteOnce source, so only it must run beside its pods.
      if (name === "web-backup") {
        expect(container.volumeMounts).toEqual(
          expect.arrayContaining([{ name: "web-data", mountPath: SOURCE_DIR, readOnly: true }]),
        );
        expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
          {
            labelSelector: { matchLabels: { "app.kubernetes.io/instance": "web" } },
            topologyKey: "kubernetes.io/hostname",
          },
        ]);
      } else {
        expect(pod.affinity, name).toBeUndefined();
        expect(pod.volumes?.map((v) => v.name)).not.toContain("web-data");
      }
    }
    expect(object(cronJob(resources, "web-backup-check")).env).toEqual(
      expect.arrayContaining([{ name: "CHECK_READ_DATA_PERCENT", value: "5" }]),
    );
    expect(cronJob(resources, "web-backup-check").spec?.schedule).toBe("30 4 * * 0");
    expect(cronJob(resources, "web-backup-drill").spec?.schedule).toBe("30 4 * * 3");
    expect(await resolve(backup!.checkName)).toBe("web-backup-check");
    expect(await resolve(backup!.drillName)).toBe("web-backup-drill");
    // Each job's pods reach their volumes by mounts, the repository by its port and DNS: nothing else.
    for (const name of ["web-backup", "web-backup-check", "web-backup-drill"]) {
      const policy = find(resources, T.networkPolicy, name).inputs as {
        spec: {
          policyTypes: string[];
          ingress: unknown[];
          egress: { to: unknown[]; ports: { port: number; protocol: string }[] }[];
        };
      };
      expect(policy.spec.policyTypes, name).toEqual(["Ingress", "Egress"]);
      expect(policy.spec.ingress, name).toEqual([]);
      const rules = JSON.stringify(policy.spec.egress);
      expect(rules).toContain('"port":53');
      expect(rules).toContain('{"ipBlock":{"cidr":"0.0.0.0/0"}}');
      expect(policy.spec.egress.flatMap((rule) => rule.ports.map((p) => p.port)).sort((a, b) => a - b)).toEqual([
        53, 53, 443, 443,
      ]);
    }
  });

  it("a volume repository: a retained claim with its key file, and check and drill run beside the source too (they mount the claim)", async () => {
    const resources = await record(
      () =>
        new Backup(
          "web-backup",
          minimalArgs("kubernetes", {
            namespace: "shop",
            imagePullSecrets: ["regcred"],
            storageClass: "backup-hdd",
            sourceSizeGiB: 5,
          }),
        ),
    );
    const claim = find(resources, T.pvc, "web-backup-repository");
    const guarded = await record(
      () =>
        new Backup("web-backup", minimalArgs("kubernetes", { repository: { password: SECRETS.password } }), {
          protect: true,
        }),
    );
    // Prod: the snapshots and what they cannot be read without are protected; jobs stay replaceable.
    expect(find(guarded, T.pvc, "web-backup-repository").options).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
    expect(find(guarded, T.secret, "web-backup-repository").options).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
    expect(find(guarded, T.secret, "web-backup-repository").inputs.stringData).toEqual({
      RESTIC_PASSWORD: "[secret]",
    });
    expect(find(guarded, T.cronJob, "web-backup").options).toMatchObject({ protect: false });
    expect(claim.inputs).toMatchObject({
      metadata: { namespace: "shop" },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "backup-hdd",
        resources: { requests: { storage: "10Gi" } },
      },
    });
    expect(claim.options).toMatchObject({ retainOnDelete: true });
    expect(ofType(resources, T.password)).toEqual([]);
    for (const name of ["web-backup", "web-backup-check", "web-backup-drill"]) {
      const cron = cronJob(resources, name);
      expect(cron.metadata?.namespace).toBe("shop");
      const pod = cron.spec.jobTemplate.spec!.template.spec!;
      expect(pod.imagePullSecrets).toEqual([{ name: "regcred" }]);
      expect(pod.affinity?.podAffinity).toBeDefined();
      expect(pod.containers[0].volumeMounts).toEqual(
        expect.arrayContaining([{ name: "web-backup-repository", mountPath: REPOSITORY_DIR, readOnly: false }]),
      );
      expect(pod.containers[0].env).toEqual(
        expect.arrayContaining([{ name: "RESTIC_REPOSITORY", value: "/repository/restic" }]),
      );
      expect(JSON.stringify(pod.volumes)).toContain('"storage":"5Gi"');
    }
    // Without a password the repository keeps its own key file: no Secret at all.
    expect(ofType(resources, T.secret)).toEqual([]);
    expect(object(cronJob(resources, "web-backup")).env).toEqual(
      expect.arrayContaining([{ name: "RESTIC_PASSWORD_FILE", value: "/repository/password" }]),
    );
  });

  it("a ReadWriteMany source needs no affinity", async () => {
    const resources = await record(
      () =>
        new Backup(
          "shared-backup",
          minimalArgs("kubernetes", {
            volume: { logicalName: "shared", volumeName: "shared", accessMode: "ReadWriteMany" },
            colocateWith: undefined,
            repository: REST_REPOSITORY,
          }),
        ),
    );
    expect(cronJob(resources, "shared-backup").spec.jobTemplate.spec!.template.spec!.affinity).toBeUndefined();
  });

  it("restoreCommand: a valid, restricted restore Job writing the claim, the secrets by reference only", async () => {
    let backup: Backup | undefined;
    await record(
      () =>
        (backup = new Backup(
          "web-backup",
          minimalArgs("kubernetes", { namespace: "shop", repository: REST_REPOSITORY }),
        )),
    );
    const command = await resolve(backup!.restoreCommand);
    const json = /<<EOF\n([\s\S]*)\nEOF/.exec(command)?.[1];
    expect(json).toBeDefined();
    const job = new Job(JSON.parse(json!) as IJob);
    expect(() => job.validate()).not.toThrow();
    expect(job.metadata).toMatchObject({ name: "web-backup-restore", namespace: "shop" });
    const pod = job.spec!.template.spec!;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.containers[0]).toMatchObject({ command: [RESTORE_COMMAND], args: ["${SNAPSHOT:-latest}"] });
    expect(pod.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([{ name: "web-data", mountPath: TARGET_DIR, readOnly: false }]),
    );
    expect(pod.containers[0].env).toEqual(
      expect.arrayContaining([
        {
          name: "RESTIC_PASSWORD",
          valueFrom: {
            secretKeyRef: {
              name: SECRET_NAME,
              key: "RESTIC_PASSWORD",
            },
          },
        },
      ]),
    );
    expect(command).toContain('Scale the workload mounting "web-data" to 0 first');
    for (const secret of Object.values(SECRETS)) expect(command).not.toContain(secret);
  });
});

/** The one container of a CronJob's pod. */
function object(cron: ICronJob) {
  return cron.spec.jobTemplate.spec!.template.spec!.containers[0];
}
