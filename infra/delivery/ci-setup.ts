/**
 * `npm run ci:setup -- <stack> [--config-file FILE] [--install-tools] [--read-only [--refresh]]`
 *
 * Gives a CI runner what `pulumi up` on a stack needs beyond the Pulumi login, from the job's
 * environment (repository or environment secrets):
 * - KUBECONFIG_DATA: a kubeconfig holding the stack's `endpoints.kubeContext`, written to a
 *   private file and exported as KUBECONFIG for the following steps;
 * - SSH_PRIVATE_KEY and SSH_KNOWN_HOSTS (when the stack's libvirt URI goes over ssh): the key
 *   and the host's known key, tied to that host at the top of ~/.ssh/config, where ssh takes
 *   them before any other setting — never trust-on-first-use — and checked with `ssh -G`;
 * - with --install-tools, `virsh` and `ssh` (Debian/Ubuntu libvirt-clients, openssh-client)
 *   when either is missing.
 *
 * With --read-only (pull-request previews and the drift check: docs/guides/delivery.md) it takes
 * the read-only credentials instead, and refuses to run beside a deploy credential:
 * - READ_ONLY_KUBECONFIG: a kubeconfig bound to deploy/rbac/preview-reader.yaml (drift:
 *   drift-reader.yaml), checked and exported like KUBECONFIG_DATA;
 * - libvirt: nothing. A preview never calls virsh — the VMs' providers check and diff without
 *   the host; only a refresh reads it — so a pull request's job holds no libvirt key at all;
 * - with --refresh (the drift check, `pulumi preview --refresh`): READ_ONLY_SSH_KEY, a key the
 *   libvirt host forces onto its read-only socket, and SSH_KNOWN_HOSTS, pinned like the deploy key.
 * With --trust-ca (its own step, first in every job that reaches the stack's hosts) it makes the
 * job's tools trust the stack's CA, from STACK_CA_CERT, for the stack's registry and mirror and
 * those of each --registry-of stack (deploy-prod copies from test's): ./trust-ca.ts.
 * Exit 0 ready, 1 something missing (one line each, naming the secret), 2 usage.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ChildProcessError, outputOf } from "../cli/bounded-run";
import { type CliIO, InputError, UsageError } from "../cli/run";
import { configFileOption, parseCommandLine, stackNames } from "../cli/args";
import { defaultStackFile } from "../cli/stack-name";
import type { Runner } from "../promote/outputs";
import type { SystemTrust } from "./trust-ca";
// SSH_KNOWN_HOSTS is matched as backups match an SFTP server's known_hosts lines: one matcher for
// how ssh looks a host up (plain or hashed names, `[host]:port` off port 22).
import { rules } from "../../components/internal";

export const USAGE = [
  "usage: npm run ci:setup -- <stack> [--config-file FILE] [--install-tools] [--read-only [--refresh]]",
  "       npm run ci:setup -- <stack> --trust-ca [--config-file FILE] [--registry-of STACK]...",
].join("\n");

/** The variables a run takes its credentials from: the deploy credentials, or the read-only ones. */
interface Credentials {
  readonly kubeconfig: "KUBECONFIG_DATA" | "READ_ONLY_KUBECONFIG";
  /** undefined: the run needs no libvirt key (a read-only run without --refresh). */
  readonly sshKey: "SSH_PRIVATE_KEY" | "READ_ONLY_SSH_KEY" | undefined;
  /** What the key must be, for the message when it is not. */
  readonly keyIs: string;
}

const DEPLOY: Credentials = {
  kubeconfig: "KUBECONFIG_DATA",
  sshKey: "SSH_PRIVATE_KEY",
  keyIs: "the libvirt host's deploy key",
};
const READ_ONLY: Credentials = {
  kubeconfig: "READ_ONLY_KUBECONFIG",
  sshKey: undefined,
  keyIs: "a key the libvirt host forces onto its read-only socket (docs/guides/delivery.md)",
};

/** Where a libvirt URI reaches its host over ssh: the host as ssh is given it, and the port when named. */
export interface SshEndpoint {
  readonly host: string;
  readonly port?: number;
}

/**
 * ssh's effective options for `host` under `configFile`, as `ssh -G` prints them, or undefined
 * when ssh is not installed; replaceable in tests.
 */
