/**
 * A corpus of hostile inputs for dockyard's front door (`npm run synth`, `npm run parity`): what
 * a pull request can put in a stack file or on a command line. Each case says how the command
 * must exit and the exact line it must print; the runner (hostile-inputs.test.ts) also checks
 * that nothing is written on failure, no stack trace is printed and no secret is echoed.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { committedConfig } from "../support/stack-files";
import { outputOf } from "../../infra/cli/bounded-run";

type Config = Record<string, unknown>;

/** Where a case runs: a fresh directory holding the stack file and the output directory. */
export interface CaseContext {
  dir: string;
  /** The stack file path ($FILE in args and lines). */
  file: string;
  /** The output directory ($OUT). */
  out: string;
}

export interface HostileCase {
  name: string;
  /** The class of attack, for the coverage count. */
  kind: "paths" | "secrets" | "endpoints" | "namespaces" | "rules" | "files" | "echo" | "parity" | "usage";
  command: "synth" | "parity";
  /** Arguments; $FILE and $OUT are replaced. @default ["prod", "--config-file", "$FILE", "--out", "$OUT"] (synth) */
  args?: string[];
  /** The stack file: prod's config changed, raw text, or prepared by `setup`. */
  config?: (config: Config) => void;
  text?: string;
  setup?: (ctx: CaseContext) => void;
  exit: 0 | 1 | 2;
  /** Lines stderr must contain (exactly, $FILE replaced). */
  lines?: string[];
  /** Text that must appear nowhere in stdout, stderr or written files. */
  secrets?: string[];
}

const SECURE = { secure: "v1:AAAAAAAAAAAAAAAA:Y2lwaGVydGV4dA==" };
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR ops@example.internal";

const section = (c: Config, key: string) => (c[`dockyard:${key}`] ??= {}) as Config;
const web = (c: Config) => (section(c, "services").web ??= {}) as Config;
const legacy = (c: Config) => (section(c, "vms").legacy ??= {}) as Config;
const keep = (c: Config) => (section(c, "backup").keep ??= {}) as Config;
const repository = (c: Config) => (section(c, "backup").repository ??= {}) as Config;
const frontOf = (c: Config) => (section(c, "services").front ??= {}) as Config;
const tlsOf = (c: Config) => (section(c, "gateway").tls ??= {}) as Config;
const dataPlaneOf = (c: Config) => (section(c, "gateway").dataPlane ??= {}) as Config;
const PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";

/** `$FILE: dockyard:<key> <message>` */
const at = (key: string, message: string) => `$FILE: dockyard:${key} ${message}`;

function endpointsCase(
  name: string,
  key: "libvirtUri" | "dockerHost",
  value: string,
  message: string,
  secrets: string[] = [],
): HostileCase {
  return {
    name,
    kind: "endpoints",
    command: "synth",
    config: (c) => (section(c, "endpoints")[key] = value),
    exit: 1,
    lines: [at(`endpoints.${key}`, message)],
    secrets,
  };
}

/** A backup repository URL set to `value`: refused at backup.repository.url with `message`. */
function repositoryCase(name: string, value: string, message: string, secrets: string[] = []): HostileCase {
  return {
    name,
    kind: "endpoints",
    command: "synth",
    config: (c) => (repository(c).url = value),
    exit: 1,
    lines: [at("backup.repository.url", message)],
    secrets,
  };
}

const LIBVIRT_SHAPE = `must be a libvirt URI like "qemu+ssh://ops@vm-host/system" or "qemu:///system"`;

