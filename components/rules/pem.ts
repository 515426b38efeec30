import { accept, refuse, rule, type Rule } from "./rule";

/**
 * PEM documents (RFC 7468): a TLS certificate chain and its private key, checked for their
 * shape only (the key is a secret: rules never echo a value).
 */

const BLOCK = (label: string) =>
  new RegExp(`^\\s*-----BEGIN ${label}-----\\r?\\n[A-Za-z0-9+/=\\r\\n-]+-----END ${label}-----\\s*$`);
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n-]+?-----END CERTIFICATE-----/g;
const KEY_LABELS = ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"];

/** One or more PEM `CERTIFICATE` blocks: a server certificate followed by its chain. */
export const pemCertificate: Rule<string> = rule(
  `a PEM certificate chain ("-----BEGIN CERTIFICATE-----" …)`,
  (value) => {
    if (typeof value !== "string") return refuse(`must be a PEM certificate chain ("-----BEGIN CERTIFICATE-----" …)`);
    const blocks = value.match(CERTIFICATE_BLOCK) ?? [];
    const rest = value.replace(CERTIFICATE_BLOCK, "").trim();
    return blocks.length > 0 && rest === ""
      ? accept(value)
      : refuse(`must be a PEM certificate chain ("-----BEGIN CERTIFICATE-----" …) and nothing else`);
  },
);

/** One PEM private key (PKCS #8, SEC 1 or PKCS #1); an encrypted key cannot be served. */
export const pemPrivateKey: Rule<string> = rule(`a PEM private key ("-----BEGIN PRIVATE KEY-----" …)`, (value) =>
  typeof value === "string" && KEY_LABELS.some((label) => BLOCK(label).test(value))
    ? accept(value)
    : refuse(`must be one unencrypted PEM private key ("-----BEGIN PRIVATE KEY-----" …)`),
);
