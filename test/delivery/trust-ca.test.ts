/**
 * `npm run ci:setup -- <stack> --trust-ca`: the stack's CA, from STACK_CA_CERT, trusted by every
 * tool of the job — Docker's certs.d, the BuildKit builder's config, SSL_CERT_FILE for Go,
 * NODE_EXTRA_CA_CERTS for Node — and anything that is not a valid CA certificate refused, naming
 * the variable. The system's locations are a temporary directory here (`SystemTrust`); the
 * certificates are fixtures made once with openssl (./fixtures/README.md).
 */
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main, USAGE } from "../../infra/delivery/ci-setup";
import { buildkitdConfig, caCertificates, type SystemTrust, systemTrust } from "../../infra/delivery/trust-ca";
import { runMain } from "../support/run-main";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const CA = fixture("stack-ca.pem");
const EXPIRED = fixture("expired-ca.pem");
const SERVER = fixture("server-cert.pem");
/** The CA as the step writes it: re-encoded by X509Certificate, text around the block left out. */
const CA_PEM = new X509Certificate(CA).toString();
/** What the runner's system bundle holds here: any certificate, standing in for the public roots. */
const SYSTEM_ROOTS = `# the runner's public roots\n${EXPIRED}`;
const PROD = readFileSync("stacks/Pulumi.prod.yaml", "utf8");

/**
 * A runner: RUNNER_TEMP, GITHUB_ENV and GITHUB_OUTPUT, STACK_CA_CERT set to `value` (null: unset),
 * and its system's trust locations.
 */
function runner(value: string | null = CA, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-trust-"));
  const env: Record<string, string> = {
    RUNNER_TEMP: dir,
    GITHUB_ENV: join(dir, "github-env"),
    GITHUB_OUTPUT: join(dir, "github-output"),
    ...(value === null ? {} : { STACK_CA_CERT: value }),
    ...extra,
  };
  const bundle = join(dir, "system", "ca-certificates.crt");
  mkdirSync(dirname(bundle), { recursive: true });
  writeFileSync(bundle, SYSTEM_ROOTS);
  const installs: string[] = [];
  const system: SystemTrust = {
    dockerCertsDir: join(dir, "docker-certs.d"),
    systemBundles: [join(dir, "system", "missing.pem"), bundle],
    install: (source, destination) => {
      installs.push(destination);
      mkdirSync(dirname(destination), { recursive: true });
      copyFileSync(source, destination);
      return Promise.resolve();
    },
  };
  const trust = join(dir, "dockyard-prod", "trust");
  const setup = (...argv: string[]) =>
    runMain("ci:setup", USAGE, (a, io) => main(a, io, env, undefined, undefined, system), ["prod", ...argv]);
  return { dir, env, system, installs, trust, setup };
}

