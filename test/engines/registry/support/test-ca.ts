/**
 * A throwaway certificate authority and a server certificate it signs, made by Debian's openssl
 * for the TLS registry tests: EC P-256, valid one day, the server named by an IP address and any
 * DNS names given (SAN).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { toolPath } from "../../support/requirements";

const run = promisify(execFile);

/** A CA certificate, and a server certificate and key it signed, PEM. */
export interface TestCertificates {
  readonly caCertificate: string;
  readonly certificate: string;
  readonly key: string;
}

/**
 * An IPv4 address of this machine that is not loopback (the Docker bridge's when there is one):
 * Docker treats 127.0.0.0/8 as an insecure registry and skips certificate checks there, so a
 * TLS test must reach its registry elsewhere.
 */
export function hostAddress(): string {
  const interfaces = networkInterfaces();
  const ipv4 = (name: string) => (interfaces[name] ?? []).find((a) => a.family === "IPv4" && !a.internal)?.address;
  const address =
    ipv4("docker0") ??
    Object.keys(interfaces)
      .map(ipv4)
      .find((a) => a !== undefined);
  if (address === undefined) throw new Error("no non-loopback IPv4 address on this machine to serve a TLS registry on");
  return address;
}

/** Makes a CA and a certificate for `ip` (and `dnsNames`) signed by it. */
export async function makeCertificates(ip: string, dnsNames: readonly string[] = []): Promise<TestCertificates> {
  const openssl = await toolPath("openssl");
  const dir = await mkdtemp(path.join(tmpdir(), "dockyard-ca-"));
  const file = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  try {
    await run(openssl, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      file("ca.key"),
      "-out",
      file("ca.crt"),
      "-days",
      "1",
      "-subj",
      "/CN=dockyard test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await run(openssl, ["req", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", `/CN=${ip}`]);
    await writeFile(
      file("server.ext"),
      [
        `subjectAltName=${[`IP:${ip}`, ...dnsNames.map((name) => `DNS:${name}`)].join(",")}`,
        "extendedKeyUsage=serverAuth",
        "keyUsage=critical,digitalSignature",
      ].join("\n"),
    );
    await run(openssl, [
      "x509",
      "-req",
      "-in",
      file("server.csr"),
      "-CA",
      file("ca.crt"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-out",
      file("server.crt"),
      "-days",
      "1",
      "-extfile",
      file("server.ext"),
    ]);
    const [caCertificate, certificate, key] = await Promise.all(
      ["ca.crt", "server.crt", "server.key"].map((name) => readFile(file(name), "utf8")),
    );
    return { caCertificate, certificate, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
