/**
 * What a secret looks like in a plain environment variable. The engine hands policies secret
 * values unwrapped, so a secret is recognised by its name or its shape; offline, synth writes
 * every Pulumi secret as "[secret]", which is recognised too.
 */

/** What synth writes in place of a secret value (infra/synth/recorder.ts SECRET_MARKER). */
export const OFFLINE_SECRET_MARKER = "[secret]";

/** Name parts that say the value is a credential. */
const SECRET_WORDS = new Set([
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "SECRET",
  "SECRETS",
  "TOKEN",
  "CREDENTIAL",
  "CREDENTIALS",
  "APIKEY",
  "PRIVATEKEY",
]);
/** Words that make a following `KEY` a credential: `API_KEY`, `ACCESS_KEY`, `SIGNING_KEY`. */
const KEY_QUALIFIERS = new Set(["API", "ACCESS", "PRIVATE", "SECRET", "SIGNING", "ENCRYPTION", "SSH", "MASTER"]);
/** Name endings that hold where a secret is, not the secret. */
const LOCATION_SUFFIXES = new Set(["FILE", "PATH", "DIR", "REF", "NAME", "ID", "USER", "USERNAME"]);

const SECRET_VALUES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a PEM private key"],
  [/\bAKIA[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, "a GitHub token"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/, "a JSON web token"],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i, "a URL with a password"],
];

/** Why an environment variable looks like it carries a secret in plain text, or undefined. */
export function secretInEnvironment(name: string, value: string): string | undefined {
  if (value.includes(OFFLINE_SECRET_MARKER)) return "its value is a Pulumi secret";
  for (const [pattern, what] of SECRET_VALUES) if (pattern.test(value)) return `its value looks like ${what}`;
  const parts = name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (parts.length === 0 || LOCATION_SUFFIXES.has(parts[parts.length - 1])) return undefined;
  const credential = parts.some(
    (part, i) => SECRET_WORDS.has(part) || (part === "KEY" && i > 0 && KEY_QUALIFIERS.has(parts[i - 1])),
  );
  return credential && value !== "" ? "its name says it holds a credential" : undefined;
}