const ENDPOINTS: HostileCase[] = [
  repositoryCase(
    "restic REST URL with credentials",
    "rest:https://ci:hunter2pw@backup.prod.example.internal/dockyard",
    `must not carry credentials (user:password@host): REST credentials belong in repository.restUsername and repository.restPassword (Pulumi secrets), got "rest:https://ci:***@backup.prod.example.internal/dockyard"`,
    ["hunter2pw"],
  ),
  repositoryCase(
    "restic S3 URL with keys",
    "s3:https://AKIAEXAMPLE:s3cr3tkey@s3.example.internal/bucket",
    `must not carry credentials (user:password@host): S3 credentials belong in repository.s3AccessKeyId and repository.s3SecretAccessKey (Pulumi secrets), got "s3:https://AKIAEXAMPLE:***@s3.example.internal/bucket"`,
    ["s3cr3tkey"],
  ),
  repositoryCase(
    "restic SFTP URL with a password",
    "sftp:backup:hunter2pw@backup.prod.example.internal:/srv/restic",
    `must not carry a password (user:password@host): SFTP logs in with a key: repository.sshPrivateKey (a Pulumi secret), the server pinned by repository.sshKnownHosts, got "sftp:backup:***@backup.prod.example.internal:/srv/restic"`,
    ["hunter2pw"],
  ),
  repositoryCase(
    "restic SFTP host read as an ssh option",
    "sftp:backup@-oProxyCommand=nc:/srv",
    `has host "-oProxyCommand=nc", which starts with "-" (an option, not a host): ssh would read it as an option, got "sftp:backup@-oProxyCommand=nc:/srv"`,
  ),
  repositoryCase(
    "restic SFTP path read as an option",
    "sftp:backup@backup.prod.example.internal:-oX",
    `has path "-oX": use letters, digits, ".", "_", "~", "-" and "/" only, got "sftp:backup@backup.prod.example.internal:-oX"`,
  ),
  repositoryCase(
    "restic backend without wired credentials",
    "b2:bucket-name:dockyard",
    `uses restic's "b2" backend; dockyard wires credentials for rest, sftp, s3 only, got "b2:bucket-name:dockyard"`,
  ),
  repositoryCase(
    "restic local path in a stack",
    "/srv/restic",
    `is a local path: leave repository.url out to keep the repository on a volume beside the source (dev), or give an off-site rest:, sftp: or s3: URL, got "/srv/restic"`,
  ),
  repositoryCase(
    "restic URL with options in its query",
    "rest:https://backup.prod.example.internal/dockyard?sftp.command=sh",
    `must not have a query or fragment (restic options are not set in the URL), got "rest:https://backup.prod.example.internal/dockyard?sftp.command=sh"`,
  ),
  endpointsCase(
    "libvirt URI with a password",
    "libvirtUri",
    "qemu+ssh://ops:hunter2pw@vm-host/system",
    `must not carry a password (user:password@host): libvirt over SSH logs in with SSH keys or the SSH agent (keyfile= names a key), got "qemu+ssh://ops:***@vm-host/system"`,
    ["hunter2pw"],
  ),
  endpointsCase(
    "libvirt URI running a local program",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?command=/tmp/x",
    `has the "command" parameter, which runs a program of the URI's choosing: remove it, got "qemu+ssh://ops@vm-host/system?command=/tmp/x"`,
  ),
  endpointsCase(
    "libvirt URI skipping host-key checks",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?no_verify=1",
    `has the "no_verify" parameter, which skips the server's certificate or host-key check: remove it, got "qemu+ssh://ops@vm-host/system?no_verify=1"`,
  ),
  endpointsCase(
    "libvirt URI with an ssh option as host",
    "libvirtUri",
    "qemu+ssh://-oProxyCommand=touch%20x/system",
    `has host "-oProxyCommand=touch%20x", which starts with "-": it would reach ssh as an option, got "qemu+ssh://-oProxyCommand=touch%20x/system"`,
  ),
  endpointsCase(
    "libvirt fake test driver in a stack",
    "libvirtUri",
    "test:///default",
    `uses libvirt's fake "test" driver, which deploys nothing: give the host's "qemu+ssh://…/system" URI, got "test:///default"`,
  ),
  endpointsCase(
    "libvirt unencrypted tcp",
    "libvirtUri",
    "qemu+tcp://vm-host/system",
    `uses the unencrypted "tcp" transport: use "qemu+ssh://" (SSH keys) or "qemu+tls://" (certificates), got "qemu+tcp://vm-host/system"`,
  ),
  endpointsCase(
    "libvirt ext transport",
    "libvirtUri",
    "qemu+ext:///system?command=/bin/sh",
    `uses the "ext" transport, which runs a program of the URI's choosing: use "qemu+ssh://", got "qemu+ext:///system?command=/bin/sh"`,
  ),
  endpointsCase(
    "libvirt socket parameter",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?socket=/tmp/evil.sock",
    `has the "socket" parameter, which points libvirt at a socket of the URI's choosing: remove it, got "qemu+ssh://ops@vm-host/system?socket=/tmp/evil.sock"`,
  ),
  endpointsCase(
    "libvirt netcat parameter",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?netcat=/tmp/nc",
    `has the "netcat" parameter, which runs a program of the URI's choosing on the remote host: remove it, got "qemu+ssh://ops@vm-host/system?netcat=/tmp/nc"`,
  ),
  endpointsCase(
    "libvirt encoded option host",
    "libvirtUri",
    "qemu+ssh://%2DoProxyCommand=x/system",
    `has host "%2DoProxyCommand=x", expected a DNS name, an IPv4 address or [IPv6], got "qemu+ssh://%2DoProxyCommand=x/system"`,
  ),
  endpointsCase(
    "libvirt other driver",
    "libvirtUri",
    "xen+ssh://ops@vm-host/system",
    `uses the "xen" driver; dockyard runs QEMU domains: use "qemu://…" or "qemu+ssh://…", got "xen+ssh://ops@vm-host/system"`,
  ),
  endpointsCase(
    "libvirt URI with a space",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system ?x",
    `${LIBVIRT_SHAPE}, without spaces or control characters, got "qemu+ssh://ops@vm-host/system ?x"`,
  ),
  endpointsCase(
    "libvirt unknown parameter",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?tls_priority=NONE",
    `has the unsupported parameter "tls_priority" (supported: keyfile, known_hosts, pkipath, sshauth, known_hosts_verify, mode, proxy, no_tty), got "qemu+ssh://ops@vm-host/system?tls_priority=NONE"`,
  ),
  endpointsCase(
    "libvirt host-key check turned off by value",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?known_hosts_verify=ignore",
    `has an unsupported value for "known_hosts_verify", got "qemu+ssh://ops@vm-host/system?known_hosts_verify=ignore"`,
  ),
  endpointsCase(
    "libvirt host-key check turned off by an empty known_hosts accepted on first use",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/system?known_hosts=/dev/null&known_hosts_verify=auto",
    `has an unsupported value for "known_hosts", got "qemu+ssh://ops@vm-host/system?known_hosts=/dev/null&known_hosts_verify=auto"`,
  ),
  endpointsCase(
    "libvirt remote transport without a host",
    "libvirtUri",
    "qemu+ssh:///system",
    `uses the "ssh" transport but names no host: "qemu+ssh://ops@vm-host/system", got "qemu+ssh:///system"`,
  ),
  endpointsCase(
    "libvirt wrong path",
    "libvirtUri",
    "qemu+ssh://ops@vm-host/../etc",
    `has path "/../etc", expected "/system" or "/session", got "qemu+ssh://ops@vm-host/../etc"`,
  ),
  endpointsCase(
    "Docker host with a password",
    "dockerHost",
    "ssh://ci:s3cretpass@build-host",
    `must not carry a password (user:password@host): Docker over SSH logs in with SSH keys or the SSH agent, got "ssh://ci:***@build-host"`,
    ["s3cretpass"],
  ),
  endpointsCase(
    "Docker host over plain TCP",
    "dockerHost",
    "tcp://10.0.0.5:2375",
    `uses "tcp://": the Docker API over TCP without TLS client certificates gives root on that host to anyone who reaches the port; use "ssh://user@host" or a unix socket, got "tcp://10.0.0.5:2375"`,
  ),
  endpointsCase(
    "Docker host with an ssh option",
    "dockerHost",
    "ssh://-oProxyCommand=x",
    `has host "-oProxyCommand=x", which starts with "-": it would reach ssh as an option, got "ssh://-oProxyCommand=x"`,
  ),
  endpointsCase(
    "Docker host over http",
    "dockerHost",
    "http://build-host:2375",
    `must be a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host" (schemes: unix, ssh, npipe), got "http://build-host:2375"`,
  ),
  endpointsCase(
    "Docker socket path escaping",
    "dockerHost",
    "unix:///var/run/../../tmp/x.sock",
    `must be a socket path like "unix:///var/run/docker.sock", got "unix:///var/run/../../tmp/x.sock"`,
  ),
];

function ruleCase(name: string, change: (c: Config) => void, key: string, message: string): HostileCase {
  return { name, kind: "rules", command: "synth", config: change, exit: 1, lines: [at(key, message)] };
}

/** A registry address or mirror written `user:password@host`: refused, the password never shown. */
function registryCredentialsCase(name: string, key: "address" | "mirror", host: string): HostileCase {
  const password = `hunter2-${key}`;
  return {
    ...ruleCase(
      name,
      (c) => (section(c, "registry")[key] = `ci:${password}@${host}`),
      `registry.${key}`,
      `must not carry credentials (user@host): registry credentials are Pulumi secrets (registry.username and registry.password), got "ci:***@${host}"`,
    ),
    secrets: [password],
  };
}

const DOCKER_HUB_IMAGE = `docker.io/library/nginx@sha256:${"a".repeat(64)}`;
const CPU = `must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores`;
const MEMORY = `must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes`;
const cronField = (name: string, field: string, max: string) =>
  `has an invalid ${name} field "${field}" (allowed: *, N, A-B, */S, A-B/S with ${max}, comma-separated)`;

