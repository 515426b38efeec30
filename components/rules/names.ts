import * as net from "node:net";
import { accept, refuse, rule, type Rule } from "./rule";

/**
 * Names and addresses: DNS labels and subdomains (Kubernetes object names), host names, ports
 * and registry addresses.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

const LABEL_1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i;
const REPOSITORY_PATH = /^(\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** An RFC 1123 label: lower-case letters, digits and '-', at most 63 (a Kubernetes namespace). */
export const dnsLabel: Rule<string> = rule(
  `a DNS label (lower-case letters, digits and "-", at most 63 characters)`,
  (value) =>
    typeof value === "string" && LABEL_1123.test(value)
      ? accept(value)
      : refuse(`must be a DNS label (lower-case letters, digits and "-", at most 63 characters)`),
);

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** A Kubernetes label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit. */
export const labelValue: Rule<string> = rule(
  `a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
  (value) =>
    typeof value === "string" && LABEL_VALUE.test(value)
      ? accept(value)
      : refuse(
          `must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
        ),
);

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes label key: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export const labelKey: Rule<string> = rule(`a label key ([prefix/]name, name at most 63 characters)`, (value) => {
  if (typeof value !== "string") return refuse("must be a label key ([prefix/]name, name at most 63 characters)");
  const slash = value.lastIndexOf("/");
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)))
    ? accept(value)
    : refuse("is not a valid label key ([prefix/]name, name at most 63 characters)");
});

/**
 * Labels selecting pods in a NetworkPolicy peer: at least one (none would select every pod of the
 * namespace), each a valid key and value.
 */
export const podSelector: Rule<Record<string, string>> = rule(
  `a map of at least one label key to its value, e.g. { "app.kubernetes.io/name": "envoy" }`,
  (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return refuse(`must be a map of label keys to values, e.g. { "app.kubernetes.io/name": "envoy" }`);
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0)
      return refuse("must name at least one label: an empty selector would admit every pod of the namespace");
    for (const [key, label] of entries) {
      const keyVerdict = labelKey.check(key);
      if (!keyVerdict.ok) return refuse(`${JSON.stringify(key)} ${keyVerdict.problem}`);
      const valueVerdict = labelValue.check(label);
      if (!valueVerdict.ok) return refuse(`${JSON.stringify(key)}: ${valueVerdict.problem}`);
    }
    return accept(Object.fromEntries(entries) as Record<string, string>);
  },
);

/** An RFC 1035 label: as {@link dnsLabel}, starting with a letter (a Kubernetes Service, a Docker name). */
export const serviceName: Rule<string> = rule(
  `a DNS label starting with a letter (lower-case letters, digits and "-", at most 63 characters)`,
  (value) =>
    typeof value === "string" && LABEL_1035.test(value)
      ? accept(value)
      : refuse(
          `must be a DNS label starting with a letter (lower-case letters, digits and "-", at most 63 characters)`,
        ),
);

/** An RFC 1123 subdomain: dot-separated labels, at most 253 characters (a StorageClass, a Secret). */
export const dnsSubdomain: Rule<string> = rule(
  `a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com"`,
  (value) =>
    typeof value === "string" && value.length <= 253 && value.split(".").every((label) => LABEL_1123.test(label))
      ? accept(value)
      : refuse(
          `must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters)`,
        ),
);

/**
 * A port name, as Kubernetes requires it: an IANA service name (RFC 6335: lower-case letters,
 * digits and "-", at most 15 characters, at least one letter, no "--", no "-" at either end).
 */
export const portName: Rule<string> = rule(`an IANA service name like "http"`, (value) =>
  typeof value === "string" && /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(value)
    ? accept(value)
    : refuse(
        `must be an IANA service name (lower-case letters, digits and "-", at most 15 characters, at least one letter)`,
      ),
);

/** A port number. */
export const port: Rule<number> = rule("a port from 1 to 65535", (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535
    ? accept(value)
    : refuse("must be a port from 1 to 65535"),
);

/** Why `host` is not a DNS name, an IPv4 address or a bracketed IPv6 address, or undefined when it is one. */
export function hostProblem(host: string): string | undefined {
  if (host.startsWith("[") && host.endsWith("]"))
    return net.isIPv6(host.slice(1, -1)) ? undefined : `has host "${host}", which is not an IPv6 address`;
  if (host.startsWith("-")) return `has host "${host}", which starts with "-" (an option, not a host)`;
  if (host.length === 0 || host.length > 253 || !host.split(".").every((label) => HOST_LABEL.test(label))) {
    return `has host "${host}", expected a DNS name, an IPv4 address or [IPv6]`;
  }
  return undefined;
}

/** `host[:port]` split, or a problem. The port, when present, is 1–65535. */
export function splitHostPort(text: string): { host: string; port?: number } | { problem: string } {
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(text);
  if (match === null) return { problem: `has "${text}" where host[:port] belongs` };
  const problem = hostProblem(match[1]);
  if (problem !== undefined) return { problem };
  if (match[2] === undefined) return { host: match[1] };
  const number = Number(match[2]);
  if (number < 1 || number > 65535) return { problem: `has port ${match[2]}, expected 1 to 65535` };
  return { host: match[1], port: number };
}

/** A scheme, credentials or a path where only a registry address belongs: a problem naming it. */
function registryShapeProblem(value: string, allowPath: boolean): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  const shape = `host[:port]${allowPath ? "[/path]" : ""}`;
  if (scheme?.[1].toLowerCase() === "http")
    return `must not start with "${scheme[1]}://": a registry is reached over HTTPS, and plain HTTP is allowed only on 127.0.0.1 (dev); give ${shape} only`;
  if (scheme)
    return `must not start with "${scheme[1]}://": give ${shape} only (the scheme follows from the registry's TLS settings)`;
  if (value.includes("@"))
    return "must not carry credentials (user@host): registry credentials are Pulumi secrets (registry.username and registry.password)";
  return undefined;
}

