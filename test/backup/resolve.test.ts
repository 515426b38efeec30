/**
 * Backup's argument resolution, on its own: each mistake is one problem naming its argument, with
 * the message an operator reads; limits hold exactly at their edge.
 */
import { describe, expect, it } from "vitest";
import type { BackupArgs } from "../../components/backup";
import { MAX_NAME_LENGTH, resolveBackupSpec } from "../../components/backup/resolve";
import { ComponentArgError } from "../../components/errors";
import { KNOWN_HOST, minimalArgs, SECRETS, sourceVolume } from "./support";

/** The problems resolving these Args reports, as `argument message` lines. */
function problemsOf(args: BackupArgs | Record<string, unknown>, name = "web-backup"): string[] {
  try {
    resolveBackupSpec(name, args as BackupArgs);
  } catch (error) {
    if (!(error instanceof ComponentArgError)) throw error;
    return error.problems.map((p) => `${p.argument} ${p.problem}`);
  }
  return [];
}

const SFTP = { url: "sftp:backup@backup.example.com:/srv/restic", password: SECRETS.password };

describe("resolveBackupSpec", () => {
  it(`takes a name of ${MAX_NAME_LENGTH} characters and refuses one more (CronJob names append "-check")`, () => {
    expect(problemsOf(minimalArgs("kubernetes"), "b".repeat(MAX_NAME_LENGTH))).toEqual([]);
    expect(problemsOf(minimalArgs("kubernetes"), "b".repeat(MAX_NAME_LENGTH + 1))).toEqual([
      `name must have at most ${MAX_NAME_LENGTH} characters (CronJob names append "-check"), got ${MAX_NAME_LENGTH + 1}`,
    ]);
  });

  it.each([
    [
      "a missing target",
      { ...minimalArgs("docker"), target: undefined },
      `target must be "docker" or "kubernetes", got ""`,
    ],
    [
      "an unknown target",
      { ...minimalArgs("docker"), target: "kube" },
      `target must be "docker" or "kubernetes", got "kube"`,
    ],
    ["no volume", minimalArgs("docker", { volume: undefined }), "volume must be the PersistentVolume to back up"],
    ["a null volume", { ...minimalArgs("docker"), volume: null }, "volume must be the PersistentVolume to back up"],
    [
      "a volume without a name",
      { ...minimalArgs("docker"), volume: { volumeName: "x", accessMode: "ReadWriteOnce" } },
      "volume must be the PersistentVolume to back up",
    ],
    [
      "a ReadWriteOncePod volume on Kubernetes",
      minimalArgs("kubernetes", { volume: sourceVolume("web-data", "ReadWriteOncePod") }),
      `volume "web-data" is ReadWriteOncePod: no second pod can mount it, so a backup job cannot read it; use ReadWriteOnce`,
    ],
    [
      "a ReadWriteOnce volume on Kubernetes without colocation",
      minimalArgs("kubernetes", { colocateWith: undefined }),
      `colocateWith is required on Kubernetes for the ReadWriteOnce volume "web-data": give the labels of the pods that mount it (e.g. { "app.kubernetes.io/instance": "web" }) so the backup job runs on their node`,
    ],
    [
      "a null image",
      minimalArgs("docker", { image: null as unknown as string }),
      "image must be a digest-pinned image reference (repo@sha256:…), got null",
    ],
    [
      "an empty image",
      minimalArgs("docker", { image: "" }),
      `image must be a digest-pinned image reference (repo@sha256:…), got ""`,
    ],
    [
      "a source size of zero",
      minimalArgs("docker", { sourceSizeGiB: 0 }),
      "sourceSizeGiB must be an integer from 1 to 65536, got 0",
    ],
    [
      "a namespace that is not a DNS label",
      minimalArgs("docker", { namespace: "Team_A" }),
      "namespace must be a DNS label",
    ],
    [
      "an empty list of known hosts",
      minimalArgs("docker", { repository: { ...SFTP, sshPrivateKey: SECRETS.sshPrivateKey, sshKnownHosts: [] } }),
      "repository.sshKnownHosts must be a list of known_hosts lines, got []",
    ],
    [
      "known hosts as one string",
      minimalArgs("docker", {
        repository: { ...SFTP, sshPrivateKey: SECRETS.sshPrivateKey, sshKnownHosts: KNOWN_HOST as unknown as string[] },
      }),
      `repository.sshKnownHosts must be a list of known_hosts lines, got "${KNOWN_HOST}"`,
    ],
  ])("%s: one problem", (_what, args, line) => {
    const problems = problemsOf(args);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(line), problems[0]).toBe(true);
  });

  it("a ReadWriteOncePod volume on Docker is backed up like any other", () => {
    expect(problemsOf(minimalArgs("docker", { volume: sourceVolume("web-data", "ReadWriteOncePod") }))).toEqual([]);
  });

  it("an SFTP key given as an empty string counts as missing", () => {
    expect(
      problemsOf(minimalArgs("docker", { repository: { ...SFTP, sshPrivateKey: "", sshKnownHosts: [KNOWN_HOST] } })),
    ).toEqual([expect.stringMatching(/^repository\.sshPrivateKey /)]);
  });

  it("keeps the repository: none given is the volume repository, a URL an off-site one with its known hosts", () => {
    expect(resolveBackupSpec("web-backup", minimalArgs("docker")).repository).toEqual({
      kind: "volume",
      password: undefined,
    });
    const sftp = resolveBackupSpec(
      "web-backup",
      minimalArgs("docker", {
        repository: { ...SFTP, sshPrivateKey: SECRETS.sshPrivateKey, sshKnownHosts: [KNOWN_HOST] },
      }),
    ).repository;
    expect(sftp).toMatchObject({ kind: "remote", url: SFTP.url, sshKnownHosts: [KNOWN_HOST] });
  });
});
