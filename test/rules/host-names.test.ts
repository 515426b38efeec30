// Hosts, ports, registry addresses and IP blocks at their edges, with the words of each refusal.
import { describe, expect, it } from "vitest";
import { rules } from "../../components/internal";
import { verdict } from "./support/verdict";

/** A DNS name of exactly `length` characters, in labels of at most 63. */
const nameOf = (length: number) =>
  Array.from({ length: Math.ceil(length / 50) }, (_, i) => (i === 0 ? "a" : "b").repeat(49))
    .join(".")
    .slice(0, length)
    .replace(/\.$/, "c");

describe("host and port", () => {
  it.each([
    ["[::1]:5000", { host: "[::1]", port: 5000 }],
    ["host:1", { host: "host", port: 1 }],
    ["host:65535", { host: "host", port: 65535 }],
    ["host", { host: "host" }],
  ])("takes %s apart", (text, parts) => {
    expect(rules.splitHostPort(text)).toEqual(parts);
  });

  it.each([
    ["host:0", "has port 0, expected 1 to 65535"],
    ["host:65536", "has port 65536, expected 1 to 65535"],
    ["a:b:c", `has "a:b:c" where host[:port] belongs`],
    ["x[::1]:5000", `has "x[::1]:5000" where host[:port] belongs`],
    ["host:5000x", `has "host:5000x" where host[:port] belongs`],
    ["[zz]:5000", `has host "[zz]", which is not an IPv6 address`],
    ["[::1:5000", `has "[::1:5000" where host[:port] belongs`],
  ])("refuses %s", (text, problem) => {
    expect(rules.splitHostPort(text)).toEqual({ problem });
  });

  it("a host name of at most 253 characters", () => {
    expect(nameOf(253)).toHaveLength(253);
    expect(rules.hostProblem(nameOf(253))).toBeUndefined();
    expect(rules.hostProblem(nameOf(254))).toMatch(/^has host "/);
    expect(rules.hostProblem("")).toMatch(/^has host ""/);
  });
});

describe("registry hosts and addresses", () => {
  it("a mirror is a host[:port] Docker cannot mistake for a Docker Hub repository", () => {
    expect(verdict(rules.registryHost, "localhost:5000")).toBe("localhost:5000");
    expect(verdict(rules.registryHost, "[::1]:5000")).toBe("[::1]:5000");
    expect(verdict(rules.registryHost, 5)).toBe(
      `refused: must be a registry host[:port] like "mirror.example.com:5000"`,
    );
    expect(verdict(rules.registryHost, "Mirror.example.com")).toBe(
      `refused: has host "Mirror.example.com": write it in lower case`,
    );
    expect(verdict(rules.registryHost, "mirror")).toMatch(
      /^refused: has host "mirror", which Docker would read as a repository on Docker Hub/,
    );
  });

  it("an address may carry a lower-case path", () => {
    expect(verdict(rules.registryAddress, "registry.example.com:5000/team")).toBe("registry.example.com:5000/team");
    expect(verdict(rules.registryAddress, "registry.example.com/Team")).toBe(
      `refused: has path "/Team", expected lower-case repository path components like "/team"`,
    );
    expect(verdict(rules.registryAddress, 5)).toBe(
      `refused: must be a registry address host[:port][/path] like "registry.example.com:5000"`,
    );
    expect(rules.registryHostOf("registry.example.com:5000/team")).toBe("registry.example.com:5000");
    expect(rules.registryHostOf("registry.example.com")).toBe("registry.example.com");
    expect(rules.registryHostOf("/team")).toBe("");
  });
});

describe("Ingress hosts and IP blocks", () => {
  it("an Ingress host is a name of at most 253 characters, never an address or with a port", () => {
    expect(verdict(rules.gatewayHost, nameOf(253))).toBe(nameOf(253));
    expect(verdict(rules.gatewayHost, nameOf(254))).toMatch(/^refused: must be a DNS name like "app.example.com"/);
    expect(verdict(rules.gatewayHost, "[fd00::1]")).toMatch(/not an IP address/);
    expect(verdict(rules.gatewayHost, "fd00::1")).toMatch(/not an IP address/);
    expect(verdict(rules.gatewayHost, "app:")).toMatch(/without a port/);
  });

  it("a block is an address and a prefix length the family allows, nothing around it", () => {
    for (const block of ["fd00::/128", "10.0.0.0/32"]) expect(verdict(rules.cidr, block)).toBe(block);
    for (const block of ["10.0.0.0/33", "fd00::/129", "x/10.0.0.0/8", "10.0.0.0/8x", "10.0.0.0", "host/8"]) {
      expect(verdict(rules.cidr, block), block).toBe(`refused: must be an IP block in CIDR notation like "10.0.0.0/8"`);
    }
  });

  it("a DNS subdomain is at most 253 characters", () => {
    expect(verdict(rules.dnsSubdomain, nameOf(253))).toBe(nameOf(253));
    expect(verdict(rules.dnsSubdomain, nameOf(254))).toMatch(/^refused: /);
  });
});
