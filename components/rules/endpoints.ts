import { splitHostPort } from "./names";
import { accept, CONTROL_OR_LINE_BREAK, refuse, rule, type Rule, type Verdict } from "./rule";

/**
 * Endpoints dockyard connects to: libvirt connection URIs and Docker hosts. Both may reach
 * another machine over SSH, so both are checked for what would run a local program, skip a
 * host-key check or carry a password, before anything connects.
 * @see https://libvirt.org/uri.html
 * @see https://libvirt.org/remote.html#remote-uri-parameters
 */

/** A libvirt URI taken apart. */
export interface LibvirtUri {
  /** `qemu` (or `test`, the fake driver, only where allowed). */
  readonly driver: string;
  /** `ssh`, `libssh`, `libssh2`, `tls`, `unix`, or "" for the local default. */
  readonly transport: string;
  readonly user?: string;
  readonly host?: string;
  readonly port?: number;
  /** `/system` or `/session` (qemu). */
  readonly path: string;
  /** Query parameters, each one of {@link LIBVIRT_PARAMETERS}. */
  readonly parameters: Readonly<Record<string, string>>;
}

const REMOTE_TRANSPORTS = ["ssh", "libssh", "libssh2", "tls"];
/** Query parameters dockyard passes through, with the values each may take. */
const LIBVIRT_PARAMETERS: Record<string, (value: string) => boolean> = {
  keyfile: isAbsolutePath,
  // A known_hosts file under /dev or /proc (/dev/null above all) holds no key: every host passes.
  known_hosts: (value) => isAbsolutePath(value) && !/^\/(dev|proc)(\/|$)/.test(value),
  pkipath: isAbsolutePath,
  sshauth: (value) => value.split(",").every((method) => ["agent", "privkey"].includes(method)),
  // "auto" adds an unknown host's key and connects: on a fresh runner, any host passes.
  known_hosts_verify: (value) => value === "normal",
  mode: (value) => ["auto", "legacy", "direct"].includes(value),
  proxy: (value) => ["auto", "netcat", "native"].includes(value),
  no_tty: (value) => value === "1",
};
/** Parameters refused by name, with the reason. */
const REFUSED_PARAMETERS: Record<string, string> = {
  command: "runs a program of the URI's choosing",
  netcat: "runs a program of the URI's choosing on the remote host",
  socket: "points libvirt at a socket of the URI's choosing",
  no_verify: "skips the server's certificate or host-key check",
};

function isAbsolutePath(value: string): boolean {
  return value.startsWith("/") && !value.includes("..") && !/[\s;&|`$]/.test(value);
}

const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/;

/** A libvirt connection URI taken apart, or why it cannot be used. */
export function parseLibvirtUri(
  value: string,
  options: { allowTestDriver: boolean },
): LibvirtUri | { problem: string } {
  const expected = `a libvirt URI like "qemu+ssh://ops@vm-host/system" or "qemu:///system"`;
  if (CONTROL_OR_LINE_BREAK.test(value) || /\s/.test(value))
    return { problem: `must be ${expected}, without spaces or control characters` };
  const head = /^([a-z0-9]+)(?:\+([a-z0-9]+))?:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(value);
  if (head === null) return { problem: `must be ${expected}` };
  const [, driver, transport = "", authority, path = "", query] = head;
  if (driver === "test") {
    if (!options.allowTestDriver)
      return {
        problem: `uses libvirt's fake "test" driver, which deploys nothing: give the host's "qemu+ssh://…/system" URI`,
      };
  } else if (driver !== "qemu") {
    return { problem: `uses the "${driver}" driver; dockyard runs QEMU domains: use "qemu://…" or "qemu+ssh://…"` };
  }
  if (transport === "tcp")
    return {
      problem: `uses the unencrypted "tcp" transport: use "qemu+ssh://" (SSH keys) or "qemu+tls://" (certificates)`,
    };
  if (transport === "ext")
    return { problem: `uses the "ext" transport, which runs a program of the URI's choosing: use "qemu+ssh://"` };
  if (transport !== "" && transport !== "unix" && !REMOTE_TRANSPORTS.includes(transport)) {
    return { problem: `uses an unknown transport "${transport}" (supported: ssh, libssh, libssh2, tls, unix)` };
  }
  const remote = REMOTE_TRANSPORTS.includes(transport);
  let user: string | undefined;
  let hostPort = authority;
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    if (userInfo.includes(":")) {
      return {
        problem: `must not carry a password (user:password@host): libvirt over SSH logs in with SSH keys or the SSH agent (keyfile= names a key)`,
      };
    }
    if (!USER.test(userInfo)) return { problem: `has user "${userInfo}", expected letters, digits, ".", "_" or "-"` };
    user = userInfo;
  }
  let host: string | undefined;
  let portNumber: number | undefined;
  if (hostPort !== "") {
    if (hostPort.startsWith("-"))
      return { problem: `has host "${hostPort}", which starts with "-": it would reach ssh as an option` };
    const split = splitHostPort(hostPort);
    if ("problem" in split) return { problem: split.problem };
    ({ host, port: portNumber } = split);
  }
  if (remote && host === undefined)
    return { problem: `uses the "${transport}" transport but names no host: "qemu+${transport}://ops@vm-host/system"` };
  if (!remote && (host !== undefined || user !== undefined))
    return { problem: `names a host but uses a local transport: use "qemu+ssh://…" to reach another machine` };
  const paths = driver === "test" ? ["/default"] : ["/system", "/session"];
  if (!paths.includes(path))
    return { problem: `has path "${path || "(none)"}", expected ${paths.map((p) => `"${p}"`).join(" or ")}` };
  const parameters: Record<string, string> = {};
  for (const pair of query === undefined || query === "" ? [] : query.split("&")) {
    const eq = pair.indexOf("=");
    const name = decodeSafely(eq < 0 ? pair : pair.slice(0, eq));
    const parameterValue = decodeSafely(eq < 0 ? "" : pair.slice(eq + 1));
    if (name === undefined || parameterValue === undefined)
      return { problem: "has a malformed query parameter (bad %-escape)" };
    if (REFUSED_PARAMETERS[name] !== undefined)
      return { problem: `has the "${name}" parameter, which ${REFUSED_PARAMETERS[name]}: remove it` };
    const allowed = LIBVIRT_PARAMETERS[name];
    if (allowed === undefined)
      return {
        problem: `has the unsupported parameter "${name}" (supported: ${Object.keys(LIBVIRT_PARAMETERS).join(", ")})`,
      };
    if (!allowed(parameterValue) || name in parameters) return { problem: `has an unsupported value for "${name}"` };
    parameters[name] = parameterValue;
  }
  return {
    driver,
    transport,
    ...(user === undefined ? {} : { user }),
    ...(host === undefined ? {} : { host }),
    ...(portNumber === undefined ? {} : { port: portNumber }),
    path,
    parameters,
  };
}

