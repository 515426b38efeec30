/**
 * What each backup job runs with, on both targets: the environment and mounts of each mode, the
 * Kubernetes CronJobs and restore Job (valid, running, selected by their NetworkPolicies), and
 * the Docker restore command an operator copies (no secret in it, every argument shell-safe), and
 * the restore instructions each target prints.
 */
import { describe, expect, it } from "vitest";
import { Backup, type BackupArgs } from "../../components/backup";
import { ENV, SCRATCH_DIR, SOURCE_DIR, TARGET_DIR } from "../../apps/backup/contract";
import { backupContainer, backupCronJob, restoreJob, SCHEDULED_JOBS } from "../../components/backup/cron-job";
import {
  dockerOneShotSettings,
  dockerRestoreCommand,
  oneShotNetwork,
  passedByName,
  shellQuote,
} from "../../components/backup/docker-scheduler";
import { resolveBackupSpec } from "../../components/backup/resolve";
import { type BackupMode, backupServiceArgs, repositorySecrets } from "../../components/backup/service-args";
import { networkPolicyManifest } from "../../components/workload/network-policy";
import type { DockerContainerSettings } from "../../components/workload/docker-settings";
import type { VolumeRef } from "../../components/types";
import { validateKubernetesObject } from "../support/kubernetes-validate";
import { record, resolve } from "../support/pulumi-harness";
import { minimalArgs, REST_REPOSITORY, SECRETS } from "./support";

const MODES: BackupMode[] = ["backup", "check", "drill", "schedule", "restore"];
const scratch: VolumeRef = {
  logicalName: "web-backup-scratch",
  volumeName: "web-backup-scratch",
  accessMode: "ReadWriteOnce",
};

/** The parts of a rendered Job or CronJob these tests read, as plain values. */
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: { args?: string[] }[] };
}
interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    suspend?: boolean;
    jobTemplate?: { metadata?: { labels?: Record<string, string> }; spec: { template: PodTemplate } };
    template?: PodTemplate;
  };
}

/** The labels a backup container's NetworkPolicy selects its pods by. */
function selectedBy(container: Parameters<typeof networkPolicyManifest>[0]): Record<string, string> {
  const policy = networkPolicyManifest(container) as unknown as {
    spec: { podSelector: { matchLabels?: Record<string, string> } };
  };
  return policy.spec.podSelector.matchLabels ?? {};
}

function environmentOf(mode: BackupMode, target: "docker" | "kubernetes" = "docker"): Record<string, string> {
  const spec = resolveBackupSpec("web-backup", minimalArgs(target));
  return backupServiceArgs(spec, target === "docker" ? { scratch } : {}, mode, {}).environment as Record<
    string,
    string
  >;
}

describe("each mode's environment and mounts", () => {
  it("gives the source directory to backups only, the target to restore only, scratch to all but restore", () => {
    const keys = Object.fromEntries(MODES.map((mode) => [mode, Object.keys(environmentOf(mode))]));
    for (const mode of MODES) {
      expect(keys[mode].includes("SOURCE_DIR"), mode).toBe(mode === "backup" || mode === "schedule");
      expect(keys[mode].includes("TARGET_DIR"), mode).toBe(mode === "restore");
      expect(keys[mode].includes("SCRATCH_DIR"), mode).toBe(mode !== "restore");
      expect(keys[mode].includes(ENV.checkReadDataPercent), mode).toBe(mode === "check" || mode === "schedule");
      expect(keys[mode].includes(ENV.drillMaxAgeHours), mode).toBe(mode === "drill" || mode === "schedule");
      expect(keys[mode].includes(ENV.schedule), mode).toBe(mode === "schedule");
      expect(
        keys[mode].some((key) => key.startsWith("KEEP_")),
        mode,
      ).toBe(mode === "backup" || mode === "schedule");
    }
    expect(environmentOf("restore").TARGET_DIR).toBe(TARGET_DIR);
    expect(environmentOf("backup").SOURCE_DIR).toBe(SOURCE_DIR);
    expect(environmentOf("check").SCRATCH_DIR).toBe(SCRATCH_DIR);
  });

  it("mounts the Docker scratch volume in every mode but restore, which writes only its target", () => {
    const spec = resolveBackupSpec("web-backup", minimalArgs("docker"));
    for (const mode of MODES) {
      const mounts = backupServiceArgs(spec, { scratch }, mode, {}).volumes ?? [];
      expect(
        mounts.some((mount) => mount.mountPath === SCRATCH_DIR),
        mode,
      ).toBe(mode !== "restore");
    }
  });

  it("names the known hosts of an SFTP repository, and reads a volume repository's key file only without a password", () => {
    const sftp = resolveBackupSpec(
      "web-backup",
      minimalArgs("docker", {
        repository: {
          url: "sftp:backup@backup.example.com:/srv/restic",
          password: SECRETS.password,
          sshPrivateKey: SECRETS.sshPrivateKey,
          sshKnownHosts: [
            "backup.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR",
          ],
        },
      }),
    );
    const rest = resolveBackupSpec("web-backup", minimalArgs("docker", { repository: REST_REPOSITORY }));
    const env = (spec: typeof sftp) => backupServiceArgs(spec, {}, "backup", {}).environment as Record<string, string>;
    expect(env(sftp)[ENV.sshKnownHosts]).toContain("backup.example.com ssh-ed25519");
    expect(Object.keys(env(rest))).not.toContain(ENV.sshKnownHosts);
    expect(Object.keys(environmentOf("backup"))).toContain(ENV.passwordFile);
    const withPassword = resolveBackupSpec(
      "web-backup",
      minimalArgs("docker", { repository: { password: SECRETS.password } }),
    );
    expect(Object.keys(env(withPassword))).not.toContain(ENV.passwordFile);
  });
});

