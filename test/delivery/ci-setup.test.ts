/** `npm run ci:setup`: credentials from secrets into private files, and what is missing named. */
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type SshOptionsOf, sshEndpointOf, USAGE } from "../../infra/delivery/ci-setup";
import { main as outputsMain, USAGE as OUTPUTS_USAGE } from "../../infra/delivery/outputs";
import { pulumiCli } from "../../infra/promote/outputs";
import { runMain } from "../support/run-main";

const KUBECONFIG =
  "apiVersion: v1\nkind: Config\ncontexts:\n  - name: dockyard-prod\n    context: { cluster: c, user: u }\n";
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH";
const PROD = readFileSync("stacks/Pulumi.prod.yaml", "utf8");
const IPV6_URI = "qemu+ssh://ops@[2001:db8::1]:2222/system";

/** A runner's directory (RUNNER_TEMP and HOME) and the job's environment, secrets set for prod. */
function runnerEnv(knownHosts = `vm-host.prod.example.internal ${HOST_KEY}`) {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-ci-"));
  const env = {
    RUNNER_TEMP: dir,
    HOME: dir,
    KUBECONFIG_DATA: KUBECONFIG,
    SSH_PRIVATE_KEY: KEY,
    SSH_KNOWN_HOSTS: knownHosts,
  };
  return { dir, env, sshConfig: join(dir, ".ssh", "config") };
}

/** prod's stack file with `edit` applied, written beside the runner's files. */
function prodWith(dir: string, edit: (yaml: string) => string): string {
  const file = join(dir, "Pulumi.prod.yaml");
  writeFileSync(file, edit(PROD));
  return file;
}

const withLibvirtUri = (uri: string) => (yaml: string) =>
  yaml.replace("libvirtUri: qemu+ssh://ops@vm-host.prod.example.internal/system", `libvirtUri: ${uri}`);
const SECURE = "secure: v1:AAAAAAAAAAAAAAAA:c2VjcmV0LXZhbHVl";

/** `ssh -G` as it answers when ci:setup's block is in force: the files ci:setup wrote under `dir`. */
const pinnedBy =
  (dir: string): SshOptionsOf =>
  () =>
    [
      "stricthostkeychecking true",
      `userknownhostsfile ${join(dir, "dockyard-prod", "known_hosts")}`,
      `identityfile ${join(dir, "dockyard-prod", "id_libvirt")}`,
    ].join("\n");

/** A known_hosts host entry hashed as `ssh-keygen -H` writes it: |1|salt|HMAC-SHA1(salt, name). */
function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

/** Every line a failed run printed: each names the stack, and none is a stack trace. */
function errorLines(stderr: string): string[] {
  const lines = stderr.trim().split("\n");
  expect(lines.every((line) => line.startsWith("ci:setup prod: "))).toBe(true);
  return lines;
}

/** A runner that records each command line; the `missing` commands (or all) are not installed. */
function recordingRunner(missing: readonly string[] | "all") {
  const calls: string[] = [];
  const runner = (command: string, args: string[]) => {
    calls.push([command, ...args].join(" "));
    return missing === "all" || missing.includes(command)
      ? Promise.reject(new Error(`${command} not found on PATH`))
      : Promise.resolve("");
  };
  return { calls, runner };
}

