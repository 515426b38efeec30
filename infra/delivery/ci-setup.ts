/**
 * `npm run ci:setup -- <stack> [--config-file FILE] [--install-tools]`
 *
 * Gives a CI runner what `pulumi up` on a stack needs beyond the Pulumi login, from the job's
 * environment (repository or environment secrets):
 * - KUBECONFIG_DATA: a kubeconfig holding the stack's `endpoints.kubeContext`, written to a
 *   private file and exported as KUBECONFIG for the following steps;
 * - SSH_PRIVATE_KEY and SSH_KNOWN_HOSTS (when the stack's libvirt URI goes over ssh): the key
 *   and the host's known key, tied to that host in ~/.ssh/config — never trust-on-first-use;
 * - with --install-tools, `virsh` (Debian/Ubuntu libvirt-clients) when it is missing.
 * Exit 0 ready, 1 something missing (one line each, naming the secret), 2 usage.
 */
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { type CliIO, InputError, UsageError } from "../cli/run";
import { checkStackName, defaultStackFile } from "../cli/stack-name";
import type { Runner } from "../promote/outputs";

export const USAGE = "usage: npm run ci:setup -- <stack> [--config-file FILE] [--install-tools]";

export async function main(argv: string[], io: CliIO, env = process.env, run?: Runner): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { "config-file": { type: "string" }, "install-tools": { type: "boolean" } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [stack, ...extra] = parsed.positionals;
  if (!stack || extra.length > 0) throw new UsageError("give one stack name");
  checkStackName(stack);
  const { validateConfig } = await import("../config");
  const { settingsConfigSource } = await import("../config-source");
  const { catalog } = await import("../platform");
  const { readStackSettings } = await import("../stack-file");
  const file = parsed.values["config-file"] || defaultStackFile(stack);
  const { data } = validateConfig(catalog, settingsConfigSource(readStackSettings(file)));

  const problems: string[] = [];
  const dir = join(env.RUNNER_TEMP || tmpdir(), `dockyard-${stack}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const exported: string[] = [];
  const context = data.endpoints.kubeContext;
  if (data.target === "kubernetes" && context !== undefined) {
    const kubeconfig = env.KUBECONFIG_DATA ?? "";
    const contexts = contextNames(kubeconfig);
    if (kubeconfig.trim() === "")
      problems.push(
        `KUBECONFIG_DATA is empty: set the ${stack} environment's secret to a kubeconfig with context ${context}`,
      );
    else if (!contexts.includes(context))
      problems.push(`KUBECONFIG_DATA has no context "${context}" (it has: ${contexts.join(", ") || "none"})`);
    else {
      const path = privateFile(join(dir, "kubeconfig"), kubeconfig);
      exportVariable(env, "KUBECONFIG", path);
      exported.push(`KUBECONFIG=${path}`);
    }
  }
  const sshHost = sshHostOf(data.endpoints.libvirtUri);
  if (sshHost !== undefined && Object.values(data.vms).some((vm) => vm.enabled)) {
    const key = env.SSH_PRIVATE_KEY ?? "";
    const known = env.SSH_KNOWN_HOSTS ?? "";
    if (!key.includes("PRIVATE KEY-----"))
      problems.push("SSH_PRIVATE_KEY is not an OpenSSH private key: set the libvirt host's deploy key");
    if (!known.split("\n").some((line) => line.split(/[\s,]/)[0] === sshHost || line.includes(`[${sshHost}]`)))
      problems.push(
        `SSH_KNOWN_HOSTS has no key for ${sshHost}: add the output of \`ssh-keyscan ${sshHost}\`, checked out of band`,
      );
    if (problems.length === 0) {
      const keyFile = privateFile(join(dir, "id_libvirt"), key.endsWith("\n") ? key : `${key}\n`);
      const knownFile = privateFile(join(dir, "known_hosts"), known.endsWith("\n") ? known : `${known}\n`);
      const sshDir = join(env.HOME || homedir(), ".ssh");
      mkdirSync(sshDir, { recursive: true, mode: 0o700 });
      appendFileSync(
        join(sshDir, "config"),
        `\n# dockyard ${stack}: libvirt host\nHost ${sshHost}\n  IdentityFile ${keyFile}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${knownFile}\n  StrictHostKeyChecking yes\n`,
        { mode: 0o600 },
      );
      exported.push(`ssh ${sshHost}`);
    }
  }
  if (problems.length > 0) throw new InputError(problems.map((p) => `ci:setup ${stack}: ${p}`).join("\n"));
  if (parsed.values["install-tools"] && sshHost !== undefined) {
    const runner = run ?? (await import("../promote/outputs")).runStreaming;
    try {
      await runner("virsh", ["--version"]);
    } catch {
      await runner("sudo", ["apt-get", "update", "-q"]);
      await runner("sudo", ["apt-get", "install", "-y", "-q", "--no-install-recommends", "libvirt-clients"]);
      exported.push("virsh installed");
    }
  }
  io.out(`ci:setup ${stack}: ${exported.join(", ") || "nothing needed"}`);
  return 0;
}

function contextNames(kubeconfig: string): string[] {
  try {
    const parsed = parse(kubeconfig, { maxAliasCount: 16 }) as { contexts?: { name?: unknown }[] } | null;
    return (parsed?.contexts ?? []).map((entry) => String(entry?.name));
  } catch {
    return [];
  }
}

/** The host of a `qemu+ssh://[user@]host[:port]/…` URI (or libssh, libssh2), else undefined. */
export function sshHostOf(uri: string | undefined): string | undefined {
  const match = uri === undefined ? null : /^qemu\+(?:ssh|libssh|libssh2):\/\/(?:[^@/]+@)?([^/:?]+)/.exec(uri);
  return match?.[1];
}

function privateFile(path: string, content: string): string {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** Sets a variable for the following steps of a GitHub Actions job (no-op elsewhere). */
function exportVariable(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (env.GITHUB_ENV) appendFileSync(env.GITHUB_ENV, `${name}=${value}\n`);
}