export type SshOptionsOf = (configFile: string, host: string) => string | undefined;

/** The files ssh must use for the libvirt host. */
interface Pinning {
  readonly keyFile: string;
  readonly knownFile: string;
}

/**
 * Runs ci:setup; `run` (installs, sudo), `sshOptions` (`ssh -G`) and `system` (the runner's trust
 * locations, for --trust-ca) are replaceable in tests.
 */
export async function main(
  argv: string[],
  io: CliIO,
  env = process.env,
  run?: Runner,
  sshOptions: SshOptionsOf = sshEffectiveOptions,
  system?: SystemTrust,
): Promise<number> {
  const parsed = parseCommandLine(argv, {
    "config-file": { type: "string" },
    "install-tools": { type: "boolean" },
    "read-only": { type: "boolean" },
    refresh: { type: "boolean" },
    "trust-ca": { type: "boolean" },
    "registry-of": { type: "string", multiple: true },
  });
  const [stack] = stackNames(parsed.positionals, 1);
  const registryOf = parsed.values["registry-of"] ?? [];
  if (parsed.values["trust-ca"]) {
    const alongside = (["install-tools", "read-only", "refresh"] as const).filter(
      (name) => parsed.values[name] !== undefined,
    );
    if (alongside.length > 0)
      throw new UsageError(
        `--trust-ca is a step of its own, before any step that reaches the stack: run it without --${alongside.join(", --")}`,
      );
    const stacks = [stack, ...stackNames(registryOf, registryOf.length)];
    const files = stacks.map((name, i) =>
      i === 0 ? configFileOption(parsed.values["config-file"], stack) : defaultStackFile(name),
    );
    return trustStackCa(stack, files, io, env, system ?? (await import("./trust-ca")).systemTrust(await runnerOf(run)));
  }
  if (registryOf.length > 0) throw new UsageError("--registry-of is for --trust-ca: add --trust-ca");
  const readOnly = parsed.values["read-only"] === true;
  if (parsed.values.refresh && !readOnly)
    throw new UsageError("--refresh is for read-only runs (the drift check): add --read-only");
  const credentials: Credentials = !readOnly
    ? DEPLOY
    : parsed.values.refresh
      ? { ...READ_ONLY, sshKey: "READ_ONLY_SSH_KEY" }
      : READ_ONLY;
  const { validateConfig } = await import("../config");
  const { settingsConfigSource } = await import("../config-source");
  const { catalog } = await import("../platform");
  const { OFFLINE_SECRET_VALUE, readStackSettings } = await import("../stack-file");
  const file = configFileOption(parsed.values["config-file"], stack);
  const { data } = validateConfig(catalog, settingsConfigSource(readStackSettings(file)));
  // Config is read offline: a secret is a stand-in holding OFFLINE_SECRET_VALUE, never the value.
  const secret = (value: string) => value.includes(OFFLINE_SECRET_VALUE);

  const problems: string[] = [];
  // A read-only run beside a deploy credential would hand it to a pull request's code.
  if (readOnly)
    for (const name of [DEPLOY.kubeconfig, DEPLOY.sshKey!])
      if ((env[name] ?? "") !== "")
        problems.push(
          `${name} is set: a read-only run takes ${name === DEPLOY.kubeconfig ? READ_ONLY.kubeconfig : "READ_ONLY_SSH_KEY"}, never a deploy credential; remove ${name} from the job`,
        );
  const dir = join(env.RUNNER_TEMP || tmpdir(), `dockyard-${stack}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const exported: string[] = [];
  const context = data.endpoints.kubeContext;
  if (data.target === "kubernetes" && context !== undefined) {
    const kubeconfig = env[credentials.kubeconfig] ?? "";
    const problem = kubeconfigProblem(stack, credentials.kubeconfig, kubeconfig, secret(context) ? undefined : context);
    if (problem !== undefined) problems.push(problem);
    else {
      const path = privateFile(join(dir, "kubeconfig"), kubeconfig);
      exportVariable(env, "KUBECONFIG", path);
      exported.push(`KUBECONFIG=${path}${secret(context) ? " (context name is a secret: not checked)" : ""}`);
    }
  }
  const endpoint = sshEndpointOf(data.endpoints.libvirtUri);
  const vmsOverSsh = endpoint !== undefined && Object.values(data.vms).some((vm) => vm.enabled);
  const overSsh = vmsOverSsh && credentials.sshKey !== undefined;
  if (overSsh && secret(endpoint.host))
    problems.push(
      `dockyard:endpoints.libvirtUri in ${file} is a secret, which ci:setup cannot check offline: set it in plain text (ci:setup needs the host to pin its key in ~/.ssh/config; the URI holds no credential)`,
    );
  else if (overSsh)
    problems.push(
      ...sshSecretProblems(endpoint, credentials, env[credentials.sshKey] ?? "", env.SSH_KNOWN_HOSTS ?? ""),
    );
  failWith(stack, problems);
  if (parsed.values["install-tools"] && endpoint !== undefined && credentials.sshKey !== undefined) {
    if (await installTools(await runnerOf(run))) exported.push("libvirt-clients and openssh-client installed");
  }
  if (overSsh) exported.push(pinSshHost(stack, env[credentials.sshKey] ?? "", env, dir, endpoint, sshOptions));
  else if (vmsOverSsh) exported.push("no libvirt key (a preview without --refresh never calls virsh)");
  io.out(`ci:setup ${stack}: ${exported.join(", ") || "nothing needed"}`);
  return 0;
}

/** The runner tests gave, or the one that streams a command's output to the job's log. */
async function runnerOf(run: Runner | undefined): Promise<Runner> {
  return run ?? (await import("../promote/outputs")).runStreaming;
}

/**
 * --trust-ca: checks STACK_CA_CERT and the registries of the stacks in `files` (the first is
 * the stack's own), then makes the job's tools trust the CA (./trust-ca.ts) and exports what the
 * following steps read.
 */
async function trustStackCa(
  stack: string,
  files: readonly string[],
  io: CliIO,
  env: NodeJS.ProcessEnv,
  system: SystemTrust,
): Promise<number> {
  const trust = await import("./trust-ca");
  const { certificates, problems } = trust.caCertificates(env[trust.CA_VARIABLE] ?? "", new Date());
  const dir = join(env.RUNNER_TEMP || tmpdir(), `dockyard-${stack}`, "trust");
  const bundle = trust.baseBundle(env, dir, system);
  if (bundle === undefined)
    problems.push(
      `no CA bundle on this runner (SSL_CERT_FILE unset, none of ${system.systemBundles.join(", ")}): SSL_CERT_FILE must keep the public roots beside the stack's CA; install ca-certificates`,
    );
  const registries: string[] = [];
  for (const file of files) {
    const found = await registryHosts(file);
    problems.push(...found.problems);
    for (const host of found.hosts) if (!registries.includes(host)) registries.push(host);
  }
  failWith(stack, problems);
  // failWith threw when there was no bundle.
  const trusted = await trust.trustCa(certificates, bundle!, registries, env, dir, system);
  for (const [name, value] of Object.entries(trusted.exported)) exportVariable(env, name, value);
  for (const [name, value] of Object.entries(trusted.outputs)) setStepOutput(env, name, value);
  io.out(`ci:setup ${stack}: ${trusted.summary}`);
  return 0;
}

