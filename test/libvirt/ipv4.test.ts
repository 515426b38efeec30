import { describe, expect, it } from "vitest";
import { contains, formatIpv4, overlaps, parseCidr, parseIpv4, prefixSize } from "../../components/libvirt/ipv4";

describe("IPv4 helpers", () => {
  it("parses and formats dotted quads", () => {
    expect(parseIpv4("10.1.2.3")).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 2 ** 8 + 3);
    expect(formatIpv4(parseIpv4("255.255.255.255")!)).toBe("255.255.255.255");
    expect(formatIpv4(0)).toBe("0.0.0.0");
  });
  it("rejects malformed addresses", () => {
    for (const bad of ["256.1.1.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", "", " 1.2.3.4"])
      expect(parseIpv4(bad), bad).toBeUndefined();
  });
  it("parses CIDRs, keeping the address and computing the network", () => {
    const cidr = parseCidr("192.168.10.77/24")!;
    expect(formatIpv4(cidr.network)).toBe("192.168.10.0");
    expect(formatIpv4(cidr.address)).toBe("192.168.10.77");
    expect(cidr.length).toBe(24);
    expect(prefixSize(cidr)).toBe(256);
  });
  it("rejects malformed CIDRs", () => {
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/24/1", "10.0.0/24"])
      expect(parseCidr(bad), bad).toBeUndefined();
  });
  it("tells containment and overlap", () => {
    const a = parseCidr("10.0.0.0/16")!;
    const b = parseCidr("10.0.5.0/24")!;
    const c = parseCidr("10.1.0.0/24")!;
    expect(contains(a, parseIpv4("10.0.255.255")!)).toBe(true);
    expect(contains(a, parseIpv4("10.1.0.0")!)).toBe(false);
    expect(overlaps(a, b)).toBe(true);
    expect(overlaps(b, a)).toBe(true);
    expect(overlaps(a, c)).toBe(false);
  });
});