describe("the Kubernetes jobs", () => {
  // Resolved inside each test: mutation testing credits a test only with the code it runs itself.
  const resolved = () => {
    const spec = resolveBackupSpec("web-backup", minimalArgs("kubernetes", { namespace: "apps" }));
    return { spec, secrets: repositorySecrets(spec) };
  };

  it.each(SCHEDULED_JOBS)(
    "the %s CronJob is valid, not suspended, in its namespace, its pods selected by its NetworkPolicy",
    (job) => {
      const { spec, secrets } = resolved();
      const cronJob = backupCronJob(spec, {}, job, secrets, "web-backup-repository") as unknown as Rendered;
      validateKubernetesObject(cronJob);
      expect(cronJob.apiVersion).toBe("batch/v1");
      expect(cronJob.kind).toBe("CronJob");
      expect(cronJob.metadata.namespace).toBe("apps");
      expect(cronJob.metadata.name).toBe(job === "backup" ? "web-backup" : `web-backup-${job}`);
      expect(cronJob.spec.suspend).toBe(false);
      const selector = selectedBy(backupContainer(spec, {}, job, secrets));
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      expect(cronJob.spec.jobTemplate?.metadata?.labels).toMatchObject(selector);
      expect(cronJob.spec.jobTemplate?.spec.template.metadata?.labels).toMatchObject(selector);
    },
  );

  it("the restore Job is valid, runs the snapshot asked for, and its pod is selected like the backup's", () => {
    const { spec, secrets } = resolved();
    const job = restoreJob(spec, {}, "4f2a9c1e", secrets, "web-backup-repository") as unknown as Rendered;
    validateKubernetesObject(job);
    expect(job.metadata.namespace).toBe("apps");
    expect(job.spec.template?.spec.containers[0].args).toEqual(["4f2a9c1e"]);
    expect(job.spec.template?.metadata?.labels).toMatchObject(
      selectedBy(backupContainer(spec, {}, "restore", secrets)),
    );
  });

  it("leaves the namespace to the provider when none is given", () => {
    const plain = resolveBackupSpec("web-backup", minimalArgs("kubernetes"));
    expect(backupCronJob(plain, {}, "backup", {}, undefined).metadata).not.toHaveProperty("namespace");
  });
});