describe("ci:setup", () => {
  it("writes the kubeconfig and the libvirt host's key and known key, private, and exports KUBECONFIG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-ci-"));
    const env = {
      RUNNER_TEMP: dir,
      HOME: dir,
      GITHUB_ENV: join(dir, "github-env"),
      KUBECONFIG_DATA: KUBECONFIG,
      SSH_PRIVATE_KEY: KEY,
      SSH_KNOWN_HOSTS: "vm-host.prod.example.internal ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH",
    };
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, pinnedBy(dir)), ["prod"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const kubeconfig = join(dir, "dockyard-prod", "kubeconfig");
    expect(readFileSync(env.GITHUB_ENV, "utf8")).toBe(`KUBECONFIG=${kubeconfig}\n`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "dockyard-prod", "id_libvirt")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, ".ssh", "config"), "utf8")).toContain(
      "Host vm-host.prod.example.internal\n  IdentityFile",
    );
    expect(readFileSync(join(dir, ".ssh", "config"), "utf8")).toContain("StrictHostKeyChecking yes");
    expect(statSync(join(dir, ".ssh", "config")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, ".ssh")).mode & 0o777).toBe(0o700);
  });

  it("installs virsh when it is missing and the stack has VMs over ssh", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-ci-"));
    const env = {
      RUNNER_TEMP: dir,
      HOME: dir,
      KUBECONFIG_DATA: KUBECONFIG,
      SSH_PRIVATE_KEY: KEY,
      SSH_KNOWN_HOSTS: "vm-host.prod.example.internal ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH",
    };
    const { calls, runner } = recordingRunner(["virsh"]);
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, runner, pinnedBy(dir)), [
      "prod",
      "--install-tools",
    ]);
    expect(run.code).toBe(0);
    expect(calls).toEqual([
      "virsh --version",
      "sudo apt-get update -q",
      "sudo apt-get install -y -q --no-install-recommends libvirt-clients openssh-client",
    ]);
  });

  it("installs ssh with virsh when ssh is missing, and says ssh is needed when it is not installed", async () => {
    const { dir, env } = runnerEnv();
    const { calls, runner } = recordingRunner(["ssh"]);
    const installed = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, runner, pinnedBy(dir)), [
      "prod",
      "--install-tools",
    ]);
    expect(installed.code).toBe(0);
    expect(calls.at(-1)).toBe("sudo apt-get install -y -q --no-install-recommends libvirt-clients openssh-client");
    const missing = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, runner, () => undefined), ["prod"]);
    expect(missing.code).toBe(1);
    expect(errorLines(missing.stderr)).toEqual([
      "ci:setup prod: ssh (openssh-client) is not installed: libvirt's qemu+ssh transport needs it; --install-tools installs it",
    ]);
  });

  it("names every missing or wrong secret at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-ci-"));
    const env = { RUNNER_TEMP: dir, HOME: dir, KUBECONFIG_DATA: KUBECONFIG.replace("dockyard-prod", "other") };
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      'ci:setup prod: KUBECONFIG_DATA has no context "dockyard-prod" (it has: other)',
      "ci:setup prod: SSH_PRIVATE_KEY is not an OpenSSH private key: set the libvirt host's deploy key",
      "ci:setup prod: SSH_KNOWN_HOSTS has no key for vm-host.prod.example.internal: add the output of `ssh-keyscan vm-host.prod.example.internal`, checked out of band",
    ]);
  });

  it("finds the ssh host and port of a libvirt URI", () => {
    expect(sshEndpointOf("qemu+ssh://ops@vm-host.example:2222/system")).toEqual({
      host: "vm-host.example",
      port: 2222,
    });
    expect(sshEndpointOf(IPV6_URI)).toEqual({ host: "2001:db8::1", port: 2222 });
    expect(sshEndpointOf("qemu+ssh://[2001:db8::1]/system")).toEqual({ host: "2001:db8::1" });
    expect(sshEndpointOf("qemu+libssh2://VM/system?keyfile=/k")).toEqual({ host: "vm" });
    expect(sshEndpointOf("qemu+tls://vm/system")).toBeUndefined();
    expect(sshEndpointOf("qemu:///system")).toBeUndefined();
    expect(sshEndpointOf(undefined)).toBeUndefined();
  });

  it("takes any kubeconfig with a context when the stack's context is a secret, and never prints its stand-in", async () => {
    const { dir, env } = runnerEnv();
    const file = prodWith(dir, (yaml) => yaml.replace("kubeContext: dockyard-prod", `kubeContext:\n      ${SECURE}`));
    const secretContext = (kubeconfig: string) =>
      runMain(
        "ci:setup",
        USAGE,
        (a, io) => main(a, io, { ...env, KUBECONFIG_DATA: kubeconfig }, undefined, pinnedBy(dir)),
        ["prod", "--config-file", file],
      );
    const run = await secretContext(KUBECONFIG.replace("dockyard-prod", "whatever-the-cluster-is"));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain(
      `KUBECONFIG=${join(dir, "dockyard-prod", "kubeconfig")} (context name is a secret: not checked)`,
    );
    expect(run.stdout).not.toContain("offline-secret-value");
    const none = await secretContext("apiVersion: v1\nkind: Config\ncontexts: []\n");
    expect(none.code).toBe(1);
    expect(errorLines(none.stderr)).toEqual([
      "ci:setup prod: KUBECONFIG_DATA holds no context: set it to a kubeconfig with the stack's context (endpoints.kubeContext, a secret)",
    ]);
    const empty = await secretContext("");
    expect(empty.stderr).toContain("KUBECONFIG_DATA is empty");
    expect(empty.stderr).not.toContain("offline-secret-value");
  });

  it("says a secret libvirt URI cannot be checked offline, in one line", async () => {
    const { dir, env } = runnerEnv();
    const file = prodWith(dir, withLibvirtUri(`\n      ${SECURE}`));
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, pinnedBy(dir)), [
      "prod",
      "--config-file",
      file,
    ]);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      `ci:setup prod: dockyard:endpoints.libvirtUri in ${file} is a secret, which ci:setup cannot check offline: set it in plain text (ci:setup needs the host to pin its key in ~/.ssh/config; the URI holds no credential)`,
    ]);
  });

  it("looks an IPv6 host on another port up as [host]:port, as ssh does, and tells ssh the port", async () => {
    const { dir, env, sshConfig } = runnerEnv(`[2001:db8::1]:2222 ${HOST_KEY}`);
    const file = prodWith(dir, withLibvirtUri(IPV6_URI));
    const setup = (known: string) =>
      runMain("ci:setup", USAGE, (a, io) => main(a, io, { ...env, SSH_KNOWN_HOSTS: known }, undefined, pinnedBy(dir)), [
        "prod",
        "--config-file",
        file,
      ]);
    const run = await setup(env.SSH_KNOWN_HOSTS);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("ssh [2001:db8::1]:2222");
    expect(readFileSync(sshConfig, "utf8")).toContain("Host 2001:db8::1\n  Port 2222\n  IdentityFile");
    expect((await setup(`${hashedName("[2001:db8::1]:2222")} ${HOST_KEY}`)).code).toBe(0);
    const bare = await setup(`2001:db8::1 ${HOST_KEY}`);
    expect(bare.code).toBe(1);
    expect(errorLines(bare.stderr)).toEqual([
      `ci:setup prod: SSH_KNOWN_HOSTS has no key for [2001:db8::1]:2222 (off port 22, ssh looks the host up as "[host]:port"): add the output of \`ssh-keyscan -p 2222 2001:db8::1\`, checked out of band`,
    ]);
  });

  it("looks a host on port 22 up by its plain name, hashed or not", async () => {
    const { dir, env, sshConfig } = runnerEnv(`vm-host.example ${HOST_KEY}`);
    const file = prodWith(dir, withLibvirtUri("qemu+ssh://ops@vm-host.example:22/system"));
    const setup = (known: string) =>
      runMain("ci:setup", USAGE, (a, io) => main(a, io, { ...env, SSH_KNOWN_HOSTS: known }, undefined, pinnedBy(dir)), [
        "prod",
        "--config-file",
        file,
      ]);
    expect(await setup(env.SSH_KNOWN_HOSTS)).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(sshConfig, "utf8")).toContain("Host vm-host.example\n  Port 22\n");
    expect((await setup(`${hashedName("vm-host.example")} ${HOST_KEY}`)).code).toBe(0);
    expect((await setup(`${hashedName("other.example")} ${HOST_KEY}`)).code).toBe(1);
    expect((await setup(`[vm-host.example]:22 ${HOST_KEY}`)).code).toBe(1);
  });

  it("puts its block first in ~/.ssh/config, keeps the runner's global options for every host, and replaces its block on a re-run", async () => {
    const { dir, env, sshConfig } = runnerEnv();
    mkdirSync(join(dir, ".ssh"), { mode: 0o700 });
    const runners = "ServerAliveInterval 30\nHost *\n  StrictHostKeyChecking no\n";
    writeFileSync(sshConfig, runners, { mode: 0o644 });
    const setup = () => runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, pinnedBy(dir)), ["prod"]);
    expect((await setup()).code).toBe(0);
    const written = readFileSync(sshConfig, "utf8");
    expect(written).toBe(
      [
        "# dockyard prod: begin",
        "# Written by ci:setup, which replaces it on each run: it must stay first (ssh keeps the first value).",
        "Host vm-host.prod.example.internal",
        `  IdentityFile "${join(dir, "dockyard-prod", "id_libvirt")}"`,
        "  IdentitiesOnly yes",
        `  UserKnownHostsFile "${join(dir, "dockyard-prod", "known_hosts")}"`,
        "  StrictHostKeyChecking yes",
        "Host *",
        "# dockyard prod: end",
        runners,
      ].join("\n"),
    );
    expect(statSync(sshConfig).mode & 0o777).toBe(0o600);
    expect((await setup()).code).toBe(0);
    expect(readFileSync(sshConfig, "utf8")).toBe(written);
  });

  it("fails, naming the setting and the file, when ssh would not use what it pinned", async () => {
    const { dir, env, sshConfig } = runnerEnv();
    const elsewhere: SshOptionsOf = (file, host) =>
      `${pinnedBy(dir)(file, host)}`.replace(/^userknownhostsfile .*$/m, "userknownhostsfile /etc/ssh/anyone");
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, elsewhere), ["prod"]);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      `ci:setup prod: ssh would use UserKnownHostsFile /etc/ssh/anyone for vm-host.prod.example.internal, not ${join(dir, "dockyard-prod", "known_hosts")}: ${sshConfig} (or a file it includes) overrides the block ci:setup wrote at its top`,
    ]);
    const broken: SshOptionsOf = () => {
      throw new Error("ssh -G failed (exit 255)\n  /x/.ssh/config line 3: Bad configuration option: bogus");
    };
    const unreadable = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, broken), ["prod"]);
    expect(errorLines(unreadable.stderr)).toEqual([
      `ci:setup prod: ssh cannot read ${sshConfig}: ssh -G failed (exit 255) /x/.ssh/config line 3: Bad configuration option: bogus`,
    ]);
  });
});