const RULES: HostileCase[] = [
  ruleCase("cpu zero", (c) => (web(c).cpu = "0"), "services.web.cpu", `${CPU}, got "0"`),
  ruleCase(
    "cpu absurd",
    (c) => (web(c).cpu = "99999999999999999999"),
    "services.web.cpu",
    `${CPU}, got "99999999999999999999"`,
  ),
  ruleCase("cpu above 256 cores", (c) => (web(c).cpu = "257"), "services.web.cpu", `${CPU}, got "257"`),
  ruleCase("cpu fraction of a millicore", (c) => (web(c).cpu = "0.0001"), "services.web.cpu", `${CPU}, got "0.0001"`),
  ruleCase("memory below 6Mi", (c) => (web(c).memory = "1Ki"), "services.web.memory", `${MEMORY}, got "1Ki"`),
  ruleCase("memory above 1Ti", (c) => (web(c).memory = "2Ti"), "services.web.memory", `${MEMORY}, got "2Ti"`),
  ruleCase("memory as a bare number", (c) => (web(c).memory = 512), "services.web.memory", `${MEMORY}, got 512`),
  ruleCase(
    "cron minute 61",
    (c) => (section(c, "backup").schedule = "61 * * * *"),
    "backup.schedule",
    `${cronField("minute", "61", "0-59")}, got "61 * * * *"`,
  ),
  ruleCase(
    "cron step zero",
    (c) => (section(c, "backup").schedule = "*/0 * * * *"),
    "backup.schedule",
    `${cronField("minute", "*/0", "0-59")}, got "*/0 * * * *"`,
  ),
  ruleCase(
    "cron 31 February",
    (c) => (section(c, "backup").schedule = "0 0 31 2 *"),
    "backup.schedule",
    `never fires: February has no day 31, got "0 0 31 2 *"`,
  ),
  ruleCase(
    "cron 30 February",
    (c) => (section(c, "backup").schedule = "0 0 30 2 *"),
    "backup.schedule",
    `never fires: February has no day 30, got "0 0 30 2 *"`,
  ),
  ruleCase(
    "cron 31 April and June",
    (c) => (section(c, "backup").schedule = "0 0 31 4,6 *"),
    "backup.schedule",
    `never fires: April, June have no day 31, got "0 0 31 4,6 *"`,
  ),
  ruleCase(
    "cron day of week 7, which Kubernetes refuses",
    (c) => (section(c, "backup").schedule = "0 3 * * 7"),
    "backup.schedule",
    `${cronField("day of week", "7", "0-6")}, got "0 3 * * 7"`,
  ),
  ruleCase(
    "cron that never fires behind a step of 1",
    (c) => (section(c, "backup").check = { schedule: "0 4 30 2 */1" }),
    "backup.check.schedule",
    `never fires: February has no day 30, got "0 4 30 2 */1"`,
  ),
  ruleCase(
    "restore drill stricter than the backup interval",
    (c) => (section(c, "backup").drill = { maxSnapshotAgeHours: 12 }),
    "backup.drill.maxSnapshotAgeHours",
    `must be at least 25: backups ("0 2 * * *") run up to 24 hours apart, so a drill late in that gap would fail although backups are running, got 12`,
  ),
  ruleCase(
    "stack namespace a namespace of the cluster itself",
    (c) => (section(c, "endpoints").namespace = "kube-system"),
    "endpoints.namespace",
    `must not be a namespace of the cluster itself (default, kube-*): the stack's default-deny NetworkPolicies would cut off what runs there, got "kube-system"`,
  ),
  ruleCase(
    "an exposed host claimed twice",
    (c) => (frontOf(c).host = "registry.example.internal"),
    "services.front.host",
    `is also registry.address's host: two Gateway listeners cannot serve one host, got "registry.example.internal"`,
  ),
  ruleCase(
    "a prod image from a registry the stack does not own",
    (c) => (frontOf(c).image = DOCKER_HUB_IMAGE),
    "services.front.image",
    `must come from this stack's registry (registry.example.internal): a deploy would pull from a registry the stack does not own, got "${DOCKER_HUB_IMAGE}"`,
  ),
  ruleCase(
    "a prod backup tool image from a registry the stack does not own",
    (c) => (section(c, "backup").image = DOCKER_HUB_IMAGE),
    "backup.image",
    `must come from this stack's registry (registry.example.internal): a deploy would pull from a registry the stack does not own, got "${DOCKER_HUB_IMAGE}"`,
  ),
  ruleCase(
    "a prod backup tool image by tag",
    (c) => (section(c, "backup").image = "registry.example.internal/backup:1.0"),
    "backup.image",
    `must be pinned by digest (…@sha256:<64 hex>) on kubernetes, got "registry.example.internal/backup:1.0"`,
  ),
  ruleCase(
    "a zero-width space in the kube context",
    (c) => (section(c, "endpoints").kubeContext = "pr\u200bod"),
    "endpoints.kubeContext",
    `must be a kubeconfig context name (one line of visible, printable text, at most 253 characters), got "pr\\u200bod"`,
  ),
  ruleCase(
    "cron names",
    (c) => (section(c, "backup").schedule = "0 3 * * MON"),
    "backup.schedule",
    `${cronField("day of week", "MON", "0-6")}, got "0 3 * * MON"`,
  ),
  ruleCase(
    "registry URL with https",
    (c) => (section(c, "registry").address = "https://registry.example.internal"),
    "registry.address",
    `must not start with "https://": give host[:port][/path] only (the scheme follows from the registry's TLS settings), got "https://registry.example.internal"`,
  ),
  ruleCase(
    "registry port zero",
    (c) => (section(c, "registry").address = "registry.example.internal:0"),
    "registry.address",
    `has port 0, expected 1 to 65535, got "registry.example.internal:0"`,
  ),
  ruleCase(
    "registry port 65536",
    (c) => (section(c, "registry").address = "registry.example.internal:65536"),
    "registry.address",
    `has port 65536, expected 1 to 65535, got "registry.example.internal:65536"`,
  ),
  registryCredentialsCase("registry URL with credentials", "address", "registry.example.internal"),
  registryCredentialsCase("mirror with credentials and no scheme", "mirror", "mirror.example.internal"),
  ruleCase(
    "mirror port zero",
    (c) => (section(c, "registry").mirror = "mirror.example.internal:0"),
    "registry.mirror",
    `has port 0, expected 1 to 65535, got "mirror.example.internal:0"`,
  ),
  ruleCase(
    "storage class with spaces",
    (c) => (((section(c, "volumes")["web-data"] ??= {}) as Config).storageClass = "Fast SSD"),
    "volumes.web-data.storageClass",
    `must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "Fast SSD"`,
  ),
  ruleCase(
    "namespace starting with a dash",
    (c) => (section(c, "endpoints").namespace = "-dockyard"),
    "endpoints.namespace",
    `must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "-dockyard"`,
  ),
  ruleCase(
    "kube context with a newline",
    (c) => (section(c, "endpoints").kubeContext = "prod\nother"),
    "endpoints.kubeContext",
    `must be a kubeconfig context name (one line of visible, printable text, at most 253 characters), got "prod\\nother"`,
  ),
  ruleCase(
    "SSH key comment with NEL",
    (c) => (legacy(c).sshAuthorizedKeys = [`${KEY}\u0085ssh-rsa AAAAB3 evil`]),
    "vms.legacy.sshAuthorizedKeys[0]",
    `must be one line without control characters or Unicode line breaks, got "${KEY}\u0085ssh-rsa AAAAB3 evil"`,
  ),
  ruleCase(
    "SSH key blob of another type",
    (c) => (legacy(c).sshAuthorizedKeys = ["ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 ops"]),
    "vms.legacy.sshAuthorizedKeys[0]",
    `has a key blob that does not decode to a ssh-ed25519 key, got "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 ops"`,
  ),
  ruleCase(
    "SSH DSA key",
    (c) => (legacy(c).sshAuthorizedKeys = ["ssh-dss AAAAB3NzaC1kc3MAAACBAP ops"]),
    "vms.legacy.sshAuthorizedKeys[0]",
    `has key type "ssh-dss", expected one of ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com, got "ssh-dss AAAAB3NzaC1kc3MAAACBAP ops"`,
  ),
  ruleCase(
    "SSH private key pasted",
    (c) => (legacy(c).sshAuthorizedKeys = ["-----BEGIN OPENSSH PRIVATE KEY-----"]),
    "vms.legacy.sshAuthorizedKeys[0]",
    `has key type "-----BEGIN", expected one of ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com, got "-----BEGIN OPENSSH PRIVATE KEY-----"`,
  ),
  ruleCase(
    "no SSH keys",
    (c) => (legacy(c).sshAuthorizedKeys = []),
    "vms.legacy.sshAuthorizedKeys",
    `must be a list of 1 to 100 OpenSSH public keys like "ssh-ed25519 AAAA… ops@example", got []`,
  ),
  ruleCase(
    "two replicas of a single writer",
    (c) => (web(c).replicas = 2),
    "services.web.replicas",
    `must be 1 (web is the single writer of its ReadWriteOnce data volume), got 2`,
  ),
  ruleCase(
    "tag-only image on kubernetes",
    (c) => (web(c).image = "registry.example.internal/web:1.4.2"),
    "services.web.image",
    `must be pinned by digest (…@sha256:<64 hex>) on kubernetes, got "registry.example.internal/web:1.4.2"`,
  ),
  ruleCase(
    "latest opt-out on kubernetes",
    (c) => (c["dockyard:unsafe"] = { allowLatestTag: true }),
    "unsafe.allowLatestTag",
    "is accepted only for target docker (local development)",
  ),
  ruleCase("vcpus zero", (c) => (legacy(c).vcpus = 0), "vms.legacy.vcpus", "must be an integer from 1 to 256, got 0"),
  ruleCase(
    "vcpus fractional",
    (c) => (legacy(c).vcpus = 1.5),
    "vms.legacy.vcpus",
    "must be an integer from 1 to 256, got 1.5",
  ),
  ruleCase(
    "disk too large",
    (c) => (legacy(c).diskSizeGiB = 1e9),
    "vms.legacy.diskSizeGiB",
    "must be an integer from 1 to 65536, got 1000000000",
  ),
  ruleCase(
    "retention hours as days",
    (c) => (keep(c).daily = "7d"),
    "backup.keep.daily",
    `must be an integer from 0 (rule not used) to 10000, got "7d"`,
  ),
  ruleCase(
    "retention keeping nothing",
    (c) => Object.assign(keep(c), { daily: 0, weekly: 0, monthly: 0 }),
    "backup.keep",
    "keeps no snapshot: set at least one of last, hourly, daily, weekly, monthly, yearly above 0",
  ),
  ruleCase(
    "retention negative",
    (c) => (keep(c).weekly = -4),
    "backup.keep.weekly",
    "must be an integer from 0 (rule not used) to 10000, got -4",
  ),
  ruleCase(
    "retention by an unknown rule",
    (c) => (keep(c).within = "7d"),
    "backup.keep.within",
    "is not a known key (allowed here: last, hourly, daily, weekly, monthly, yearly)",
  ),
  ruleCase(
    "check reading back more than all data",
    (c) => ((section(c, "backup").check as Config).readDataPercent = 150),
    "backup.check.readDataPercent",
    "must be an integer from 0 to 100, got 150",
  ),
  ruleCase(
    "drill on 31 February",
    (c) => ((section(c, "backup").drill as Config).schedule = "0 5 31 2 *"),
    "backup.drill.schedule",
    `never fires: February has no day 31, got "0 5 31 2 *"`,
  ),
  ruleCase(
    "drill accepting no age",
    (c) => ((section(c, "backup").drill as Config).maxSnapshotAgeHours = 0),
    "backup.drill.maxSnapshotAgeHours",
    "must be an integer from 2 to 8760, got 0",
  ),
  ruleCase(
    "REST login over plain http",
    (c) => (repository(c).url = "rest:http://backup.prod.example.internal/dockyard"),
    "backup.repository.restPassword",
    "would cross the network in clear: repository.url uses http://, use https:// with credentials",
  ),
  ruleCase(
    "a kubernetes stack backing up into the cluster",
    (c) => delete repository(c).url,
    "backup.repository.url",
    "is required when target is kubernetes: an off-site restic repository (a volume in the cluster would not survive losing it)",
  ),
  ruleCase(
    "S3 keys on a REST repository",
    (c) => (repository(c).s3SecretAccessKey = SECURE),
    "backup.repository.s3SecretAccessKey",
    "applies to s3 repositories only, and repository.url is rest:",
  ),
  ruleCase(
    "an SFTP repository without its host keys",
    (c) =>
      Object.assign(repository(c), {
        url: "sftp:backup@backup.prod.example.internal:/srv/restic",
        restUsername: undefined,
        restPassword: undefined,
        sshPrivateKey: SECURE,
      }),
    "backup.repository.sshKnownHosts",
    "is required for an sftp repository: the server's host keys (ssh-keyscan prints them), so no other server can pose as it",
  ),
  ruleCase(
    "a known_hosts wildcard",
    (c) =>
      Object.assign(repository(c), {
        url: "sftp:backup@backup.prod.example.internal:/srv/restic",
        restUsername: undefined,
        restPassword: undefined,
        sshPrivateKey: SECURE,
        sshKnownHosts: [`*.example.internal ${KEY.split(" ").slice(0, 2).join(" ")}`],
      }),
    "backup.repository.sshKnownHosts[0]",
    `has the pattern "*.example.internal": name the server exactly, got "*.example.internal ${KEY.split(" ").slice(0, 2).join(" ")}"`,
  ),
  ruleCase(
    "known_hosts for another host than the SFTP server",
    (c) =>
      Object.assign(repository(c), {
        url: "sftp:backup@backup.prod.example.internal:/srv/restic",
        restUsername: undefined,
        restPassword: undefined,
        sshPrivateKey: SECURE,
        sshKnownHosts: [`backup.test.example.internal ${KEY.split(" ").slice(0, 2).join(" ")}`],
      }),
    "backup.repository.sshKnownHosts",
    'has no line for "backup.prod.example.internal", the name ssh looks the server up by: ssh would refuse the server, and every backup, check and drill would fail',
  ),
  ruleCase(
    "known_hosts for the bare host of an SFTP server on another port",
    (c) =>
      Object.assign(repository(c), {
        url: "sftp://backup@backup.prod.example.internal:2222//srv/restic",
        restUsername: undefined,
        restPassword: undefined,
        sshPrivateKey: SECURE,
        sshKnownHosts: [`backup.prod.example.internal ${KEY.split(" ").slice(0, 2).join(" ")}`],
      }),
    "backup.repository.sshKnownHosts",
    'has no line for "[backup.prod.example.internal]:2222", the name ssh looks the server up by (on a port other than 22 it is "[host]:port", as ssh-keyscan -p 2222 prints it): ssh would refuse the server, and every backup, check and drill would fail',
  ),
  ruleCase(
    "unknown security opt-out",
    (c) => (web(c).security = { allowRunAsRoot: true }),
    "services.web.security.allowRunAsRoot",
    "is not a known key (allowed here: allowWritableRootFilesystem, allowPrivilegeEscalation)",
  ),
  ruleCase(
    "registry over plain HTTP",
    (c) => (section(c, "registry").address = "http://registry.example.internal"),
    "registry.address",
    `must not start with "http://": a registry is reached over HTTPS, and plain HTTP is allowed only on 127.0.0.1 (dev); give host[:port][/path] only, got "http://registry.example.internal"`,
  ),
  ruleCase(
    "self-hosted registry on kubernetes at a port",
    (c) => (section(c, "registry").address = "registry.example.internal:5000"),
    "registry.address",
    `must be a DNS name like "app.example.com" without a port (the Gateway listener serves 443): a self-hosted registry on kubernetes is reached at its Gateway listener's host, got "registry.example.internal:5000"`,
  ),
  ruleCase(
    "Gateway TLS source none (plain HTTP)",
    (c) => (tlsOf(c).source = "none"),
    "gateway.tls.source",
    `must be "cert-manager" or "secret": every Gateway listener serves TLS (plain HTTP is allowed only for a registry on 127.0.0.1, in dev), got "none"`,
  ),
  ruleCase(
    "no certificate source on kubernetes",
    (c) => delete c["dockyard:gateway"],
    "gateway.tls.source",
    `is required on kubernetes: where the certificates of the Gateway listeners of the registry and the services come from, "cert-manager" or "secret" (plain HTTP is allowed only for a registry on 127.0.0.1, in dev)`,
  ),
  ruleCase(
    "cert-manager without an issuer",
    (c) => delete tlsOf(c).issuer,
    "gateway.tls.issuer",
    "is required with gateway.tls.source cert-manager: the ClusterIssuer or Issuer to ask",
  ),
  ruleCase(
    "issuer of an unknown kind",
    (c) => (tlsOf(c).issuerKind = "VaultIssuer"),
    "gateway.tls.issuerKind",
    `must be "ClusterIssuer" or "Issuer", got "VaultIssuer"`,
  ),
  ruleCase(
    "given certificate beside cert-manager",
    (c) => (tlsOf(c).certificate = SECURE),
    "gateway.tls.certificate",
    "applies only with gateway.tls.source secret: remove it",
  ),
  ruleCase(
    "secret source without its key",
    (c) => Object.assign(tlsOf(c), { source: "secret", issuer: undefined, certificate: SECURE }),
    "gateway.tls.key",
    "is required with gateway.tls.source secret (a secret)",
  ),
  ruleCase(
    "gateway class with spaces",
    (c) => (section(c, "gateway").className = "eg internal"),
    "gateway.className",
    `must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "eg internal"`,
  ),
  ruleCase(
    "data plane namespace with a slash",
    (c) => (dataPlaneOf(c).namespace = "kube-system/envoy"),
    "gateway.dataPlane.namespace",
    `must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "kube-system/envoy"`,
  ),
  ruleCase(
    "data plane pod labels empty (every pod of its namespace)",
    (c) => (dataPlaneOf(c).podLabels = {}),
    "gateway.dataPlane.podLabels",
    "must name at least one label: an empty selector would admit every pod of the namespace, got {}",
  ),
  ruleCase(
    "data plane pod label with a bad key",
    (c) => (dataPlaneOf(c).podLabels = { "app/kubernetes.io/name": "envoy" }),
    "gateway.dataPlane.podLabels",
    `"app/kubernetes.io/name" is not a valid label key ([prefix/]name, name at most 63 characters), got {"app/kubernetes.io/name":"envoy"}`,
  ),
  ruleCase(
    "data plane pod label with a bad value",
    (c) => (dataPlaneOf(c).podLabels = { "app.kubernetes.io/name": "envoy proxy" }),
    "gateway.dataPlane.podLabels",
    `"app.kubernetes.io/name": must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got {"app.kubernetes.io/name":"envoy proxy"}`,
  ),
  ruleCase(
    "front host an IP address",
    (c) => (frontOf(c).host = "203.0.113.7"),
    "services.front.host",
    `must be a DNS name like "app.example.com", not an IP address (a Gateway listener routes names only), got "203.0.113.7"`,
  ),
  ruleCase(
    "front without a host on kubernetes",
    (c) => delete frontOf(c).host,
    "services.front.host",
    "is required on kubernetes: the DNS name users reach front at (its Gateway listener's host)",
  ),
  ruleCase(
    "front replicas beside its autoscaler",
    (c) => (frontOf(c).replicas = 1),
    "services.front.replicas",
    "has no effect on kubernetes, where front's HorizontalPodAutoscaler owns the count: set autoscaling.minReplicas and maxReplicas instead",
  ),
  ruleCase(
    "front scaled down to one",
    (c) => ((frontOf(c).autoscaling as Config).minReplicas = 1),
    "services.front.autoscaling.minReplicas",
    "must be an integer from 2 to 100, got 1",
  ),
  ruleCase(
    "autoscaler bounds reversed",
    (c) => Object.assign(frontOf(c).autoscaling as Config, { minReplicas: 8, maxReplicas: 4 }),
    "services.front.autoscaling.maxReplicas",
    "must be at least autoscaling.minReplicas (8), got 4",
  ),
  ruleCase(
    "CPU target of 5 percent",
    (c) => ((frontOf(c).autoscaling as Config).targetCpuUtilization = 5),
    "services.front.autoscaling.targetCpuUtilization",
    "must be an integer from 10 to 100, got 5",
  ),
  ruleCase(
    "protect as a string",
    (c) => (c["dockyard:protect"] = "yes"),
    "protect",
    `must be true or false, got "yes"`,
  ),
];