describe("the Docker restore command", () => {
  const settings = (envs: DockerContainerSettings["envs"]): DockerContainerSettings => ({
    ...dockerOneShotSettings(resolveBackupSpec("web-backup", minimalArgs("docker")), {}, "restore", {}),
    envs,
  });

  it("passes secrets by name only, keeps the plain variables, and drops values it cannot show", () => {
    const given = settings([
      "RESTIC_REPOSITORY=rest:https://backup.example.com/x",
      `RESTIC_PASSWORD=${SECRETS.password}`,
      `RESTIC_PASSWORD_FILE_HINT=plain`,
      `AWS_SECRET_ACCESS_KEY=${SECRETS.s3SecretAccessKey}`,
      { secret: SECRETS.restPassword } as unknown as string,
    ]);
    expect(passedByName(given, ["RESTIC_PASSWORD", "AWS_SECRET_ACCESS_KEY"]).envs).toEqual([
      "RESTIC_REPOSITORY=rest:https://backup.example.com/x",
      "RESTIC_PASSWORD_FILE_HINT=plain",
      "RESTIC_PASSWORD",
      "AWS_SECRET_ACCESS_KEY",
    ]);
  });

  it("is one docker run line, on the repository's network, that never holds a secret", () => {
    const command = dockerRestoreCommand(
      passedByName(settings([`RESTIC_PASSWORD=${SECRETS.password}`, "TARGET_DIR=/target"]), ["RESTIC_PASSWORD"]),
      "web-backup-restore",
      "bridge",
    );
    expect(command).toMatch(/^docker run --rm --network bridge .* "\$\{SNAPSHOT:-latest\}"$/);
    expect(command).toContain("--env RESTIC_PASSWORD ");
    expect(command).toContain("--env TARGET_DIR=/target");
    expect(command).not.toContain(SECRETS.password);
  });

  it("runs without a network for the volume repository, on Docker's bridge for an off-site one", () => {
    expect(oneShotNetwork(resolveBackupSpec("web-backup", minimalArgs("docker")))).toBe("none");
    expect(
      oneShotNetwork(resolveBackupSpec("web-backup", minimalArgs("docker", { repository: REST_REPOSITORY }))),
    ).toBe("bridge");
  });

  it.each([
    ["web-data", "web-data"],
    ["--read-only", "--read-only"],
    ["a b", "'a b'"],
    ["it's", "'it'\\''s'"],
    ["; reboot", "'; reboot'"],
    ["x; reboot", "'x; reboot'"],
    ["$(reboot)x", "'$(reboot)x'"],
    ["", "''"],
  ])("quotes %j for the shell as %s", (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });
});

describe("the restore instructions a Backup outputs", () => {
  const PREAMBLE = [
    `# Restore volume "web-data" from its restic repository into the EMPTY volume (restore refuses a non-empty one).`,
    `# SNAPSHOT: a snapshot ID, default latest (the drill's log and "restic snapshots" list them).`,
  ];

  async function declared(args: BackupArgs): Promise<Backup> {
    let backup: Backup | undefined;
    await record(() => (backup = new Backup("web-backup", args)));
    return backup!;
  }

  it("on Docker: what it restores, the variables to export, what to stop, then one docker run", async () => {
    const backup = await declared(minimalArgs("docker", { repository: REST_REPOSITORY }));
    const lines = (await resolve(backup.restoreCommand)).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 2)).toEqual(PREAMBLE);
    expect(lines[2]).toMatch(
      /^# Export RESTIC_PASSWORD, RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD in this shell first \(.*\); docker run takes them from it by name, so they are never written here\.$/,
    );
    expect(lines[3]).toBe(`# Stop what writes "web-data" first (docker stop <container>), start it again after.`);
    expect(lines[4]).toMatch(/^docker run --rm --network bridge .*--name web-backup-restore /);
    expect(await resolve(backup.repository)).toBe(REST_REPOSITORY.url);
  });

  it("on Docker with the volume repository: nothing to export, no network", async () => {
    const lines = (await resolve((await declared(minimalArgs("docker"))).restoreCommand)).split("\n");
    expect(lines.slice(0, 2)).toEqual(PREAMBLE);
    expect(lines.slice(2, 3)).toEqual([
      `# Stop what writes "web-data" first (docker stop <container>), start it again after.`,
    ]);
    expect(lines[3]).toMatch(/^docker run --rm --network none /);
  });

  it("on Kubernetes: what it restores, what to scale down, then the Job to apply; secrets stay in their Secret", async () => {
    const backup = await declared(minimalArgs("kubernetes", { repository: REST_REPOSITORY }));
    const command = await resolve(backup.restoreCommand);
    expect(command.startsWith([...PREAMBLE, `# Scale the workload mounting "web-data" to 0 first;`].join("\n"))).toBe(
      true,
    );
    expect(command).toMatch(/\nkubectl apply -f - <<EOF\n\{[\s\S]*\}\nEOF$/);
    expect(command).not.toContain("# Export");
  });
});
