// The value rules' exact verdicts where a user reads them: the words of each refusal, the edges
// of each range, what is normalised, and inputs that are not text at all.
import { describe, expect, it } from "vitest";
import { rules } from "../../components/internal";
import { verdict } from "./support/verdict";

const ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR";
const KEY = `ssh-ed25519 ${ED25519}`;
/** A blob of `bytes` as base64. */
const blob = (bytes: number[]) => Buffer.from(bytes).toString("base64");

describe("SSH public keys", () => {
  const expects = `an OpenSSH public key like "ssh-ed25519 AAAA… ops@example" (one line)`;
  it("refuses what is not text, or has anything before the type or a comment over 1024 characters", () => {
    expect(verdict(rules.sshPublicKey, 42)).toBe(`refused: must be ${expects}`);
    expect(verdict(rules.sshPublicKey, `from="10.0.0.0/8" ${KEY}`)).toBe(`refused: must be ${expects}`);
    expect(verdict(rules.sshPublicKey, `${KEY} ${"c".repeat(1024)}`)).toBe(`${KEY} ${"c".repeat(1024)}`);
    expect(verdict(rules.sshPublicKey, `${KEY} ${"c".repeat(1025)}`)).toBe(`refused: must be ${expects}`);
  });

  it("checks that the blob names the key's type", () => {
    const wrong = (bytes: number[]) => verdict(rules.sshPublicKey, `ssh-ed25519 ${blob(bytes)}`);
    const refusal = "refused: has a key blob that does not decode to a ssh-ed25519 key";
    expect(wrong([0, 0, 0])).toBe(refusal);
    expect(wrong([0, 0, 0, 0])).toBe(refusal);
    expect(wrong([0, 0, 0, 11])).toBe(refusal);
    expect(wrong([0, 0, 0, 7, ...Buffer.from("ssh-rsa")])).toBe(refusal);
    // The type alone, with no key material after it, still names it: the shape is what is checked.
    expect(wrong([0, 0, 0, 11, ...Buffer.from("ssh-ed25519")])).toBe(
      `ssh-ed25519 ${blob([0, 0, 0, 11, ...Buffer.from("ssh-ed25519")])}`,
    );
    expect(verdict(rules.sshPublicKey, `ssh-rsa ${ED25519}`)).toBe(
      "refused: has a key blob that does not decode to a ssh-rsa key",
    );
  });
});

describe("PEM documents", () => {
  const KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";
  it("a certificate chain is at least one block and nothing else", () => {
    const refusal = `refused: must be a PEM certificate chain ("-----BEGIN CERTIFICATE-----" …) and nothing else`;
    expect(verdict(rules.pemCertificate, "")).toBe(refusal);
    expect(verdict(rules.pemCertificate, "  \n")).toBe(refusal);
    expect(verdict(rules.pemCertificate, 42)).toBe(
      `refused: must be a PEM certificate chain ("-----BEGIN CERTIFICATE-----" …)`,
    );
  });
  it("a private key is text, not a list holding one", () => {
    expect(verdict(rules.pemPrivateKey, KEY_PEM)).toBe(KEY_PEM);
    expect(verdict(rules.pemPrivateKey, [KEY_PEM])).toBe(
      `refused: must be one unencrypted PEM private key ("-----BEGIN PRIVATE KEY-----" …)`,
    );
  });
});

describe("basic rules", () => {
  it("plain text: not blank, not padded, at most its length", () => {
    const rule = rules.plainText("a context", 8);
    expect(rule.expects).toBe("a context (one line of visible, printable text, at most 8 characters)");
    expect(verdict(rule, "12345678")).toBe("12345678");
    // A zero-width space, a right-to-left override and a zero-width joiner: invisible in any diff.
    for (const bad of ["123456789", "   ", " ctx", "ctx ", "", "a\tb", 5, "pr\u200bod", "ab\u202ec", "a\u200db"]) {
      expect(verdict(rule, bad)).toBe(
        "refused: must be a context (one line of visible, printable text, at most 8 characters)",
      );
    }
  });

  it("a rule described another way checks the same", () => {
    const described = rules.describedAs(rules.integerIn(1, 3), "a small count");
    expect(described.expects).toBe("a small count");
    expect([verdict(described, 3), verdict(described, 4)]).toEqual([3, "refused: must be an integer from 1 to 3"]);
  });
});

describe("Kubernetes minor versions (Pod Security *-version labels)", () => {
  const grammar = `refused: must be a Kubernetes minor version "v1.<minor>" like "v1.37" (the form Pod Security admission accepts: "v", major 1, a dot, the minor without leading zeros; no patch)`;
  it("accepts v1.<minor> from the first minor with stable Pod Security admission", () => {
    for (const version of ["v1.25", "v1.37", "v1.100"]) expect(verdict(rules.kubernetesVersion, version)).toBe(version);
    expect(verdict(rules.kubernetesVersion, "v1.24")).toBe(
      "refused: must be v1.25 or later: Pod Security admission is stable from Kubernetes 1.25",
    );
  });

  it("refuses what the API server would refuse in the label, and a patch, a bare number or another major", () => {
    for (const bad of ["1.37", "v1.37.2", "v1.037", "V1.37", "v2.0", "v1.", "v1.37 ", " v1.37", "", 1.37, null])
      expect(verdict(rules.kubernetesVersion, bad)).toBe(grammar);
  });

  it("refuses latest, which is what the pin is for", () => {
    expect(verdict(rules.kubernetesVersion, "latest")).toMatch(/^refused: must be .*, not "latest": /);
  });
});

describe("cron schedules", () => {
  it("normalises spacing, and takes leading and trailing spaces", () => {
    expect(verdict(rules.cronSchedule, "  0  3 *\t* *  ")).toBe("0 3 * * *");
  });

  it("expands steps, ranges and lists before deciding a schedule never fires", () => {
    // February never has a 31st; every other month from February has one in August.
    expect(verdict(rules.cronSchedule, "0 0 31 2/2 *")).toBe("0 0 31 2/2 *");
    expect(verdict(rules.cronSchedule, "0 0 31 2-3 *")).toBe("0 0 31 2-3 *");
    expect(verdict(rules.cronSchedule, "0 0 30,31 4 *")).toBe("0 0 30,31 4 *");
    expect(verdict(rules.cronSchedule, "*/59 * * * *")).toBe("*/59 * * * *");
    expect(verdict(rules.cronSchedule, "0 0 31 2 *")).toBe("refused: never fires: February has no day 31");
    expect(verdict(rules.cronSchedule, "0 0 30,31 2 *")).toBe("refused: never fires: February has no day 30, 31");
    expect(verdict(rules.cronSchedule, "0 0 31 2,4/5 *")).toBe(
      "refused: never fires: February, April, September have no day 31",
    );
  });

  it("refuses what is not text", () => {
    expect(verdict(rules.cronSchedule, 3)).toBe(`refused: must be a 5-field cron schedule like "0 3 * * *" (UTC)`);
  });
});
