/**
 * `npm run ci:setup -- <stack> --trust-ca [--config-file FILE] [--registry-of STACK]...`
 *
 * Makes every tool of a CI job trust the private CA that issues the stack's TLS certificates
 * (docs/guides/delivery.md, "Trusting the stacks' CA"; ADR 0019). The CA's certificate comes from
 * STACK_CA_CERT (a variable, not a secret: a CA certificate is public), checked with Node's
 * X509Certificate: PEM, a CA (basicConstraints CA:TRUE), valid now. Then, before any step
 * reaches the registry, cluster or backend:
 * - Docker's daemon (`docker login`, pulls by the scanner): `<certs.d>/<registry>/ca.crt`
 *   for each registry, which dockerd reads at each connection, no restart;
 * - the BuildKit builder docker/setup-buildx-action creates: a buildkitd.toml naming the CA for
 *   each registry (BuildKit runs in its own container and reads no certs.d), returned for the
 *   step output `buildkitd-config`, the action's `buildkitd-config` input;
 * - Go tools (the Pulumi CLI and its providers, cosign, skopeo, Grype, Syft): SSL_CERT_FILE, the
 *   runner's own bundle plus the CA (Go reads that file instead of the system's bundle, so the
 *   public roots must stay in it);
 * - Node (the Pulumi program, the npm scripts): NODE_EXTRA_CA_CERTS, read when a Node process
 *   starts, so it reaches the following steps only.
 * Files are written under the job's RUNNER_TEMP, except Docker's, which is the system's.
 */
import { X509Certificate } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Runner } from "../promote/outputs";

/** The variable that holds the stack's CA certificate (PEM), in each environment that reaches the stack. */
export const CA_VARIABLE = "STACK_CA_CERT";

/**
 * The system's trust locations a run writes to or reads from; replaceable in tests, as HOME and
 * RUNNER_TEMP are.
 */
export interface SystemTrust {
  /** Docker's per-registry trust: dockerd reads `<dir>/<host[:port]>/ca.crt` at each connection. */
  readonly dockerCertsDir: string;
  /** The system bundles, in the order Go looks for them: the first that exists is SSL_CERT_FILE's base. */
  readonly systemBundles: readonly string[];
  /** Installs the file `source` at `destination`, a location only root may write. */
  readonly install: (source: string, destination: string) => Promise<void>;
}

/** The bundles Go's crypto/x509 reads on Linux when SSL_CERT_FILE is unset (root_linux.go), in its order. */
export const SYSTEM_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/pki/tls/cacert.pem",
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

/** The runner's own trust locations; writes to them go through `sudo install` unless the job runs as root. */
export function systemTrust(runner: Runner): SystemTrust {
  return {
    dockerCertsDir: "/etc/docker/certs.d",
    systemBundles: SYSTEM_BUNDLES,
    install: async (source, destination) => {
      if (process.getuid?.() === 0) {
        mkdirSync(dirname(destination), { recursive: true, mode: 0o755 });
        copyFileSync(source, destination);
        chmodSync(destination, 0o644);
      } else await runner("sudo", ["install", "-D", "-m", "0644", source, destination]);
    },
  };
}

/** The files a run writes in its directory: the CA alone, SSL_CERT_FILE's bundle, NODE_EXTRA_CA_CERTS's. */
const [CA_FILE, BUNDLE_FILE, NODE_EXTRA_FILE] = ["ca.crt", "ca-bundle.crt", "node-extra-ca.crt"];

/** One certificate of the CA variable, checked. */
export interface CaCertificate {
  readonly pem: string;
  /** Its subject on one line, for messages. */
  readonly subject: string;
  readonly validTo: Date;
}