/**
 * Docker reads the first part of `host/repo` as a registry only when it has a dot or a port, is
 * `localhost`, or is an IPv6 literal; anything else names a repository on Docker Hub.
 * @see https://github.com/distribution/reference (splitDockerDomain)
 */
function dockerReadsAsRegistry(host: string): string | undefined {
  if (host !== host.toLowerCase()) return `has host "${host}": write it in lower case`;
  if (host.includes(".") || host.includes(":") || host === "localhost" || host.startsWith("[")) return undefined;
  return `has host "${host}", which Docker would read as a repository on Docker Hub: give a host with a dot or a port (e.g. "${host}.internal" or "${host}:5000"), or localhost`;
}

/** A registry host, `host[:port]`, as a mirror is given. */
export const registryHost: Rule<string> = rule(`a registry host[:port] like "mirror.example.com:5000"`, (value) => {
  if (typeof value !== "string") return refuse(`must be a registry host[:port] like "mirror.example.com:5000"`);
  const shape = registryShapeProblem(value, false);
  if (shape !== undefined) return refuse(shape);
  if (value.includes("/"))
    return refuse(`must be a registry host[:port] without a path, like "mirror.example.com:5000"`);
  const split = splitHostPort(value);
  if ("problem" in split) return refuse(split.problem);
  const ambiguous = dockerReadsAsRegistry(value);
  return ambiguous === undefined ? accept(value) : refuse(ambiguous);
});

/** A registry address, `host[:port][/path]`, what `docker push` accepts as a registry. */
export const registryAddress: Rule<string> = rule(
  `a registry address host[:port][/path] like "registry.example.com:5000"`,
  (value) => {
    if (typeof value !== "string")
      return refuse(`must be a registry address host[:port][/path] like "registry.example.com:5000"`);
    const shape = registryShapeProblem(value, true);
    if (shape !== undefined) return refuse(shape);
    const slash = value.indexOf("/");
    const hostPort = slash < 0 ? value : value.slice(0, slash);
    const split = splitHostPort(hostPort);
    if ("problem" in split) return refuse(split.problem);
    const ambiguous = dockerReadsAsRegistry(hostPort);
    if (ambiguous !== undefined) return refuse(ambiguous);
    const path = slash < 0 ? "" : value.slice(slash);
    if (!REPOSITORY_PATH.test(path))
      return refuse(`has path "${path}", expected lower-case repository path components like "/team"`);
    return accept(value);
  },
);

/** The host[:port] part of a registry address (what credentials are keyed by). */
export function registryHostOf(address: string): string {
  const slash = address.indexOf("/");
  return slash < 0 ? address : address.slice(0, slash);
}

/** A registry user name: 1–64 letters, digits, ".", "_" or "-". */
export const registryUser: Rule<string> = rule(`a user name of 1 to 64 letters, digits, ".", "_" or "-"`, (value) =>
  typeof value === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(value)
    ? accept(value)
    : refuse(`must be a user name of 1 to 64 letters, digits, ".", "_" or "-"`),
);

/** Whether a host (of a URI or an address) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * A host a Gateway listener serves and a certificate names: a lower-case DNS name (an RFC 1123
 * subdomain), never an IP address and without a port (the listener serves 443). Gateway API's
 * `Hostname` also takes a leading `*.` wildcard; dockyard's listeners each serve one host.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#hostname
 */
export const gatewayHost: Rule<string> = rule(`a DNS name like "app.example.com"`, (value) => {
  if (typeof value !== "string") return refuse(`must be a DNS name like "app.example.com"`);
  if (net.isIP(value) !== 0 || net.isIP(value.replace(/^\[|\]$/g, "")) !== 0)
    return refuse(
      `must be a DNS name like "app.example.com", not an IP address (a Gateway listener routes names only)`,
    );
  if (/:\d*$/.test(value))
    return refuse(`must be a DNS name like "app.example.com" without a port (the Gateway listener serves 443)`);
  if (value.length > 253 || !value.split(".").every((label) => LABEL_1123.test(label)))
    return refuse(
      `must be a DNS name like "app.example.com" (lower-case labels of letters, digits and "-", at most 253 characters)`,
    );
  return accept(value);
});

/** An IPv4 or IPv6 block in CIDR notation, e.g. "10.0.0.0/8" or "fd00::/8". */
export const cidr: Rule<string> = rule(`an IP block in CIDR notation like "10.0.0.0/8"`, (value) => {
  const match = typeof value === "string" ? /^([^/]+)\/(\d{1,3})$/.exec(value) : null;
  const family = match === null ? 0 : net.isIP(match[1]);
  const bits = match === null ? NaN : Number(match[2]);
  return family !== 0 && bits <= (family === 4 ? 32 : 128)
    ? accept(value as string)
    : refuse(`must be an IP block in CIDR notation like "10.0.0.0/8"`);
});