function namespaceCase(name: string, key: string, value: unknown, message: string): HostileCase {
  return {
    name,
    kind: "namespaces",
    command: "synth",
    config: (c) => (c[key] = value),
    exit: 1,
    lines: [`$FILE: ${key} ${message}`],
  };
}

const NAMESPACES: HostileCase[] = [
  namespaceCase(
    "capitalised namespace",
    "Dockyard:protect",
    false,
    `is in namespace "Dockyard", which dockyard does not read: did you mean dockyard:protect?`,
  ),
  namespaceCase(
    "misspelt namespace",
    "dockyrd:vms",
    { legacy: { enabled: false } },
    `is in namespace "dockyrd", which dockyard does not read: did you mean dockyard:vms?`,
  ),
  namespaceCase(
    "default kubernetes provider",
    "kubernetes:context",
    "prod",
    "configures the default kubernetes provider, which dockyard never uses (its providers come from dockyard:endpoints): remove it",
  ),
  namespaceCase(
    "another project's key",
    "aws:region",
    "eu-west-1",
    `is in namespace "aws", which dockyard does not read: remove it (dockyard's keys are dockyard:<key>)`,
  ),
  namespaceCase(
    "legacy config spelling",
    "dockyard:config:target",
    "docker",
    `uses the old "<namespace>:config:<key>" spelling, which Pulumi folds into dockyard:target: write dockyard:target`,
  ),
  namespaceCase(
    "legacy spelling elsewhere",
    "aws:config:region",
    "eu-west-1",
    `uses the old "<namespace>:config:<key>" spelling, which Pulumi folds into aws:region: write aws:region`,
  ),
  namespaceCase(
    "three-part key",
    "dockyard:a:b",
    1,
    "is not a config key: write <namespace>:<key>, e.g. dockyard:target",
  ),
  namespaceCase(
    "prototype at the top",
    "dockyard:__proto__",
    { protect: false },
    "is a reserved name and cannot be a config key",
  ),
  {
    name: "prototype below a service",
    kind: "namespaces",
    command: "synth",
    text: `config:\n  dockyard:target: kubernetes\n  dockyard:services:\n    web:\n      __proto__:\n        replicas: 2\n`,
    exit: 1,
    lines: [`$FILE: dockyard:services.web.__proto__ is a reserved name ("__proto__") and cannot be a config key`],
  },
  {
    name: "constructor key",
    kind: "namespaces",
    command: "synth",
    text: `config:\n  dockyard:target: kubernetes\n  dockyard:endpoints:\n    constructor: x\n`,
    exit: 1,
    lines: [`$FILE: dockyard:endpoints.constructor is a reserved name ("constructor") and cannot be a config key`],
  },
  {
    name: "prototype key",
    kind: "namespaces",
    command: "synth",
    text: `config:\n  dockyard:target: kubernetes\n  dockyard:volumes:\n    prototype: {}\n`,
    exit: 1,
    lines: [`$FILE: dockyard:volumes.prototype is a reserved name ("prototype") and cannot be a config key`],
  },
];

