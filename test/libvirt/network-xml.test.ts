import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { networkAddressing, networkXml, type NetworkSpec } from "../../components/libvirt/network-xml";
import { baseNetwork as base, XML_SAMPLES } from "./support/xml-samples";

describe("networkXml", () => {
  // libvirt's schema check of these samples: test/engines/libvirt/xml-schema.test.ts
  it("defaults: NAT, gateway on the first address, DHCP over the rest", () => {
    expect(XML_SAMPLES["network: defaults"]()).toBe(`<network>
  <name>lab</name>
  <forward mode='nat'/>
  <bridge stp='on' delay='0'/>
  <ip address='10.42.0.1' prefix='24'>
    <dhcp>
      <range start='10.42.0.2' end='10.42.0.254'/>
    </dhcp>
  </ip>
</network>
`);
  });

  it("custom: isolated, explicit bridge and DHCP range", () => {
    const xml = XML_SAMPLES["network: isolated, explicit bridge and DHCP range"]();
    expect(xml).not.toContain("<forward");
    expect(xml).toContain("<bridge name='dybr0' stp='on' delay='0'/>");
    expect(xml).toContain("<ip address='172.30.8.1' prefix='22'>");
    expect(xml).toContain("<range start='172.30.9.10' end='172.30.9.20'/>");
  });

  it("without DHCP renders no <dhcp> element", () => {
    expect(networkXml({ ...base, mode: "isolated", dhcp: false })).toBe(`<network>
  <name>lab</name>
  <bridge stp='on' delay='0'/>
  <ip address='10.42.0.1' prefix='24'>
  </ip>
</network>
`);
  });

  it("accepts the widest subnet and a range of one address", () => {
    expect(networkAddressing({ ...base, cidr: "10.0.0.0/8", dhcp: false }, "x")).toEqual({
      gateway: "10.0.0.1",
      prefixLength: 8,
    });
    expect(networkAddressing({ ...base, dhcpRange: { start: "10.42.0.7", end: "10.42.0.7" } }, "x").dhcpRange).toEqual({
      start: "10.42.0.7",
      end: "10.42.0.7",
    });
  });

  it("computes the addressing of a /29", () => {
    expect(networkAddressing({ ...base, cidr: "10.0.0.8/29" }, "x")).toEqual({
      gateway: "10.0.0.9",
      prefixLength: 29,
      dhcpRange: { start: "10.0.0.10", end: "10.0.0.14" },
    });
  });

  it.each([
    [{ cidr: "10.42.0.0" }, /cidr must be an IPv4 subnet/],
    [{ cidr: "10.42.0.0/30" }, /cidr must be an IPv4 subnet from \/8 to \/29/],
    [{ cidr: "10.0.0.0/7" }, /cidr must be an IPv4 subnet/],
    [{ cidr: "10.42.0.5/24" }, /cidr must name the subnet's network address, e.g. "10.42.0.0\/24"/],
    [{ mode: "bridge" }, /mode must be one of "nat", "isolated", got "bridge"/],
    [{ name: "bad name" }, /name must start with a letter or digit/],
    [{ name: "" }, /name must start/],
    [{ bridge: "a-bridge-name-too-long" }, /bridge must be an interface name of 1 to 15/],
    [
      { dhcpRange: { start: "10.42.0.1", end: "10.42.0.9" } },
      /dhcpRange.start must be a host address inside the subnet other than the gateway 10.42.0.1/,
    ],
    [{ dhcpRange: { start: "10.42.0.5", end: "10.42.1.9" } }, /dhcpRange.end must be a host address inside the subnet/],
    [{ dhcpRange: { start: "10.42.0.5", end: "10.42.0.255" } }, /dhcpRange.end must be a host address/],
    [{ dhcpRange: { start: "10.42.0.50", end: "10.42.0.9" } }, /dhcpRange must have start <= end/],
    [{ dhcp: "yes" }, /dhcp must be true or false/],
    [{ cidr: 10 }, /cidr must be an IPv4 subnet from \/8 to \/29 such as "10.42.0.0\/24", got 10/],
    [{ bridge: 5 }, /bridge must be an interface name/],
    [{ dhcpRange: { start: "10.42.0.0", end: "10.42.0.9" } }, /dhcpRange.start must be a host address/],
    [{ dhcpRange: { start: 5, end: "10.42.0.9" } }, /dhcpRange.start must be a host address .*, got 5/],
  ])("rejects %j", (change, message) => {
    const spec = { ...base, ...change } as NetworkSpec;
    expect(() => networkXml(spec, 'Network "lab"')).toThrow(ComponentArgError);
    expect(() => networkXml(spec, 'Network "lab"')).toThrow(message);
  });

  it("names the network in its errors", () => {
    expect(() => networkXml({ ...base, cidr: "nope" })).toThrow(/^Network "lab": cidr /);
  });

  it("refuses markup in the name (it never reaches the XML)", () => {
    expect(() => networkXml({ ...base, name: "a'<b" })).toThrow(ComponentArgError);
  });
});
