import { createHmac } from "node:crypto";
import { hostProblem, splitHostPort } from "./names";
import { sshPublicKey } from "./ssh";
import { accept, CONTROL_OR_LINE_BREAK, refuse, rule, type Rule, type Verdict } from "./rule";

/**
 * restic repositories and what goes with them: the repository URL (the backends dockyard wires
 * credentials for), the retention policy, and SFTP host keys. Credentials never sit in the URL:
 * each backend's have keys of their own, which are secrets.
 * @see https://restic.readthedocs.io/en/stable/030_preparing_a_new_repo.html
 * @see https://restic.readthedocs.io/en/stable/060_forget.html#removing-snapshots-according-to-a-policy
 */

/** The backends dockyard supports: each has its credentials wired as secrets. */
export const RESTIC_BACKENDS = ["rest", "sftp", "s3"] as const;
export type ResticBackend = (typeof RESTIC_BACKENDS)[number];

/** A repository URL taken apart. */
export interface ResticRepository {
  readonly backend: ResticBackend;
  /** How it is reached: `https` or `http` (rest, s3), `ssh` (sftp). */
  readonly transport: "https" | "http" | "ssh";
  /** SFTP's login. */
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  /** The path (rest, sftp) or `bucket[/prefix]` (s3), as written. */
  readonly path: string;
}

/** Backend credentials, as the keys that hold them are named (Args of Backup's `repository`, and stack config). */
export const REPOSITORY_CREDENTIALS = {
  rest: ["restUsername", "restPassword"],
  s3: ["s3AccessKeyId", "s3SecretAccessKey"],
  sftp: ["sshPrivateKey"],
} as const satisfies Record<ResticBackend, readonly string[]>;
export type RepositoryCredential = (typeof REPOSITORY_CREDENTIALS)[ResticBackend][number];
/** Every credential key, in a fixed order. */
export const CREDENTIAL_KEYS: readonly RepositoryCredential[] = Object.values(REPOSITORY_CREDENTIALS).flat();

const EXAMPLE = `a restic repository URL like "rest:https://backup.example.com/dockyard", "sftp:backup@host.example.com:/srv/restic" or "s3:https://s3.example.com/bucket/dockyard"`;
const SFTP_USER = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/;
/** Path characters restic, ssh and the backup scripts all take literally. */
const PATH = /^[A-Za-z0-9._~/-]*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const credentialsIn = (backend: ResticBackend) => {
  switch (backend) {
    case "rest":
      return "REST credentials belong in repository.restUsername and repository.restPassword (Pulumi secrets)";
    case "s3":
      return "S3 credentials belong in repository.s3AccessKeyId and repository.s3SecretAccessKey (Pulumi secrets)";
    case "sftp":
      return "SFTP logs in with a key: repository.sshPrivateKey (a Pulumi secret), the server pinned by repository.sshKnownHosts";
  }
};

