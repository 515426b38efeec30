/**
 * Real ssh: the block ci:setup pins the libvirt host with is what `ssh -G` (the consumer, run by
 * libvirt's qemu+ssh transport) takes for that host, above a runner config that turns host-key
 * checking off for every host; other hosts keep the runner's settings.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputOf } from "../../../infra/cli/bounded-run";
import { main, USAGE } from "../../../infra/delivery/ci-setup";
import { runMain } from "../../support/run-main";
import { needs } from "../support/needs";

needs("ssh");

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH";
const KUBECONFIG_DATA =
  "apiVersion: v1\nkind: Config\ncontexts:\n  - name: dockyard-prod\n    context: { cluster: c, user: u }\n";
const RUNNERS_CONFIG = "Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n";

/** A runner whose ~/.ssh/config turns host-key checking off, and prod's stack file with `uri`. */
function runner(uri: string, knownHosts: string) {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-ci-ssh-"));
  mkdirSync(join(dir, ".ssh"), { mode: 0o700 });
  const sshConfig = join(dir, ".ssh", "config");
  writeFileSync(sshConfig, RUNNERS_CONFIG, { mode: 0o600 });
  const stackFile = join(dir, "Pulumi.prod.yaml");
  writeFileSync(
    stackFile,
    readFileSync("stacks/Pulumi.prod.yaml", "utf8").replace(
      "libvirtUri: qemu+ssh://ops@vm-host.prod.example.internal/system",
      `libvirtUri: ${uri}`,
    ),
  );
  const env = { RUNNER_TEMP: dir, HOME: dir, KUBECONFIG_DATA, SSH_PRIVATE_KEY: KEY, SSH_KNOWN_HOSTS: knownHosts };
  return { dir, sshConfig, stackFile, env };
}

/** What ssh takes for `host` under `configFile`: `ssh -G`'s options, by name. */
function effective(configFile: string, host: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const line of outputOf("ssh", ["-G", "-F", configFile, "--", host], { timeoutMs: 10_000 }).split("\n")) {
    const [name, ...value] = line.split(" ");
    options[name] ??= value.join(" ");
  }
  return options;
}

describe("ci:setup with the real ssh", () => {
  it("pins the host above a runner's `Host *` that turns checking off, and leaves other hosts as they were", async () => {
    const { dir, sshConfig, stackFile, env } = runner(
      "qemu+ssh://ops@vm-host.prod.example.internal/system",
      `vm-host.prod.example.internal ${HOST_KEY}`,
    );
    const setup = () => runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod", "--config-file", stackFile]);
    expect(await setup()).toMatchObject({ code: 0, stderr: "" });
    expect(effective(sshConfig, "vm-host.prod.example.internal")).toMatchObject({
      stricthostkeychecking: "true",
      userknownhostsfile: join(dir, "dockyard-prod", "known_hosts"),
      identityfile: join(dir, "dockyard-prod", "id_libvirt"),
      identitiesonly: "yes",
    });
    expect(effective(sshConfig, "other.example")).toMatchObject({
      stricthostkeychecking: "false",
      userknownhostsfile: "/dev/null",
    });
    expect(await setup()).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(sshConfig, "utf8").split("# dockyard prod: begin")).toHaveLength(2);
    expect(readFileSync(sshConfig, "utf8").endsWith(RUNNERS_CONFIG)).toBe(true);
  });

  it("pins an IPv6 host by its bare address, on the URI's port", async () => {
    const { dir, sshConfig, stackFile, env } = runner(
      "qemu+ssh://ops@[2001:db8::1]:2222/system",
      `[2001:db8::1]:2222 ${HOST_KEY}`,
    );
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod", "--config-file", stackFile]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(effective(sshConfig, "2001:db8::1")).toMatchObject({
      port: "2222",
      stricthostkeychecking: "true",
      userknownhostsfile: join(dir, "dockyard-prod", "known_hosts"),
    });
  });

  it("fails naming the file when ssh cannot read the runner's config", async () => {
    const { sshConfig, stackFile, env } = runner(
      "qemu+ssh://ops@vm-host.prod.example.internal/system",
      `vm-host.prod.example.internal ${HOST_KEY}`,
    );
    writeFileSync(sshConfig, "NoSuchOption yes\n");
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod", "--config-file", stackFile]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(
      new RegExp(`^ci:setup prod: ssh cannot read ${sshConfig}: .*Bad configuration option: nosuchoption`),
    );
  });
});