/**
 * The registries a stack file names (`registry.address` and `registry.mirror`), as `host[:port]`,
 * Docker's and BuildKit's key for them; a secret one cannot be read offline and is a problem.
 */
async function registryHosts(file: string): Promise<{ hosts: string[]; problems: string[] }> {
  const { validateConfig } = await import("../config");
  const { settingsConfigSource } = await import("../config-source");
  const { catalog } = await import("../platform");
  const { OFFLINE_SECRET_VALUE, readStackSettings } = await import("../stack-file");
  const { registry } = validateConfig(catalog, settingsConfigSource(readStackSettings(file))).data;
  const hosts: string[] = [];
  const problems: string[] = [];
  for (const [key, value] of [
    ["address", registry.address],
    ["mirror", registry.mirror],
  ] as const) {
    if (value === undefined) continue;
    if (value.includes(OFFLINE_SECRET_VALUE))
      problems.push(
        `dockyard:registry.${key} in ${file} is a secret, which ci:setup cannot read offline: set it in plain text (--trust-ca names the registry in Docker's and BuildKit's configuration; an address is no credential)`,
      );
    else hosts.push(rules.registryHostOf(value));
  }
  return { hosts, problems };
}

/** Fails with one line per problem, each naming the stack. */
function failWith(stack: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new InputError(problems.map((p) => `ci:setup ${stack}: ${p}`).join("\n"));
}