function fileCase(name: string, text: string, message: string): HostileCase {
  return { name, kind: "files", command: "synth", text, exit: 1, lines: [`$FILE: ${message}`] };
}

const PREFIX = "config:\n  dockyard:target: kubernetes\n";
const FILES: HostileCase[] = [
  fileCase(
    "YAML alias bomb",
    `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nconfig:\n  dockyard:x: *e\n`,
    "cannot be read: Excessive alias count indicates a resource exhaustion attack",
  ),
  fileCase(
    "leading-zero number",
    `${PREFIX}  dockyard:backup:\n    keep:\n      daily: 010\n`,
    "dockyard:backup.keep.daily is 010: a leading zero reads as octal in some YAML readers and decimal in others; write it without the zero, or quote it",
  ),
  fileCase(
    "digit separators",
    `${PREFIX}  dockyard:volumes:\n    web-data:\n      sizeGiB: 2_048\n`,
    `dockyard:volumes.web-data.sizeGiB is 2_048: digit separators ("_") read as a number in some YAML readers and as text in others; write the digits without "_", or quote it`,
  ),
  fileCase(
    "hex number",
    `${PREFIX}  dockyard:vms:\n    legacy:\n      vcpus: 0x2\n`,
    "dockyard:vms.legacy.vcpus is 0x2: write numbers in decimal, or quote the value to keep it text",
  ),
  fileCase(
    "binary number",
    `${PREFIX}  dockyard:vms:\n    legacy:\n      vcpus: 0b10\n`,
    "dockyard:vms.legacy.vcpus is 0b10: write numbers in decimal, or quote the value to keep it text",
  ),
  fileCase(
    "not a number",
    `${PREFIX}  dockyard:vms:\n    legacy:\n      memoryMiB: .nan\n`,
    "dockyard:vms.legacy.memoryMiB is .nan, which is not a number Pulumi config can hold",
  ),
  fileCase(
    "infinity",
    `${PREFIX}  dockyard:backup:\n    keep:\n      daily: .inf\n`,
    "dockyard:backup.keep.daily is .inf, which is not a number Pulumi config can hold",
  ),
  fileCase(
    "unknown tag",
    `${PREFIX}  dockyard:protect: !bool yes\n`,
    "is not valid YAML: Unresolved tag: !bool (line 3, column 21)",
  ),
  fileCase(
    "binary tag",
    `${PREFIX}  dockyard:endpoints:\n    kubeContext: !!binary cHJvZA==\n`,
    "dockyard:endpoints.kubeContext has the YAML tag tag:yaml.org,2002:binary, which readers resolve differently: remove it (quote the value to keep it text)",
  ),
  fileCase(
    "merge key",
    `base: &base\n  replicas: 1\nconfig:\n  dockyard:target: kubernetes\n  dockyard:services:\n    web:\n      <<: *base\n`,
    "dockyard:services.web.<< is a YAML merge key, which Pulumi does not read the same way: write the keys out",
  ),
  fileCase(
    "duplicate key",
    `${PREFIX}  dockyard:target: docker\n`,
    "is not valid YAML: Map keys must be unique (line 3, column 3)",
  ),
  fileCase("root is a list", "- config\n- x\n", "must be a YAML mapping with a `config:` key"),
  fileCase("config is a number", "config: 3\n", "config must be a mapping of config keys to values"),
  fileCase(
    "unknown stack file key",
    "configuration:\n  dockyard:target: docker\n",
    "configuration is not a stack settings key (allowed: config, secretsprovider, encryptedkey, encryptionsalt, environment)",
  ),
  fileCase("key that is a list", `${PREFIX}  ? [a, b]\n  : 1\n`, "config has a key that is not plain text"),
  fileCase(
    "broken YAML",
    "config: [\n",
    "is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (line 2, column 1)",
  ),
  fileCase("empty file", "", 'dockyard:target is required: "docker" or "kubernetes"'),
  fileCase(
    "nesting too deep",
    `${PREFIX}  dockyard:x: ${"[".repeat(40)}${"]".repeat(40)}\n`,
    `dockyard:x${"[0]".repeat(32)} nests deeper than 32 levels`,
  ),
  {
    name: "/dev/zero as the stack file",
    kind: "files",
    command: "synth",
    args: ["prod", "--config-file", "/dev/zero", "--out", "$OUT"],
    exit: 1,
    lines: ["/dev/zero: cannot be read: not a regular file"],
  },
  {
    name: "a FIFO as the stack file",
    kind: "files",
    command: "synth",
    setup: ({ file }) => outputOf("mkfifo", [file], { timeoutMs: 30_000 }),
    exit: 1,
    lines: ["$FILE: cannot be read: not a regular file"],
  },
  {
    name: "a directory as the stack file",
    kind: "files",
    command: "synth",
    setup: ({ file }) => mkdirSync(file),
    exit: 1,
    lines: ["$FILE: cannot be read: not a regular file (a directory)"],
  },
  {
    name: "a stack file of 2 MiB",
    kind: "files",
    command: "synth",
    setup: ({ file }) => writeFileSync(file, `${PREFIX}# ${"x".repeat(2 * 1024 * 1024)}\n`),
    exit: 1,
    lines: [`$FILE: is ${2 * 1024 * 1024 + PREFIX.length + 3} bytes, more than a stack file may be (1048576)`],
  },
  {
    name: "a stack file that is not UTF-8",
    kind: "files",
    command: "synth",
    setup: ({ file }) =>
      writeFileSync(file, Buffer.from([0x63, 0x6f, 0x6e, 0x66, 0x69, 0x67, 0x3a, 0x20, 0xff, 0xfe, 0x0a])),
    exit: 1,
    lines: ["$FILE: is not UTF-8 text"],
  },
  {
    name: "a missing stack file",
    kind: "files",
    command: "synth",
    args: ["prod", "--config-file", "$FILE.missing", "--out", "$OUT"],
    exit: 1,
    lines: ["$FILE.missing: cannot be read: no such file"],
  },
];