/** A repository URL taken apart, or why dockyard cannot use it. */
export function parseResticRepository(value: string): ResticRepository | { problem: string } {
  if (CONTROL_OR_LINE_BREAK.test(value) || /\s/.test(value))
    return { problem: `must be ${EXAMPLE}, without spaces or control characters` };
  if (/[?#]/.test(value))
    return { problem: "must not have a query or fragment (restic options are not set in the URL)" };
  const backend = /^([a-z0-9]+):/.exec(value)?.[1];
  if (value.startsWith("/") || backend === "local")
    return {
      problem:
        "is a local path: leave repository.url out to keep the repository on a volume beside the source (dev), or give an off-site rest:, sftp: or s3: URL",
    };
  if (backend === undefined) return { problem: `must be ${EXAMPLE}` };
  if (/^https?:\/\//.test(value))
    return {
      problem: `names no backend: a REST server is written "rest:${value}", an S3 bucket "s3:${value.replace(/\/$/, "")}/bucket"`,
    };
  if (!(RESTIC_BACKENDS as readonly string[]).includes(backend))
    return {
      problem: `uses restic's "${backend}" backend; dockyard wires credentials for ${RESTIC_BACKENDS.join(", ")} only`,
    };
  const rest = value.slice(backend.length + 1);
  switch (backend as ResticBackend) {
    case "rest":
      return parseHttp("rest", rest);
    case "s3":
      return parseHttp("s3", /^https?:\/\//.test(rest) ? rest : `https://${rest}`);
    case "sftp":
      return parseSftp(rest);
  }
}

function parseHttp(backend: "rest" | "s3", text: string): ResticRepository | { problem: string } {
  const match = /^(https?):\/\/([^/]*)(\/.*)?$/.exec(text);
  if (match === null)
    return {
      problem:
        backend === "rest"
          ? `must be "rest:https://host[:port]/path" (or http://)`
          : `must be "s3:https://host[:port]/bucket[/prefix]" or "s3:host/bucket[/prefix]"`,
    };
  const [, scheme, authority, path = ""] = match;
  if (authority.includes("@"))
    return { problem: `must not carry credentials (user:password@host): ${credentialsIn(backend)}` };
  const split = splitHostPort(authority);
  if ("problem" in split) return { problem: split.problem };
  const pathProblem = checkPath(path);
  if (pathProblem) return { problem: pathProblem };
  if (backend === "s3") {
    const bucket = path.split("/")[1] ?? "";
    if (!BUCKET.test(bucket))
      return {
        problem: `names bucket "${bucket}": give s3:host/bucket[/prefix] with a bucket name of 3 to 63 lower-case letters, digits, "." or "-"`,
      };
  }
  return {
    backend,
    transport: scheme as "http" | "https",
    host: split.host,
    ...(split.port ? { port: split.port } : {}),
    path,
  };
}

function parseSftp(text: string): ResticRepository | { problem: string } {
  let authority: string;
  let path: string;
  let port: number | undefined;
  if (text.startsWith("//")) {
    const match = /^\/\/([^/]*)(\/.*)?$/.exec(text);
    [authority, path] = [match?.[1] ?? "", match?.[2] ?? ""];
  } else {
    const colon = text.indexOf(":", text.indexOf("@") + 1);
    if (colon < 0) return { problem: `must be "sftp:user@host:/path" or "sftp://user@host[:port]/path"` };
    [authority, path] = [text.slice(0, colon), text.slice(colon + 1)];
  }
  const at = authority.lastIndexOf("@");
  if (at < 0) return { problem: `names no user: "sftp:user@host:/path" (restic logs in as that user)` };
  const user = authority.slice(0, at);
  let hostPort = authority.slice(at + 1);
  if (user.includes(":"))
    return { problem: `must not carry a password (user:password@host): ${credentialsIn("sftp")}` };
  if (!SFTP_USER.test(user)) return { problem: `has user "${user}", expected letters, digits, ".", "_" or "-"` };
  if (text.startsWith("//")) {
    const split = /^([^:]*)(?::(\d{1,5}))?$/.exec(hostPort);
    if (split === null) return { problem: `has "${hostPort}" where host[:port] belongs` };
    hostPort = split[1];
    if (split[2] !== undefined) {
      port = Number(split[2]);
      if (port < 1 || port > 65535) return { problem: `has port ${split[2]}, expected 1 to 65535` };
    }
  }
  if (hostPort.startsWith("["))
    return { problem: "has an IPv6 address: give the SFTP server's DNS name or IPv4 address" };
  const problem = hostProblem(hostPort);
  if (problem) return { problem: hostPort.startsWith("-") ? `${problem}: ssh would read it as an option` : problem };
  if (path === "" || path === "/")
    return { problem: "names no path: give the repository's directory, e.g. sftp:user@host:/srv/restic" };
  const pathProblem = checkPath(path);
  if (pathProblem) return { problem: pathProblem };
  return { backend: "sftp", transport: "ssh", user, host: hostPort, ...(port ? { port } : {}), path };
}

function checkPath(path: string): string | undefined {
  if (!PATH.test(path) || path.startsWith("-"))
    return `has path "${path}": use letters, digits, ".", "_", "~", "-" and "/" only`;
  if (path.split("/").some((part) => part === ".."))
    return `has path "${path}" with "..": give the repository's own directory`;
  return undefined;
}

/** A restic repository URL dockyard can use: rest, sftp or s3; no credentials, query or option-like host. */
export const resticRepository: Rule<string> = rule(EXAMPLE, (value): Verdict<string> => {
  if (typeof value !== "string") return refuse(`must be ${EXAMPLE}`);
  const parsed = parseResticRepository(value);
  return "problem" in parsed ? refuse(parsed.problem) : accept(value);
});

/**
 * What of a repository URL is not an environment knob: its backend and transport (`rest:https`,
 * `sftp`, `s3:https`). Test and prod may use different servers, never a different kind.
 */
export function resticRepositoryShape(value: string): string {
  const parsed = parseResticRepository(value);
  if ("problem" in parsed) return value;
  return parsed.backend === "sftp" ? "sftp" : `${parsed.backend}:${parsed.transport}`;
}

/** The repository of one volume under a base URL: `<base>/<name>`, so each volume has its own. */
export function resticRepositoryFor(base: string, name: string): string {
  return `${base.replace(/\/+$/, "")}/${name}`;
}

/** restic's `forget --keep-*` rules dockyard sets. */
export const RETENTION_RULES = ["last", "hourly", "daily", "weekly", "monthly", "yearly"] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];
/** How many snapshots each rule keeps (0: the rule is not used). */
export type RetentionPolicy = Readonly<Record<RetentionRule, number>>;

/** Snapshots one `keep` rule may keep. */
export const retentionCount: Rule<number> = rule("an integer from 0 (rule not used) to 10000", (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 10000
    ? accept(value)
    : refuse("must be an integer from 0 (rule not used) to 10000"),
);

/** Why a retention policy cannot be used (it keeps nothing), or undefined. */
export function retentionPolicyProblem(policy: Partial<RetentionPolicy>): string | undefined {
  return RETENTION_RULES.some((key) => (policy[key] ?? 0) > 0)
    ? undefined
    : `keeps no snapshot: set at least one of ${RETENTION_RULES.join(", ")} above 0`;
}

/** One line of an OpenSSH known_hosts file: `host[,host…] type key [comment]`, no markers or wildcards. */
export const sshKnownHost: Rule<string> = rule(
  `an OpenSSH known_hosts line like "backup.example.com ssh-ed25519 AAAA…" or "[backup.example.com]:2222 ssh-ed25519 AAAA…"`,
  (value) => {
    const expects = `must be an OpenSSH known_hosts line like "backup.example.com ssh-ed25519 AAAA…" (ssh-keyscan prints them)`;
    if (typeof value !== "string") return refuse(expects);
    if (CONTROL_OR_LINE_BREAK.test(value))
      return refuse("must be one line without control characters or Unicode line breaks");
    const match = /^(\S+) (\S+ \S+(?: .*)?)$/.exec(value.trim());
    if (match === null) return refuse(expects);
    const [, hosts, key] = match;
    if (hosts.startsWith("@")) return refuse(`has the marker "${hosts}": give the server's own host key`);
    for (const host of hosts.split(",")) {
      if (/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/.test(host)) continue;
      const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(host);
      const name = bracketed ? bracketed[1] : host;
      if (/[*?!]/.test(name)) return refuse(`has the pattern "${host}": name the server exactly`);
      const problem = hostProblem(name);
      if (problem !== undefined) return refuse(problem);
    }
    const verdict = sshPublicKey.check(key);
    return verdict.ok ? accept(`${hosts} ${verdict.value}`) : refuse(verdict.problem);
  },
);

/**
 * The name ssh looks an SFTP server up by in known_hosts: `host` on port 22, `[host]:port` on any
 * other (OpenSSH's rule), so a line for the bare host does not vouch for another port.
 */
export function knownHostsName(repository: ResticRepository): string {
  return repository.port === undefined || repository.port === 22
    ? repository.host
    : `[${repository.host}]:${repository.port}`;
}

/** Whether one known_hosts line's host list names `name`: plainly, or hashed (`|1|salt|HMAC-SHA1`) as ssh-keygen -H writes it. */
function knownHostsLineNames(line: string, name: string): boolean {
  return line
    .trim()
    .split(" ")[0]
    .split(",")
    .some((entry) => {
      const hashed = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(entry);
      if (hashed === null) return entry.toLowerCase() === name.toLowerCase();
      return createHmac("sha1", Buffer.from(hashed[1], "base64")).update(name).digest("base64") === hashed[2];
    });
}

/**
 * Why the known_hosts lines given for an SFTP repository cannot let ssh in, or undefined: none
 * names the server as ssh looks it up, so every backup, check and drill would fail on it.
 */
export function knownHostsProblem(repository: ResticRepository, lines: readonly string[]): string | undefined {
  // A host under .invalid (RFC 6761) names no server: a placeholder, such as offline evaluation's
  // stand-in for a line kept secret, which says nothing about the real lines.
  const real = lines.filter((line) => !/^\S*\.invalid[\s,\]]/i.test(line.trim()));
  if (repository.backend !== "sftp" || real.length === 0 || real.length < lines.length) return undefined;
  const name = knownHostsName(repository);
  if (real.some((line) => knownHostsLineNames(line, name))) return undefined;
  return `has no line for "${name}", the name ssh looks the server up by${
    name.startsWith("[")
      ? ` (on a port other than 22 it is "[host]:port", as ssh-keyscan -p ${repository.port} prints it)`
      : ""
  }: ssh would refuse the server, and every backup, check and drill would fail`;
}

/** Which credentials a repository was given, by key (secrets: only whether each is present). */
export type GivenCredentials = Readonly<Partial<Record<RepositoryCredential | "password" | "sshKnownHosts", boolean>>>;

/**
 * What is wrong with the credentials given for a repository (none: the volume repository), key by
 * key: the password is required with a URL; each backend takes its own credentials only, in
 * pairs, never over plain http; sftp needs a key and the server's host keys.
 */
export function repositoryCredentialProblems(
  repository: ResticRepository | undefined,
  given: GivenCredentials,
): { key: RepositoryCredential | "password" | "sshKnownHosts"; problem: string }[] {
  const problems: { key: RepositoryCredential | "password" | "sshKnownHosts"; problem: string }[] = [];
  const others = [...CREDENTIAL_KEYS, "sshKnownHosts"] as const;
  if (repository === undefined) {
    for (const key of others)
      if (given[key]) problems.push({ key, problem: "applies only with a repository.url (an off-site repository)" });
    return problems;
  }
  if (!given.password)
    problems.push({
      key: "password",
      problem: "is required with a repository.url: the key restic encrypts the repository with",
    });
  const own: readonly string[] = [
    ...REPOSITORY_CREDENTIALS[repository.backend],
    ...(repository.backend === "sftp" ? ["sshKnownHosts"] : []),
  ];
  for (const key of others)
    if (given[key] && !own.includes(key))
      problems.push({
        key,
        problem: `applies to ${backendOf(key)} repositories only, and repository.url is ${repository.backend}:`,
      });
  if (repository.backend === "sftp") {
    if (!given.sshPrivateKey)
      problems.push({
        key: "sshPrivateKey",
        problem: "is required for an sftp repository: the private key restic's ssh logs in with",
      });
    if (!given.sshKnownHosts)
      problems.push({
        key: "sshKnownHosts",
        problem:
          "is required for an sftp repository: the server's host keys (ssh-keyscan prints them), so no other server can pose as it",
      });
    return problems;
  }
  const [user, secret] = REPOSITORY_CREDENTIALS[repository.backend];
  if (given[user] !== given[secret])
    problems.push({
      key: given[user] ? secret : user,
      problem: `goes with repository.${given[user] ? user : secret}: give both or neither`,
    });
  if (repository.transport === "http" && (given[user] || given[secret]))
    problems.push({
      key: secret,
      problem: `would cross the network in clear: repository.url uses http://, use https:// with credentials`,
    });
  return problems;
}

function backendOf(key: string): ResticBackend | "sftp" {
  if (key === "sshKnownHosts") return "sftp";
  return (Object.keys(REPOSITORY_CREDENTIALS) as ResticBackend[]).find((backend) =>
    (REPOSITORY_CREDENTIALS[backend] as readonly string[]).includes(key),
  )!;
}