/** What a run set up: variables for the following steps, step outputs, and a line for the log. */
export interface Trusted {
  readonly exported: Record<string, string>;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * The certificates of the CA variable's value, or one line per problem, each naming the variable.
 * A value is refused when it is empty, holds no certificate, holds a private key or anything but
 * certificates, or holds a certificate that is not a CA's or not valid at `now`. Text around the
 * PEM blocks (openssl's "subject=" lines) is left out of what is trusted.
 */
export function caCertificates(value: string, now: Date): { certificates: CaCertificate[]; problems: string[] } {
  const blocks = [...value.replace(/\r\n?/g, "\n").matchAll(PEM_BLOCK)];
  const refused = (problem: string) => ({ certificates: [], problems: [`${CA_VARIABLE} ${problem}`] });
  if (value.trim() === "")
    return refused(
      "is empty: set the environment's variable to the PEM certificate of the CA that issues the stack's TLS certificates (docs/guides/delivery.md)",
    );
  if (blocks.some(([, label]) => label.includes("PRIVATE KEY")))
    return refused(
      "holds a private key: variables are not secret (runs print them unmasked), so replace that key, and set the variable to the CA's certificate alone",
    );
  if (blocks.length === 0)
    return refused(
      'is not a PEM certificate: set it to the CA\'s certificate, from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----"',
    );
  const certificates: CaCertificate[] = [];
  const problems: string[] = [];
  blocks.forEach(([block, label], index) => {
    const checked =
      label === "CERTIFICATE"
        ? checkCertificate(block, index + 1, now)
        : `${CA_VARIABLE} holds a "${label}" block: it takes CA certificates only`;
    if (typeof checked === "string") problems.push(checked);
    else certificates.push(checked);
  });
  return { certificates, problems };
}

/** A certificate of the variable, or why it cannot be trusted as the stack's CA. */
function checkCertificate(block: string, position: number, now: Date): CaCertificate | string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(block);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `${CA_VARIABLE}: certificate ${position} is not a valid X.509 certificate (${why})`;
  }
  const subject = certificate.subject.split("\n").join(", ");
  const [validFrom, validTo] = [new Date(certificate.validFrom), new Date(certificate.validTo)];
  if (!certificate.ca)
    return `${CA_VARIABLE}: "${subject}" is not a CA certificate (no basicConstraints CA:TRUE): set the certificate of the CA that issued it, not the server's`;
  if (validTo.getTime() < now.getTime())
    return `${CA_VARIABLE}: "${subject}" expired on ${day(validTo)}: set the CA's current certificate`;
  if (validFrom.getTime() > now.getTime())
    return `${CA_VARIABLE}: "${subject}" is not valid before ${day(validFrom)}: check the CA's certificate and the runner's clock`;
  return { pem: certificate.toString(), subject, validTo };
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Writes what each tool needs to trust `certificates` for the registries `registries`
 * (`host[:port]`) into `dir` and the system's Docker trust, and says what to export. `bundle` is
 * what SSL_CERT_FILE starts from ({@link baseBundle}).
 */
export async function trustCa(
  certificates: readonly CaCertificate[],
  bundle: string,
  registries: readonly string[],
  env: NodeJS.ProcessEnv,
  dir: string,
  system: SystemTrust,
): Promise<Trusted> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = certificates.map((c) => c.pem).join("");
  const caFile = publicFile(join(dir, CA_FILE), pems);
  const sslCertFile = publicFile(join(dir, BUNDLE_FILE), withNewline(bundle) + pems);
  const nodeExtra = publicFile(join(dir, NODE_EXTRA_FILE), withNewline(existingExtra(env, dir)) + pems);
  const buildkitd = publicFile(join(dir, "buildkitd.toml"), buildkitdConfig(registries, caFile));
  let written = 0;
  for (const registry of registries) {
    const destination = join(system.dockerCertsDir, registry, "ca.crt");
    // A runner whose image already holds this CA needs no write (and no sudo).
    if (readIfFile(destination) === pems) continue;
    await system.install(caFile, destination);
    written++;
  }
  const names = certificates.map((c) => `"${c.subject}" (until ${day(c.validTo)})`).join(", ");
  const docker =
    registries.length === 0
      ? "no registry for Docker"
      : `Docker trusts it for ${registries.join(", ")}${written === 0 ? " (already did)" : ""}`;
  return {
    exported: { SSL_CERT_FILE: sslCertFile, NODE_EXTRA_CA_CERTS: nodeExtra },
    outputs: { "buildkitd-config": buildkitd },
    summary: `trusts ${names}: SSL_CERT_FILE=${sslCertFile}, NODE_EXTRA_CA_CERTS=${nodeExtra}, BuildKit config ${buildkitd}, ${docker}`,
  };
}

/**
 * buildkitd.toml for the builder: the CA for each registry. buildx copies each `ca` file into
 * the builder's container when it creates it (`buildx create --buildkitd-config`), so the path is
 * the runner's.
 */
export function buildkitdConfig(registries: readonly string[], caFile: string): string {
  const lines = [
    "# Written by `npm run ci:setup -- <stack> --trust-ca`: BuildKit runs in its own container and",
    "# reads no /etc/docker/certs.d, so it is told which CA each registry's certificate comes from.",
  ];
  for (const registry of registries)
    lines.push("", `[registry.${JSON.stringify(registry)}]`, `  ca = [${JSON.stringify(caFile)}]`);
  return `${lines.join("\n")}\n`;
}

/**
 * What SSL_CERT_FILE starts from: it replaces the system bundle for Go, so it must hold the
 * roots Go would otherwise read — the job's own SSL_CERT_FILE if it has one (not an
 * earlier run's of this step), else the first system bundle that exists; undefined when none does.
 */
export function baseBundle(env: NodeJS.ProcessEnv, dir: string, system: SystemTrust): string | undefined {
  const own = env.SSL_CERT_FILE;
  const candidates = own && own !== join(dir, BUNDLE_FILE) ? [own] : system.systemBundles;
  for (const bundle of candidates) {
    const text = readIfFile(bundle);
    if (text !== undefined && text.includes("-----BEGIN CERTIFICATE-----")) return text;
  }
  return undefined;
}

/** NODE_EXTRA_CA_CERTS the job already had (not this run's), kept beside the stack's CA. */
function existingExtra(env: NodeJS.ProcessEnv, dir: string): string {
  const own = env.NODE_EXTRA_CA_CERTS;
  return own && own !== join(dir, NODE_EXTRA_FILE) ? (readIfFile(own) ?? "") : "";
}

function readIfFile(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

function withNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}

/** Certificates are public: readable by the tools that run as other users (dockerd, sudo). */
function publicFile(path: string, content: string): string {
  writeFileSync(path, content, { mode: 0o644 });
  chmodSync(path, 0o644);
  return path;
}