function pathCase(
  name: string,
  args: string[],
  exit: 1 | 2,
  line: string,
  setup?: (ctx: CaseContext) => void,
): HostileCase {
  // prod's own config: only the paths are wrong.
  return {
    name,
    kind: "paths",
    command: "synth",
    args,
    config: () => undefined,
    exit,
    lines: [line],
    ...(setup ? { setup } : {}),
  };
}

const STACK_NAME = (name: string) =>
  `synth: invalid stack name ${JSON.stringify(name)}: use letters, digits, "_", "." and "-", starting with a letter or digit (no paths)`;
const PATHS: HostileCase[] = [
  pathCase("stack name ..", ["..", "--out", "$OUT/inner"], 2, STACK_NAME("..")),
  pathCase("stack name .", [".", "--out", "$OUT"], 2, STACK_NAME(".")),
  pathCase("stack name with a separator", ["prod/../../x", "--out", "$OUT"], 2, STACK_NAME("prod/../../x")),
  pathCase("absolute stack name", ["/etc/passwd", "--out", "$OUT"], 2, STACK_NAME("/etc/passwd")),
  pathCase("stack name starting with a dash", ["--out", "$OUT", "--", "-prod"], 2, STACK_NAME("-prod")),
  pathCase("stack name with a newline", ["prod\nx", "--out", "$OUT"], 2, STACK_NAME("prod\nx")),
  pathCase(
    "--out is a file",
    ["prod", "--config-file", "$FILE", "--out", "$FILE"],
    1,
    "synth: --out $FILE: $FILE is not a directory",
  ),
  pathCase(
    "--out below a file",
    ["prod", "--config-file", "$FILE", "--out", "$FILE/sub"],
    1,
    "synth: --out $FILE/sub: $FILE is not a directory",
  ),
  pathCase(
    "--out in /proc",
    ["prod", "--config-file", "$FILE", "--out", "/proc/dockyard-synth"],
    1,
    "synth: --out /proc/dockyard-synth: cannot create /proc/dockyard-synth: no such directory",
  ),
  pathCase(
    "--out holds someone else's directory",
    ["prod", "--config-file", "$FILE", "--out", "$OUT"],
    1,
    "synth: $OUT/prod exists and was not written by synth (no .dockyard-synth.json): move it away or choose another --out",
    ({ out }) => mkdirSync(join(out, "prod")),
  ),
  pathCase(
    "--out stack directory is a symbolic link",
    ["prod", "--config-file", "$FILE", "--out", "$OUT"],
    1,
    "synth: $OUT/prod is a symbolic link, not synth's output: move it away or choose another --out",
    ({ out, dir }) => {
      mkdirSync(join(dir, "elsewhere"));
      symlinkSync(join(dir, "elsewhere"), join(out, "prod"));
    },
  ),
  pathCase(
    "--out stack path is a file",
    ["prod", "--config-file", "$FILE", "--out", "$OUT"],
    1,
    "synth: $OUT/prod exists and is not a directory: move it away or choose another --out",
    ({ out }) => writeFileSync(join(out, "prod"), "mine"),
  ),
  pathCase("empty --out", ["prod", "--out", ""], 2, "synth: --out needs a path"),
  pathCase(
    "empty --config-file",
    ["prod", "--config-file", "", "--out", "$OUT"],
    2,
    "synth: --config-file is empty (an unset variable?): give a stack file, or leave the option out for stacks/Pulumi.prod.yaml",
  ),
];