/**
 * Writes the libvirt key and known host key to private files in `dir`, pins them to the host in
 * ~/.ssh/config, and checks ssh takes them; returns what it set up, for the success line.
 */
function pinSshHost(
  stack: string,
  key: string,
  env: NodeJS.ProcessEnv,
  dir: string,
  endpoint: SshEndpoint,
  sshOptions: SshOptionsOf,
): string {
  const known = env.SSH_KNOWN_HOSTS ?? "";
  const pinning = {
    keyFile: privateFile(join(dir, "id_libvirt"), key.endsWith("\n") ? key : `${key}\n`),
    knownFile: privateFile(join(dir, "known_hosts"), known.endsWith("\n") ? known : `${known}\n`),
  };
  const configFile = writeSshConfig(join(env.HOME || homedir(), ".ssh"), stack, endpoint, pinning);
  failWith(stack, sshConfigProblems(sshOptions, configFile, endpoint.host, pinning));
  return `ssh ${rules.knownHostsName(asSshServer(endpoint))}`;
}

/**
 * Why the kubeconfig in `name` cannot serve the stack, or undefined. `context` undefined: the
 * stack's context is a secret, which offline config does not hold, so any kubeconfig with a
 * context passes.
 */
function kubeconfigProblem(
  stack: string,
  name: string,
  kubeconfig: string,
  context: string | undefined,
): string | undefined {
  const wanted = context === undefined ? "the stack's context (endpoints.kubeContext, a secret)" : `context ${context}`;
  if (kubeconfig.trim() === "") {
    const environment = name === "KUBECONFIG_DATA" ? `the ${stack} environment's` : "the read-only environment's";
    return `${name} is empty: set ${environment} secret to a kubeconfig with ${wanted}`;
  }
  const contexts = contextNames(kubeconfig);
  if (context === undefined)
    return contexts.length > 0 ? undefined : `${name} holds no context: set it to a kubeconfig with ${wanted}`;
  return contexts.includes(context)
    ? undefined
    : `${name} has no context "${context}" (it has: ${contexts.join(", ") || "none"})`;
}

function contextNames(kubeconfig: string): string[] {
  try {
    const parsed = parse(kubeconfig, { maxAliasCount: 16 }) as { contexts?: { name?: unknown }[] } | null;
    return (parsed?.contexts ?? []).map((entry) => String(entry?.name));
  } catch {
    return [];
  }
}

/**
 * The ssh host and port of a `qemu+ssh://[user@]host[:port]/…` URI (or libssh, libssh2), else
 * undefined. The host is lower case and an IPv6 address has no brackets: ssh matches `Host`
 * patterns against the lower-cased name as given on its command line.
 */
export function sshEndpointOf(uri: string | undefined): SshEndpoint | undefined {
  let url: URL;
  try {
    url = new URL(uri ?? "");
  } catch {
    return undefined;
  }
  if (!/^qemu\+(?:ssh|libssh|libssh2):$/.test(url.protocol) || url.hostname === "") return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return url.port === "" ? { host } : { host, port: Number(url.port) };
}

/** An ssh endpoint in the shape the known_hosts rule takes (it reads only the host and port). */
function asSshServer(endpoint: SshEndpoint): rules.ResticRepository {
  return { backend: "sftp", transport: "ssh", path: "/", ...endpoint };
}

/** What is wrong with the libvirt key and known host key the job was given, one line each. */
function sshSecretProblems(endpoint: SshEndpoint, credentials: Credentials, key: string, known: string): string[] {
  const problems: string[] = [];
  if (!key.includes("PRIVATE KEY-----"))
    problems.push(`${credentials.sshKey} is not an OpenSSH private key: set ${credentials.keyIs}`);
  const lines = known.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  const server = asSshServer(endpoint);
  if (lines.length === 0 || rules.knownHostsProblem(server, lines) !== undefined) {
    const name = rules.knownHostsName(server);
    const offPort22 = name !== endpoint.host;
    const scan = `ssh-keyscan ${offPort22 ? `-p ${endpoint.port ?? 22} ` : ""}${endpoint.host}`;
    const lookup = offPort22 ? ` (off port 22, ssh looks the host up as "[host]:port")` : "";
    problems.push(
      `SSH_KNOWN_HOSTS has no key for ${name}${lookup}: add the output of \`${scan}\`, checked out of band`,
    );
  }
  return problems;
}

