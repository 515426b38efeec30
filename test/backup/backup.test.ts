import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { CronJob, type ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { type IJob, Job } from "kubernetes-models/batch/v1/Job";
import { Backup } from "../../components/backup";
import { PersistentVolume } from "../../components/persistent-volume";
import {
  ARCHIVE_DIR,
  BACKUP_COMMAND,
  RESTORE_COMMAND,
  SCHEDULER_COMMAND,
  SCHEDULER_HEALTH_COMMAND,
  SOURCE_DIR,
  TARGET_DIR,
} from "../../apps/backup/contract";
import { find, ofType, record, resolve } from "../support/pulumi-harness";
import { dockerHardeningViolations } from "../container/support/docker-hardening";
import { restrictedViolations } from "../container/support/pod-security";
import { BACKUP_IMAGE, minimalArgs } from "./support";

const T = {
  backup: "dockyard:storage:Backup",
  volume: "dockyard:storage:PersistentVolume",
  dockerVolume: "docker:index/volume:Volume",
  container: "docker:index/container:Container",
  service: "dockyard:container:ContainerService",
  cronJob: "kubernetes:batch/v1:CronJob",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
};

describe("Backup on Docker", () => {
  it("defaults: a retained archive volume and a hardened scheduler mounting source read-only, archive writable", async () => {
    let backup: Backup | undefined;
    const resources = await record(() => {
      const data = new PersistentVolume("web-data", { target: "docker" });
      backup = new Backup("web-backup", { target: "docker", volume: data, schedule: "0 3 * * *", image: BACKUP_IMAGE });
    });
    const archive = find(resources, T.dockerVolume, "web-backup-archive");
    expect(archive.inputs).toMatchObject({ name: "web-backup-archive" });
    expect(archive.options).toMatchObject({ retainOnDelete: true, protect: false });
    const scheduler = find(resources, T.container, "web-backup-scheduler");
    expect(dockerHardeningViolations(scheduler.inputs)).toEqual([]);
    expect(scheduler.inputs).toMatchObject({
      image: BACKUP_IMAGE,
      entrypoints: [SCHEDULER_COMMAND],
      user: "65532:65532",
      restart: "unless-stopped",
      healthcheck: { tests: ["CMD", ...SCHEDULER_HEALTH_COMMAND] },
      volumes: [
        { volumeName: "web-data", containerPath: SOURCE_DIR, readOnly: true },
        { volumeName: "web-backup-archive", containerPath: ARCHIVE_DIR, readOnly: false },
      ],
    });
    expect(scheduler.inputs.envs).toEqual(
      expect.arrayContaining(["SCHEDULE=0 3 * * *", "RETENTION_DAYS=7", "PREFIX=web-data"]),
    );
    expect(find(resources, T.service, "web-backup-scheduler").parent).toBe(find(resources, T.backup, "web-backup").urn);
    expect(await resolve(backup!.archiveVolumeName)).toBe("web-backup-archive");
    expect(await resolve(backup!.schedulerName)).toMatch(/^web-backup-scheduler/); // auto-named by Pulumi
  });

  it("restoreCommand: a hardened docker run of restore with the archive read-only and the volume at /target", async () => {
    let backup: Backup | undefined;
    await record(() => (backup = new Backup("web-backup", minimalArgs("docker"))));
    const command = await resolve(backup!.restoreCommand);
    const run = command.split("\n").find((line) => line.startsWith("docker run"));
    expect(run).toBeDefined();
    for (const flag of [
      "--rm",
      "--network none",
      "--read-only",
      "--user 65532:65532",
      "--cap-drop ALL",
      "--security-opt no-new-privileges:true",
      "--restart no",
    ]) {
      expect(run).toContain(flag);
    }
    expect(run).toContain(`--mount type=volume,source=web-backup-archive,target=${ARCHIVE_DIR},readonly`);
    expect(run).toContain(`--mount type=volume,source=web-data,target=${TARGET_DIR} `);
    expect(run).toContain(`--entrypoint ${RESTORE_COMMAND} `);
    expect(run!.endsWith(` ${BACKUP_IMAGE} "$ARCHIVE"`)).toBe(true);
  });

  it("custom: retention and protect reach the scheduler and the archive volume", async () => {
    const resources = await record(
      () =>
        new Backup("db-backup", minimalArgs("docker", { retentionDays: 30, schedule: "*/15 * * * *" }), {
          protect: true,
        }),
    );
    expect(find(resources, T.dockerVolume, "db-backup-archive").options).toMatchObject({
      retainOnDelete: true,
      protect: true,
    });
    expect(find(resources, T.container, "db-backup-scheduler").inputs.envs).toEqual(
      expect.arrayContaining(["RETENTION_DAYS=30", "SCHEDULE=*/15 * * * *"]),
    );
  });
});

describe("Backup on Kubernetes", () => {
  it("defaults: a valid CronJob, restricted pod with read-only root, co-located with the source's pods", async () => {
    let backup: Backup | undefined;
    const resources = await record(() => (backup = new Backup("web-backup", minimalArgs("kubernetes"))));
    const cron = find(resources, T.cronJob, "web-backup");
    const object = { apiVersion: "batch/v1", kind: "CronJob", ...cron.inputs } as ICronJob;
    expect(() => new CronJob(object).validate()).not.toThrow();
    expect(object.spec).toMatchObject({
      schedule: "0 3 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 21600 } },
    });
    const pod = object.spec!.jobTemplate.spec!.template.spec as IPodSpec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.containers[0]).toMatchObject({
      image: BACKUP_IMAGE,
      command: [BACKUP_COMMAND],
      securityContext: { readOnlyRootFilesystem: true, runAsUser: 65532 },
    });
    expect(pod.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "web-data", mountPath: SOURCE_DIR, readOnly: true },
        { name: "web-backup-archive", mountPath: ARCHIVE_DIR, readOnly: false },
      ]),
    );
    expect(pod.volumes).toEqual(
      expect.arrayContaining([{ name: "web-data", persistentVolumeClaim: { claimName: "web-data", readOnly: true } }]),
    );
    expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        labelSelector: { matchLabels: { "app.kubernetes.io/instance": "web" } },
        topologyKey: "kubernetes.io/hostname",
      },
    ]);
    expect(pod.imagePullSecrets).toBeUndefined();
    const claim = find(resources, T.pvc, "web-backup-archive");
    expect(claim.inputs).toMatchObject({
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } },
    });
    expect(claim.options).toMatchObject({ retainOnDelete: true });
    expect(ofType(resources, T.container)).toEqual([]);
    expect(await resolve(backup!.schedulerName)).toBe("web-backup");
    // its pods (backup and restore) reach their volumes by mounts only: nothing in or out
    const policy = find(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "web-backup").inputs as {
      spec: { podSelector: { matchLabels: Record<string, string> } };
    };
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: { "app.kubernetes.io/name": "web-backup", "app.kubernetes.io/instance": "web-backup" },
      },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
    for (const [key, value] of Object.entries(policy.spec.podSelector.matchLabels))
      expect(pod.containers[0] && object.spec!.jobTemplate.spec!.template.metadata?.labels?.[key]).toBe(value);
  });

  it("custom: namespace, pull secrets, storage class, sizes and retention reach the objects", async () => {
    const resources = await record(
      () =>
        new Backup(
          "web-backup",
          minimalArgs("kubernetes", {
            namespace: "shop",
            imagePullSecrets: ["regcred"],
            storageClass: "backup-hdd",
            sourceSizeGiB: 5,
            retentionDays: 14,
          }),
          { protect: true },
        ),
    );
    const cron = find(resources, T.cronJob, "web-backup").inputs as unknown as ICronJob;
    expect(cron.metadata?.namespace).toBe("shop");
    const pod = cron.spec!.jobTemplate.spec!.template.spec!;
    expect(pod.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: "RETENTION_DAYS", value: "14" }]));
    const claim = find(resources, T.pvc, "web-backup-archive");
    expect(claim.inputs).toMatchObject({
      metadata: { namespace: "shop" },
      spec: { storageClassName: "backup-hdd", resources: { requests: { storage: "10Gi" } } },
    });
    expect(claim.options).toMatchObject({ retainOnDelete: true, protect: true });
    const explicit = await record(() => new Backup("web-backup", minimalArgs("kubernetes", { archiveSizeGiB: 50 })));
    expect(find(explicit, T.pvc, "web-backup-archive").inputs).toMatchObject({
      spec: { resources: { requests: { storage: "50Gi" } } },
    });
  });

  it("a ReadWriteMany source needs no affinity", async () => {
    const resources = await record(
      () =>
        new Backup(
          "shared-backup",
          minimalArgs("kubernetes", {
            volume: { logicalName: "shared", volumeName: "shared", accessMode: "ReadWriteMany" },
            colocateWith: undefined,
          }),
        ),
    );
    const cron = find(resources, T.cronJob, "shared-backup").inputs as unknown as ICronJob;
    expect(cron.spec!.jobTemplate.spec!.template.spec!.affinity).toBeUndefined();
  });

  it("restoreCommand: a valid, restricted restore Job writing the claim, reading the archive", async () => {
    let backup: Backup | undefined;
    await record(() => (backup = new Backup("web-backup", minimalArgs("kubernetes", { namespace: "shop" }))));
    const command = await resolve(backup!.restoreCommand);
    const json = /<<EOF\n([\s\S]*)\nEOF/.exec(command)?.[1];
    expect(json).toBeDefined();
    const job = new Job(JSON.parse(json!) as IJob);
    expect(() => job.validate()).not.toThrow();
    expect(job.metadata).toMatchObject({ name: "web-backup-restore", namespace: "shop" });
    const pod = job.spec!.template.spec!;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.containers[0]).toMatchObject({ command: [RESTORE_COMMAND], args: ["$ARCHIVE"] });
    expect(pod.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "web-backup-archive", mountPath: ARCHIVE_DIR, readOnly: true },
        { name: "web-data", mountPath: TARGET_DIR, readOnly: false },
      ]),
    );
    expect(command).toContain('Scale the workload mounting "web-data" to 0 first');
  });
});