function secureRefused(name: string, change: (c: Config) => void, key: string): HostileCase {
  return {
    name: `secure value on ${name}`,
    kind: "secrets",
    command: "synth",
    config: change,
    exit: 1,
    lines: [
      at(
        key,
        "is given as a secret, but it shapes resources (a size, switch, schedule or name of the topology): set it in plaintext",
      ),
    ],
    secrets: ["offline-secret-value", SECURE.secure],
  };
}

// A secure value where one is accepted is masked everywhere: secret-everywhere.test.ts checks that on
// every key of the schema. Here, the keys that shape resources refuse one, naming the key.
const NOT_CIPHERTEXT =
  "is marked secure but does not hold Pulumi ciphertext (the value is not shown): it sits in the file as written; set it with `pulumi config set --secret`";

const SECRETS: HostileCase[] = [
  {
    name: "a secure value that is plain text",
    kind: "secrets",
    command: "synth",
    config: (c) => (section(c, "endpoints").kubeContext = { secure: "prod cluster admin context" }),
    exit: 1,
    lines: [at("endpoints.kubeContext", NOT_CIPHERTEXT)],
    secrets: ["prod cluster admin context"],
  },
  {
    name: "a secure value that is a number",
    kind: "secrets",
    command: "synth",
    config: (c) => (section(c, "endpoints").kubeContext = { secure: 31337000 }),
    exit: 1,
    lines: [at("endpoints.kubeContext", NOT_CIPHERTEXT)],
    secrets: ["31337000"],
  },
  secureRefused("target", (c) => (c["dockyard:target"] = SECURE), "target"),
  secureRefused("protect", (c) => (c["dockyard:protect"] = SECURE), "protect"),
  secureRefused("replicas", (c) => (web(c).replicas = SECURE), "services.web.replicas"),
  secureRefused("cpu", (c) => (web(c).cpu = SECURE), "services.web.cpu"),
  secureRefused("memory", (c) => (web(c).memory = SECURE), "services.web.memory"),
  secureRefused("a VM's vCPUs", (c) => (legacy(c).vcpus = SECURE), "vms.legacy.vcpus"),
  secureRefused(
    "an autoscaler bound",
    (c) => ((frontOf(c).autoscaling as Config).maxReplicas = SECURE),
    "services.front.autoscaling.maxReplicas",
  ),
  secureRefused("the TLS source", (c) => (tlsOf(c).source = SECURE), "gateway.tls.source"),
  secureRefused(
    "a data plane pod label (an entry of a map taken whole)",
    (c) => (dataPlaneOf(c).podLabels = { app: SECURE }),
    "gateway.dataPlane.podLabels.app",
  ),
  secureRefused("the backup schedule", (c) => (section(c, "backup").schedule = SECURE), "backup.schedule"),
  secureRefused("a retention rule", (c) => (keep(c).daily = SECURE), "backup.keep.daily"),
  secureRefused(
    "the check's share of data",
    (c) => ((section(c, "backup").check as Config).readDataPercent = SECURE),
    "backup.check.readDataPercent",
  ),
  secureRefused(
    "a security opt-out",
    (c) => (web(c).security = { allowPrivilegeEscalation: SECURE }),
    "services.web.security.allowPrivilegeEscalation",
  ),
];

const ECHO: HostileCase[] = [
  {
    name: "plaintext repository password is refused without echoing it",
    kind: "echo",
    command: "synth",
    config: (c) => (repository(c).password = "correct-horse-repository"),
    exit: 1,
    lines: [
      at(
        "backup.repository.password",
        "must be a secret but is in plaintext: set it with `pulumi config set --secret --path 'dockyard:backup.repository.password' <value>`",
      ),
    ],
    secrets: ["correct-horse-repository"],
  },
  {
    name: "plaintext SSH private key is refused without echoing it",
    kind: "echo",
    command: "synth",
    config: (c) =>
      Object.assign(repository(c), {
        url: "sftp:backup@backup.prod.example.internal:/srv/restic",
        restUsername: undefined,
        restPassword: undefined,
        sshPrivateKey:
          "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----",
        sshKnownHosts: [`backup.prod.example.internal ${KEY.split(" ").slice(0, 2).join(" ")}`],
      }),
    exit: 1,
    lines: [
      at(
        "backup.repository.sshPrivateKey",
        "must be a secret but is in plaintext: set it with `pulumi config set --secret --path 'dockyard:backup.repository.sshPrivateKey' <value>`",
      ),
    ],
    secrets: ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmU="],
  },
  {
    name: "a plaintext private key is refused without echoing it",
    kind: "echo",
    command: "synth",
    config: (c) => Object.assign(tlsOf(c), { source: "secret", issuer: undefined, certificate: SECURE, key: PEM_KEY }),
    exit: 1,
    lines: [
      at(
        "gateway.tls.key",
        "must be a secret but is in plaintext: set it with `pulumi config set --secret --path 'dockyard:gateway.tls.key' <value>`",
      ),
    ],
    secrets: ["MIGHAgEAMBMGByqGSM49"],
  },
  {
    name: "plaintext password is refused without echoing it",
    kind: "echo",
    command: "synth",
    config: (c) =>
      (c["dockyard:registry"] = {
        mode: "external",
        address: "registry.example.com",
        username: "ci",
        password: 8675309123,
      }),
    exit: 1,
    lines: [
      at(
        "registry.password",
        "must be a non-empty registry password, set with --secret (a secret: the value is not shown)",
      ),
      at(
        "registry.password",
        "must be a secret but is in plaintext: set it with `pulumi config set --secret --path 'dockyard:registry.password' <value>`",
      ),
    ],
    secrets: ["8675309123"],
  },
  {
    name: "plaintext password string is refused without echoing it",
    kind: "echo",
    command: "synth",
    config: (c) =>
      (c["dockyard:registry"] = {
        mode: "external",
        address: "registry.example.com",
        username: "ci",
        password: "correct-horse-battery",
      }),
    exit: 1,
    lines: [
      at(
        "registry.password",
        "must be a secret but is in plaintext: set it with `pulumi config set --secret --path 'dockyard:registry.password' <value>`",
      ),
    ],
    secrets: ["correct-horse-battery"],
  },
  {
    name: "a secret on a wrongly shaped key is not shown",
    kind: "echo",
    command: "synth",
    config: (c) => (section(c, "endpoints").kubeContext = { secure: "v1:AAAA:bm90IHNob3du" }),
    exit: 0,
    secrets: ["v1:AAAA:bm90IHNob3du", "offline-secret-value"],
  },
  {
    name: "a regex never shows in a message",
    kind: "echo",
    command: "synth",
    config: (c) => (section(c, "endpoints").namespace = "UPPER"),
    exit: 1,
    lines: [
      at(
        "endpoints.namespace",
        `must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "UPPER"`,
      ),
    ],
    secrets: ["/^", "$/"],
  },
  {
    name: "a non-finite number is named as written",
    kind: "echo",
    command: "synth",
    text: `${PREFIX}  dockyard:backup:\n    keep:\n      daily: -.inf\n`,
    exit: 1,
    lines: ["$FILE: dockyard:backup.keep.daily is -.inf, which is not a number Pulumi config can hold"],
    secrets: ["got null"],
  },
];

