import { describe, expect, it } from "vitest";
import { rules } from "../../components/internal";

const verdict = (rule: rules.Rule<unknown>, value: unknown) => {
  const v = rule.check(value);
  return v.ok ? "ok" : v.problem;
};

const PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";

describe("gatewayHost", () => {
  it.each(["app.example.com", "registry", "a-1.b-2.example.internal"])("accepts %s", (host) => {
    expect(verdict(rules.gatewayHost, host)).toBe("ok");
  });
  it.each([
    ["10.0.0.1", "not an IP address"],
    ["[::1]", "not an IP address"],
    ["app.example.com:443", "without a port"],
    ["App.Example.com", "lower-case labels"],
    ["*.example.com", "lower-case labels"],
    ["-app.example.com", "lower-case labels"],
    [42, `must be a DNS name like "app.example.com"`],
  ])("refuses %j (%s)", (host, words) => {
    expect(verdict(rules.gatewayHost, host)).toContain(words);
  });
});

describe("cidr", () => {
  it.each(["10.0.0.0/8", "192.168.1.10/32", "fd00::/8", "0.0.0.0/0"])("accepts %s", (block) => {
    expect(verdict(rules.cidr, block)).toBe("ok");
  });
  it.each(["10.0.0.0", "10.0.0.0/33", "fd00::/129", "host/8", "10.0.0.0/-1", 8])("refuses %j", (block) => {
    expect(verdict(rules.cidr, block)).toMatch(/CIDR notation/);
  });
});

describe("PEM", () => {
  it("a certificate chain of one or more blocks, and nothing else", () => {
    expect(verdict(rules.pemCertificate, PEM_CERT)).toBe("ok");
    expect(verdict(rules.pemCertificate, PEM_CERT + PEM_CERT)).toBe("ok");
    expect(verdict(rules.pemCertificate, PEM_CERT + PEM_KEY)).toMatch(/and nothing else/);
    expect(verdict(rules.pemCertificate, "MIIBszCC")).toMatch(/PEM certificate chain/);
  });
  it("one unencrypted private key", () => {
    expect(verdict(rules.pemPrivateKey, PEM_KEY)).toBe("ok");
    expect(verdict(rules.pemPrivateKey, PEM_KEY.replaceAll("PRIVATE KEY", "EC PRIVATE KEY"))).toBe("ok");
    expect(verdict(rules.pemPrivateKey, PEM_KEY.replaceAll("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"))).toMatch(
      /unencrypted PEM private key/,
    );
    expect(verdict(rules.pemPrivateKey, PEM_CERT)).toMatch(/unencrypted PEM private key/);
  });
  it("never echoes the value", () => {
    const problem = verdict(rules.pemPrivateKey, "-----BEGIN PRIVATE KEY-----\nsecret-bytes");
    expect(problem).not.toContain("secret-bytes");
  });
});