/** A fresh key pair, both halves PEM. */
function pemKeys(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

/** prod's stack file with `edit` applied, written in `dir`. */
function prodWith(dir: string, edit: (yaml: string) => string): string {
  const file = join(dir, "Pulumi.prod.yaml");
  writeFileSync(file, edit(PROD));
  return file;
}

/** Every line a failed run printed: each names the stack, and none is a stack trace. */
function errorLines(stderr: string): string[] {
  const lines = stderr.trim().split("\n");
  expect(lines.every((line) => line.startsWith("ci:setup prod: "))).toBe(true);
  return lines;
}

describe("ci:setup --trust-ca", () => {
  it("trusts the CA for Docker, BuildKit, Go and Node, for the stack's registry and each --registry-of stack's", async () => {
    const { dir, env, installs, trust, setup } = runner();
    const run = await setup("--trust-ca", "--registry-of", "test");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const [bundle, nodeExtra, buildkitd, ca] = ["ca-bundle.crt", "node-extra-ca.crt", "buildkitd.toml", "ca.crt"].map(
      (file) => join(trust, file),
    );
    expect(run.stdout).toBe(
      `ci:setup prod: trusts "O=dockyard tests, CN=dockyard test CA" (until 2125-01-01): SSL_CERT_FILE=${bundle}, NODE_EXTRA_CA_CERTS=${nodeExtra}, BuildKit config ${buildkitd}, Docker trusts it for registry.example.internal, registry.test.example.internal\n`,
    );
    // The following steps' environment, and the step output the buildx action's input takes.
    expect(readFileSync(env.GITHUB_ENV, "utf8")).toBe(`SSL_CERT_FILE=${bundle}\nNODE_EXTRA_CA_CERTS=${nodeExtra}\n`);
    expect(readFileSync(env.GITHUB_OUTPUT, "utf8")).toBe(`buildkitd-config=${buildkitd}\n`);
    // Docker's daemon: certs.d/<registry>/ca.crt for prod's registry and test's (the copy's source).
    const certsD = join(dir, "docker-certs.d");
    expect(installs).toEqual([
      join(certsD, "registry.example.internal", "ca.crt"),
      join(certsD, "registry.test.example.internal", "ca.crt"),
    ]);
    for (const file of installs) expect(readFileSync(file, "utf8")).toBe(CA_PEM);
    // Go reads SSL_CERT_FILE instead of the system bundle: the public roots stay, the CA joins them.
    expect(readFileSync(bundle, "utf8")).toBe(`${SYSTEM_ROOTS}${CA_PEM}`);
    expect(readFileSync(nodeExtra, "utf8")).toBe(CA_PEM);
    expect(readFileSync(ca, "utf8")).toBe(CA_PEM);
    expect(readFileSync(buildkitd, "utf8")).toBe(
      [
        "# Written by `npm run ci:setup -- <stack> --trust-ca`: BuildKit runs in its own container and",
        "# reads no /etc/docker/certs.d, so it is told which CA each registry's certificate comes from.",
        "",
        '[registry."registry.example.internal"]',
        `  ca = ["${ca}"]`,
        "",
        '[registry."registry.test.example.internal"]',
        `  ca = ["${ca}"]`,
        "",
      ].join("\n"),
    );
    // Everything under RUNNER_TEMP; certificates are public, readable by dockerd and sudo.
    for (const file of [bundle, nodeExtra, buildkitd, ca]) {
      expect(file.startsWith(`${dir}/`)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o644);
    }
  });

  it("keeps the job's own SSL_CERT_FILE and NODE_EXTRA_CA_CERTS, and writes Docker's trust only when it is not there yet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-trust-own-"));
    const [own, extra] = [join(dir, "corporate.pem"), join(dir, "node-extra.pem")];
    writeFileSync(own, `# the job's own roots\n${EXPIRED}`);
    writeFileSync(extra, "# a proxy's CA\n");
    const { env, installs, trust, setup } = runner(CA, { SSL_CERT_FILE: own, NODE_EXTRA_CA_CERTS: extra });
    expect((await setup("--trust-ca")).code).toBe(0);
    expect(readFileSync(join(trust, "ca-bundle.crt"), "utf8")).toBe(`# the job's own roots\n${EXPIRED}${CA_PEM}`);
    expect(readFileSync(join(trust, "node-extra-ca.crt"), "utf8")).toBe(`# a proxy's CA\n${CA_PEM}`);
    expect(installs).toHaveLength(1);
    // A second run in the same job (its own exports in force) builds on the system's bundle again,
    // and finds Docker's trust in place: no write, so no sudo.
    env.SSL_CERT_FILE = join(trust, "ca-bundle.crt");
    env.NODE_EXTRA_CA_CERTS = join(trust, "node-extra-ca.crt");
    const again = await setup("--trust-ca");
    expect(again.stdout).toContain("Docker trusts it for registry.example.internal (already did)");
    expect(installs).toHaveLength(1);
    expect(readFileSync(join(trust, "ca-bundle.crt"), "utf8")).toBe(`${SYSTEM_ROOTS}${CA_PEM}`);
    expect(readFileSync(join(trust, "node-extra-ca.crt"), "utf8")).toBe(CA_PEM);
  });

  it("takes the value as a browser saves it (CRLF) with text around the PEM, and trusts the mirror too", async () => {
    const { dir, installs, trust, setup } = runner(`subject=CN = dockyard test CA\r\n${CA.replace(/\n/g, "\r\n")}`);
    const file = prodWith(dir, (yaml) =>
      yaml.replace(
        "address: registry.example.internal",
        "address: registry.example.internal\n    mirror: mirror.example.internal:5000",
      ),
    );
    expect((await setup("--trust-ca", "--config-file", file)).code).toBe(0);
    expect(installs.map((path) => path.split("/").at(-2))).toEqual([
      "registry.example.internal",
      "mirror.example.internal:5000",
    ]);
    expect(readFileSync(join(trust, "ca.crt"), "utf8")).toBe(CA_PEM);
    expect(readFileSync(join(trust, "buildkitd.toml"), "utf8")).toContain('[registry."mirror.example.internal:5000"]');
  });

  it.each([
    [
      "unset",
      null,
      "STACK_CA_CERT is empty: set the environment's variable to the PEM certificate of the CA that issues the stack's TLS certificates (docs/guides/delivery.md)",
    ],
    [
      "empty",
      " \n",
      "STACK_CA_CERT is empty: set the environment's variable to the PEM certificate of the CA that issues the stack's TLS certificates (docs/guides/delivery.md)",
    ],
    [
      "not PEM",
      "registry.example.internal",
      'STACK_CA_CERT is not a PEM certificate: set it to the CA\'s certificate, from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----"',
    ],
    [
      "a server's certificate",
      SERVER,
      'STACK_CA_CERT: "O=dockyard tests, CN=registry.test.example.internal" is not a CA certificate (no basicConstraints CA:TRUE): set the certificate of the CA that issued it, not the server\'s',
    ],
    [
      "an expired CA",
      EXPIRED,
      'STACK_CA_CERT: "O=dockyard tests, CN=dockyard expired CA" expired on 2021-01-01: set the CA\'s current certificate',
    ],
    [
      "a damaged certificate",
      "-----BEGIN CERTIFICATE-----\nMIIBoDCCAUWgAwIBAgIBATAK\n-----END CERTIFICATE-----\n",
      /^STACK_CA_CERT: certificate 1 is not a valid X\.509 certificate \(.+\)$/,
    ],
    ["a public key", pemKeys().publicKey, 'STACK_CA_CERT holds a "PUBLIC KEY" block: it takes CA certificates only'],
  ])("refuses %s in one line naming STACK_CA_CERT, and writes nothing", async (_, value, message) => {
    const { dir, env, installs, setup } = runner(value);
    const run = await setup("--trust-ca");
    expect(run.code).toBe(1);
    const [line, ...more] = errorLines(run.stderr);
    expect(more).toEqual([]);
    if (typeof message === "string") expect(line).toBe(`ci:setup prod: ${message}`);
    else expect(line.slice("ci:setup prod: ".length)).toMatch(message);
    expect(existsSync(env.GITHUB_ENV)).toBe(false);
    expect(existsSync(join(dir, "dockyard-prod"))).toBe(false);
    expect(installs).toEqual([]);
  });

  it("refuses a private key without printing it, and names every bad certificate at once", async () => {
    const key = pemKeys().privateKey;
    const leaked = await runner(`${CA}${key}`).setup("--trust-ca");
    expect(errorLines(leaked.stderr)).toEqual([
      "ci:setup prod: STACK_CA_CERT holds a private key: variables are not secret (runs print them unmasked), so replace that key, and set the variable to the CA's certificate alone",
    ]);
    expect(leaked.stderr + leaked.stdout).not.toContain(key.split("\n")[1]);
    const mixed = await runner(`${CA}${SERVER}${EXPIRED}`).setup("--trust-ca");
    expect(errorLines(mixed.stderr).map((line) => line.split(": ")[2])).toEqual([
      '"O=dockyard tests, CN=registry.test.example.internal" is not a CA certificate (no basicConstraints CA:TRUE)',
      '"O=dockyard tests, CN=dockyard expired CA" expired on 2021-01-01',
    ]);
  });

  it("refuses a CA that is not valid yet (the runner's clock, or a certificate issued ahead)", () => {
    expect(caCertificates(CA, new Date("2019-06-01T00:00:00Z")).problems).toEqual([
      "STACK_CA_CERT: \"O=dockyard tests, CN=dockyard test CA\" is not valid before 2020-01-01: check the CA's certificate and the runner's clock",
    ]);
    expect(caCertificates(CA, new Date("2124-12-31T00:00:00Z")).certificates).toHaveLength(1);
  });

  it("says a secret registry address cannot be read offline, beside a bad certificate", async () => {
    const { dir, setup } = runner(SERVER);
    const file = prodWith(dir, (yaml) =>
      yaml.replace(
        "address: registry.example.internal",
        "address:\n      secure: v1:AAAAAAAAAAAAAAAA:c2VjcmV0LXZhbHVl",
      ),
    );
    const run = await setup("--trust-ca", "--config-file", file);
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      expect.stringContaining(
        'ci:setup prod: STACK_CA_CERT: "O=dockyard tests, CN=registry.test.example.internal" is not a CA',
      ),
      `ci:setup prod: dockyard:registry.address in ${file} is a secret, which ci:setup cannot read offline: set it in plain text (--trust-ca names the registry in Docker's and BuildKit's configuration; an address is no credential)`,
    ]);
  });

  it("refuses to run without a system bundle to keep: SSL_CERT_FILE would drop the public roots", async () => {
    const { system, setup } = runner();
    Object.assign(system, { systemBundles: ["/nonexistent/ca-certificates.crt"] });
    const run = await setup("--trust-ca");
    expect(errorLines(run.stderr)).toEqual([
      "ci:setup prod: no CA bundle on this runner (SSL_CERT_FILE unset, none of /nonexistent/ca-certificates.crt): SSL_CERT_FILE must keep the public roots beside the stack's CA; install ca-certificates",
    ]);
  });

  it("is a step of its own: with a credential mode, or --registry-of without it, is misuse (exit 2)", async () => {
    const { setup } = runner();
    const both = await setup("--trust-ca", "--read-only", "--install-tools");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      "ci:setup: --trust-ca is a step of its own, before any step that reaches the stack: run it without --install-tools, --read-only",
    );
    const alone = await setup("--registry-of", "test");
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("ci:setup: --registry-of is for --trust-ca: add --trust-ca");
    expect((await setup("--trust-ca", "--registry-of", "../test")).code).toBe(2);
  });
});