/** Installs virsh and ssh when either is missing; whether it installed. */
async function installTools(runner: Runner): Promise<boolean> {
  const missing = (command: string, args: string[]) =>
    runner(command, args).then(
      () => false,
      () => true,
    );
  if (!(await missing("virsh", ["--version"])) && !(await missing("ssh", ["-V"]))) return false;
  await runner("sudo", ["apt-get", "update", "-q"]);
  await runner("sudo", [
    "apt-get",
    "install",
    "-y",
    "-q",
    "--no-install-recommends",
    "libvirt-clients",
    "openssh-client",
  ]);
  return true;
}

/**
 * Puts the stack's block at the top of `<sshDir>/config`, replacing the stack's earlier block:
 * ssh keeps the first value it obtains for each option, so only the top of the file can pin
 * the host. Returns the config file's path.
 */
function writeSshConfig(sshDir: string, stack: string, endpoint: SshEndpoint, pinning: Pinning): string {
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  chmodSync(sshDir, 0o700);
  const file = join(sshDir, "config");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const [begin, end] = [`# dockyard ${stack}: begin`, `# dockyard ${stack}: end`];
  const earlier = new RegExp(`^${escapeRegExp(begin)}\\n[\\s\\S]*?^${escapeRegExp(end)}\\n?`, "m");
  if (!earlier.test(existing) && existing.split("\n").includes(begin))
    failWith(stack, [`${file} has "${begin}" without "${end}": remove the partial block`]);
  const block = [
    begin,
    "# Written by ci:setup, which replaces it on each run: it must stay first (ssh keeps the first value).",
    `Host ${endpoint.host}`,
    ...(endpoint.port === undefined ? [] : [`  Port ${endpoint.port}`]),
    `  IdentityFile "${pinning.keyFile}"`,
    "  IdentitiesOnly yes",
    `  UserKnownHostsFile "${pinning.knownFile}"`,
    "  StrictHostKeyChecking yes",
    // Options the file had above any Host line applied to every host: they still do.
    "Host *",
    end,
    "",
  ].join("\n");
  privateFile(file, block + existing.replace(earlier, ""));
  return file;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `ssh -G -F configFile host`, bounded; undefined when ssh is not installed. */
function sshEffectiveOptions(configFile: string, host: string): string | undefined {
  try {
    return outputOf("ssh", ["-G", "-F", configFile, "--", host], { timeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof ChildProcessError && /\bENOENT\b/.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * Where ssh, reading `configFile`, would not check `host` as ci:setup pinned it (strict host
 * key checking, our known_hosts file, our key first), one line each.
 */
function sshConfigProblems(sshOptions: SshOptionsOf, configFile: string, host: string, pinning: Pinning): string[] {
  let output: string | undefined;
  try {
    output = sshOptions(configFile, host);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return [`ssh cannot read ${configFile}: ${why.replace(/\s*\n\s*/g, " ")}`];
  }
  if (output === undefined)
    return [
      "ssh (openssh-client) is not installed: libvirt's qemu+ssh transport needs it; --install-tools installs it",
    ];
  const first = (option: string) =>
    output
      .split("\n")
      .find((line) => line.startsWith(`${option} `))
      ?.slice(option.length + 1)
      .trim() ?? "(none)";
  const overridden = (option: string, value: string, ours: string) =>
    `ssh would use ${option} ${value} for ${host}, not ${ours}: ${configFile} (or a file it includes) overrides the block ci:setup wrote at its top`;
  const problems: string[] = [];
  const strict = first("stricthostkeychecking");
  if (strict !== "true" && strict !== "yes") problems.push(overridden("StrictHostKeyChecking", strict, "yes"));
  const known = first("userknownhostsfile");
  if (known !== pinning.knownFile) problems.push(overridden("UserKnownHostsFile", known, pinning.knownFile));
  const identity = first("identityfile");
  if (identity !== pinning.keyFile) problems.push(overridden("IdentityFile", identity, pinning.keyFile));
  return problems;
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

/** Sets an output of the current step (`steps.<id>.outputs.<name>`; no-op outside GitHub Actions). */
function setStepOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}