describe("ci:setup --read-only (pull-request previews and the drift check)", () => {
  /** The job's environment in a read-only environment: no deploy credential in it. */
  function readOnlyEnv(extra: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-ci-"));
    const env = { RUNNER_TEMP: dir, HOME: dir, GITHUB_ENV: join(dir, "github-env"), ...extra };
    return { dir, env, sshConfig: join(dir, ".ssh", "config") };
  }

  it("a preview takes the read-only kubeconfig and no libvirt key: a preview never calls virsh", async () => {
    const { dir, env, sshConfig } = readOnlyEnv({ READ_ONLY_KUBECONFIG: KUBECONFIG });
    const { calls, runner } = recordingRunner("all");
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, runner, pinnedBy(dir)), [
      "prod",
      "--read-only",
      "--install-tools",
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const kubeconfig = join(dir, "dockyard-prod", "kubeconfig");
    expect(run.stdout).toBe(
      `ci:setup prod: KUBECONFIG=${kubeconfig}, no libvirt key (a preview without --refresh never calls virsh)\n`,
    );
    expect(readFileSync(env.GITHUB_ENV, "utf8")).toBe(`KUBECONFIG=${kubeconfig}\n`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    // Nothing installed, no ssh block, no key file.
    expect(calls).toEqual([]);
    expect(() => statSync(sshConfig)).toThrow();
    expect(() => statSync(join(dir, "dockyard-prod", "id_libvirt"))).toThrow();
  });

  it("the drift check (--refresh) takes the read-only libvirt key and pins the host like the deploy key", async () => {
    const { dir, env, sshConfig } = readOnlyEnv({
      READ_ONLY_KUBECONFIG: KUBECONFIG,
      READ_ONLY_SSH_KEY: KEY,
      SSH_KNOWN_HOSTS: `vm-host.prod.example.internal ${HOST_KEY}`,
    });
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, pinnedBy(dir)), [
      "prod",
      "--read-only",
      "--refresh",
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("ssh vm-host.prod.example.internal");
    expect(readFileSync(join(dir, "dockyard-prod", "id_libvirt"), "utf8")).toBe(KEY);
    expect(readFileSync(sshConfig, "utf8")).toContain("Host vm-host.prod.example.internal\n  IdentityFile");
  });

  it("names every missing read-only secret, and refuses a deploy credential beside them", async () => {
    const { env } = readOnlyEnv({ KUBECONFIG_DATA: KUBECONFIG, SSH_PRIVATE_KEY: KEY });
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod", "--read-only", "--refresh"]);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      "ci:setup prod: KUBECONFIG_DATA is set: a read-only run takes READ_ONLY_KUBECONFIG, never a deploy credential; remove KUBECONFIG_DATA from the job",
      "ci:setup prod: SSH_PRIVATE_KEY is set: a read-only run takes READ_ONLY_SSH_KEY, never a deploy credential; remove SSH_PRIVATE_KEY from the job",
      "ci:setup prod: READ_ONLY_KUBECONFIG is empty: set the read-only environment's secret to a kubeconfig with context dockyard-prod",
      "ci:setup prod: READ_ONLY_SSH_KEY is not an OpenSSH private key: set a key the libvirt host forces onto its read-only socket (docs/guides/delivery.md)",
      "ci:setup prod: SSH_KNOWN_HOSTS has no key for vm-host.prod.example.internal: add the output of `ssh-keyscan vm-host.prod.example.internal`, checked out of band",
    ]);
  });

  it("a preview of a stack whose libvirt URI is a secret needs no URI: it never reaches the host", async () => {
    const { dir, env } = readOnlyEnv({ READ_ONLY_KUBECONFIG: KUBECONFIG });
    const file = prodWith(dir, withLibvirtUri(`\n      ${SECURE}`));
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, pinnedBy(dir)), [
      "prod",
      "--read-only",
      "--config-file",
      file,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
  });

  it("--refresh is only for read-only runs: misuse, exit 2", async () => {
    const { env } = readOnlyEnv();
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod", "--refresh"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--refresh is for read-only runs (the drift check): add --read-only");
  });
});