const PARITY: HostileCase[] = [
  {
    name: "parity: legacy spelling in a changed stack file",
    kind: "parity",
    command: "parity",
    args: ["test", "prod", "--config-file", "test=$FILE"],
    text: "config:\n  dockyard:config:target: docker\n",
    exit: 1,
    lines: [
      `$FILE: dockyard:config:target uses the old "<namespace>:config:<key>" spelling, which Pulumi folds into dockyard:target: write dockyard:target`,
    ],
  },
  {
    name: "parity: another libvirt transport is not mirrored",
    kind: "parity",
    command: "parity",
    args: ["test", "prod", "--config-file", "test=$FILE"],
    setup: ({ file }) => {
      const config = committedConfig("test");
      section(config, "endpoints").libvirtUri = "qemu+tls://vm-host.test.example.internal/system";
      writeFileSync(file, stringify({ config }));
    },
    exit: 1,
    lines: [
      `  config dockyard:endpoints.libvirtUri: test="qemu+tls://<host>/system" prod="qemu+ssh://<host>/system" (differs beyond its environment part)`,
    ],
  },
  {
    name: "parity: a mirror in one stack only is not mirrored",
    kind: "parity",
    command: "parity",
    args: ["test", "prod", "--config-file", "test=$FILE"],
    setup: ({ file }) => {
      const config = committedConfig("test");
      section(config, "registry").mirror = "mirror.test.example.internal";
      writeFileSync(file, stringify({ config }));
    },
    exit: 1,
    lines: [`  config dockyard:registry.mirror: test="remote" prod="none" (differs beyond its environment part)`],
  },
  {
    name: "parity: the fake test driver in test",
    kind: "parity",
    command: "parity",
    args: ["test", "prod", "--config-file", "test=$FILE"],
    setup: ({ file }) => {
      const config = committedConfig("test");
      section(config, "endpoints").libvirtUri = "test:///default";
      writeFileSync(file, stringify({ config }));
    },
    exit: 1,
    lines: [
      at(
        "endpoints.libvirtUri",
        `uses libvirt's fake "test" driver, which deploys nothing: give the host's "qemu+ssh://…/system" URI, got "test:///default"`,
      ),
    ],
  },
  {
    name: "parity: problems of both stacks at once",
    kind: "parity",
    command: "parity",
    args: ["test", "prod", "--config-file", "test=$FILE", "--config-file", "prod=$FILE.prod"],
    setup: ({ file }) => {
      writeFileSync(file, "config:\n  dockyard:target: kube\n");
      writeFileSync(`${file}.prod`, "config:\n  dockyard:target: kubernetes\n  dockyard:protect: maybe\n");
    },
    exit: 1,
    lines: [
      `$FILE: dockyard:target must be "docker" or "kubernetes", got "kube"`,
      `$FILE.prod: dockyard:protect must be true or false, got "maybe"`,
    ],
  },
  {
    name: "parity: one stack's file given twice",
    kind: "parity",
    command: "parity",
    args: ["--config-file", "test=$FILE", "--config-file", "test=$FILE"],
    exit: 2,
    lines: ["parity: --config-file given twice for test"],
  },
  {
    name: "parity: malformed --config-file",
    kind: "parity",
    command: "parity",
    args: ["--config-file", "nonsense"],
    exit: 2,
    lines: [`parity: --config-file takes STACK=FILE, got "nonsense"`],
  },
  {
    name: "parity: stack name with a path",
    kind: "parity",
    command: "parity",
    args: ["../test", "prod"],
    exit: 2,
    lines: [STACK_NAME("../test").replace("synth:", "parity:")],
  },
  {
    name: "parity: second stack name with a path",
    kind: "parity",
    command: "parity",
    args: ["test", "prod/.."],
    exit: 2,
    lines: [STACK_NAME("prod/..").replace("synth:", "parity:")],
  },
  {
    name: "parity: --config-file with an empty stack",
    kind: "parity",
    command: "parity",
    args: ["--config-file", "=prod=x.yaml"],
    exit: 2,
    lines: [`parity: --config-file takes STACK=FILE, got "=prod=x.yaml"`],
  },
  {
    name: "parity: a stack against itself",
    kind: "parity",
    command: "parity",
    args: ["prod", "prod"],
    exit: 2,
    lines: ["parity: compare two different stacks, or give a --config-file"],
  },
  {
    name: "parity: /dev/zero as a stack file",
    kind: "parity",
    command: "parity",
    args: ["test", "prod", "--config-file", "test=/dev/zero"],
    exit: 1,
    lines: ["/dev/zero: cannot be read: not a regular file"],
  },
];

PARITY.push({
  name: "parity: certificates from another source in test",
  kind: "parity",
  command: "parity",
  args: ["test", "prod", "--config-file", "test=$FILE"],
  setup: ({ file }) => {
    const config = committedConfig("test");
    section(config, "gateway").tls = { source: "secret", certificate: SECURE, key: SECURE };
    writeFileSync(file, stringify({ config }));
  },
  exit: 1,
  lines: [`  config dockyard:gateway.tls.source: test="secret" prod="cert-manager" (not an environment knob)`],
});

const USAGE: HostileCase[] = [
  { name: "no stack", kind: "usage", command: "synth", args: [], exit: 2, lines: ["synth: missing stack name"] },
  {
    name: "two stacks",
    kind: "usage",
    command: "synth",
    args: ["dev", "prod"],
    exit: 2,
    lines: ["synth: unexpected argument prod"],
  },
  {
    name: "unknown option",
    kind: "usage",
    command: "synth",
    args: ["dev", "--frobnicate"],
    exit: 2,
    lines: [
      `synth: Unknown option '--frobnicate'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--frobnicate"`,
    ],
  },
  {
    name: "--out without a value",
    kind: "usage",
    command: "synth",
    args: ["dev", "--out"],
    exit: 2,
    lines: ["synth: Option '--out <value>' argument missing"],
  },
  {
    name: "parity: three stacks",
    kind: "usage",
    command: "parity",
    args: ["a", "b", "c"],
    exit: 2,
    lines: ["parity: unexpected argument c"],
  },
  {
    name: "parity: unknown option",
    kind: "usage",
    command: "parity",
    args: ["--fix"],
    exit: 2,
    lines: [
      `parity: Unknown option '--fix'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--fix"`,
    ],
  },
];

/** Every case, by class. */
export const HOSTILE_CASES: HostileCase[] = [
  ...ENDPOINTS,
  ...RULES,
  ...NAMESPACES,
  ...FILES,
  ...PATHS,
  ...SECRETS,
  ...ECHO,
  ...PARITY,
  ...USAGE,
];

export { KEY, SECURE };