describe("the runner's own trust locations", () => {
  afterEach(() => vi.restoreAllMocks());

  it("are Docker's certs.d and Go's bundles, written with sudo install unless the job runs as root", async () => {
    const calls: string[] = [];
    const trust = systemTrust((command, args) => (calls.push([command, ...args].join(" ")), Promise.resolve("")));
    expect(trust.dockerCertsDir).toBe("/etc/docker/certs.d");
    expect(trust.systemBundles[0]).toBe("/etc/ssl/certs/ca-certificates.crt");
    vi.spyOn(process, "getuid").mockReturnValue(1001);
    await trust.install("/tmp/x/ca.crt", "/etc/docker/certs.d/registry.example.internal/ca.crt");
    expect(calls).toEqual([
      "sudo install -D -m 0644 /tmp/x/ca.crt /etc/docker/certs.d/registry.example.internal/ca.crt",
    ]);
    vi.spyOn(process, "getuid").mockReturnValue(0);
    const dir = mkdtempSync(join(tmpdir(), "dockyard-root-"));
    writeFileSync(join(dir, "ca.crt"), CA_PEM);
    await trust.install(join(dir, "ca.crt"), join(dir, "certs.d", "registry.example.internal", "ca.crt"));
    expect(readFileSync(join(dir, "certs.d", "registry.example.internal", "ca.crt"), "utf8")).toBe(CA_PEM);
    expect(calls).toHaveLength(1);
  });

  it("BuildKit's config quotes each registry as a TOML key, ports included", () => {
    expect(buildkitdConfig(["[2001:db8::1]:5000"], "/r/ca.crt")).toContain(
      '[registry."[2001:db8::1]:5000"]\n  ca = ["/r/ca.crt"]',
    );
    expect(buildkitdConfig([], "/r/ca.crt")).not.toContain("[registry");
  });
});