function decodeSafely(text: string): string | undefined {
  try {
    const decoded = decodeURIComponent(text);
    return CONTROL_OR_LINE_BREAK.test(decoded) ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** A libvirt URI a stack may deploy to: QEMU, local or over SSH/TLS, no password, no program-running parameters. */
export function libvirtUri(options: { allowTestDriver: boolean } = { allowTestDriver: false }): Rule<string> {
  return rule(`a libvirt URI like "qemu+ssh://ops@vm-host/system"`, (value): Verdict<string> => {
    if (typeof value !== "string") return refuse(`must be a libvirt URI like "qemu+ssh://ops@vm-host/system"`);
    const parsed = parseLibvirtUri(value, options);
    return "problem" in parsed ? refuse(parsed.problem) : accept(value);
  });
}

/**
 * What of a libvirt URI is not an environment knob: driver, transport, path and parameter
 * names. Test and prod may use different hosts and users, never a different transport.
 */
export function libvirtUriShape(value: string): string {
  const parsed = parseLibvirtUri(value, { allowTestDriver: true });
  if ("problem" in parsed) return value;
  return `${parsed.driver}${parsed.transport ? `+${parsed.transport}` : ""}://${parsed.host === undefined ? "" : "<host>"}${parsed.path}${Object.keys(parsed.parameters).length ? `?${Object.keys(parsed.parameters).sort().join("&")}` : ""}`;
}

/** A Docker engine endpoint: a unix socket, SSH (keys, no password) or a Windows named pipe. */
export const dockerHost: Rule<string> = rule(
  `a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host"`,
  (value): Verdict<string> => {
    const expected = `a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host"`;
    if (typeof value !== "string" || CONTROL_OR_LINE_BREAK.test(value) || /\s/.test(value))
      return refuse(`must be ${expected}`);
    const scheme = /^([a-z]+):\/\//.exec(value)?.[1];
    if (scheme === "unix") {
      return /^unix:\/\/\/[A-Za-z0-9._/-]+$/.test(value) && !value.includes("..")
        ? accept(value)
        : refuse(`must be a socket path like "unix:///var/run/docker.sock"`);
    }
    if (scheme === "npipe")
      return /^npipe:\/\/\/\/\.\/pipe\/[A-Za-z0-9._-]+$/.test(value)
        ? accept(value)
        : refuse(`must be a named pipe like "npipe:////./pipe/docker_engine"`);
    if (scheme === "tcp") {
      return refuse(
        `uses "tcp://": the Docker API over TCP without TLS client certificates gives root on that host to anyone who reaches the port; use "ssh://user@host" or a unix socket`,
      );
    }
    if (scheme !== "ssh") return refuse(`must be ${expected} (schemes: unix, ssh, npipe)`);
    const match = /^ssh:\/\/(?:([^@/]*)@)?([^@/]+)$/.exec(value);
    if (match === null) return refuse(`must be "ssh://[user@]host[:port]" without a path`);
    const [, userInfo, hostPort] = match;
    if (userInfo?.includes(":"))
      return refuse(
        `must not carry a password (user:password@host): Docker over SSH logs in with SSH keys or the SSH agent`,
      );
    if (userInfo !== undefined && !USER.test(userInfo))
      return refuse(`has user "${userInfo}", expected letters, digits, ".", "_" or "-"`);
    if (hostPort.startsWith("-"))
      return refuse(`has host "${hostPort}", which starts with "-": it would reach ssh as an option`);
    const split = splitHostPort(hostPort);
    if ("problem" in split) return refuse(split.problem);
    return accept(value);
  },
);

/** What of a Docker host is not an environment knob: its transport. */
export function dockerHostShape(value: string): string {
  return /^([a-z]+):\/\//.exec(value)?.[1] ?? value;
}