describe("outputs", () => {
  it("runs the Pulumi CLI CI installed, not npm's launcher in node_modules/.bin", () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-bin-"));
    const launcher = join(dir, "node_modules", ".bin");
    mkdirSync(launcher, { recursive: true });
    writeFileSync(join(launcher, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
    writeFileSync(join(dir, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
    expect(pulumiCli({ PATH: `${launcher}:${dir}` })).toBe(join(dir, "pulumi"));
    expect(pulumiCli({ PATH: launcher })).toBe("pulumi");
    expect(pulumiCli({ PULUMI_CLI: "/opt/pulumi", PATH: dir })).toBe("/opt/pulumi");
  });

  it("saves a stack's outputs as the CLI prints them", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dockyard-out-")), "test-outputs.json");
    const calls: string[][] = [];
    const cli = (command: string, args: string[]) => {
      calls.push([command, ...args]);
      return Promise.resolve('{"images":{"web":"x"}}');
    };
    const run = await runMain("outputs", OUTPUTS_USAGE, (a, io) => outputsMain(a, io, cli), ["test", "--out", out]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(calls).toEqual([["pulumi", "stack", "output", "--json", "--stack", "test"]]);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ images: { web: "x" } });
    const notObject = await runMain(
      "outputs",
      OUTPUTS_USAGE,
      (a, io) => outputsMain(a, io, () => Promise.resolve("[]")),
      ["test", "--out", out],
    );
    expect(notObject.code).toBe(1);
  });
});
