/** `npm run ci:setup`: credentials from secrets into private files, and what is missing named. */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, sshHostOf, USAGE } from "../../infra/delivery/ci-setup";
import { main as outputsMain, USAGE as OUTPUTS_USAGE } from "../../infra/delivery/outputs";
import { pulumiCli } from "../../infra/promote/outputs";
import { runMain } from "../support/run-main";

const KUBECONFIG =
  "apiVersion: v1\nkind: Config\ncontexts:\n  - name: dockyard-prod\n    context: { cluster: c, user: u }\n";
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

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
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env), ["prod"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const kubeconfig = join(dir, "dockyard-prod", "kubeconfig");
    expect(readFileSync(env.GITHUB_ENV, "utf8")).toBe(`KUBECONFIG=${kubeconfig}\n`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "dockyard-prod", "id_libvirt")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, ".ssh", "config"), "utf8")).toContain(
      "Host vm-host.prod.example.internal\n  IdentityFile",
    );
    expect(readFileSync(join(dir, ".ssh", "config"), "utf8")).toContain("StrictHostKeyChecking yes");
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
    const calls: string[] = [];
    const runner = (command: string, args: string[]) => {
      calls.push([command, ...args].join(" "));
      return command === "virsh" ? Promise.reject(new Error("virsh not found on PATH")) : Promise.resolve("");
    };
    const run = await runMain("ci:setup", USAGE, (a, io) => main(a, io, env, runner), ["prod", "--install-tools"]);
    expect(run.code).toBe(0);
    expect(calls).toEqual([
      "virsh --version",
      "sudo apt-get update -q",
      "sudo apt-get install -y -q --no-install-recommends libvirt-clients",
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

  it("finds the ssh host of a libvirt URI", () => {
    expect(sshHostOf("qemu+ssh://ops@vm-host.example:2222/system")).toBe("vm-host.example");
    expect(sshHostOf("qemu+libssh2://vm/system")).toBe("vm");
    expect(sshHostOf("qemu+tls://vm/system")).toBeUndefined();
    expect(sshHostOf(undefined)).toBeUndefined();
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
