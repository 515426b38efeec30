import { describe, expect, it } from "vitest";
import {
  parseDomainSizes,
  parseFlag,
  parseInfo,
  parseInterfaceAddresses,
  parseMacAddresses,
  parseVolumeFormat,
} from "../../components/libvirt/parse";

// Samples as libvirt 9.0's virsh prints them with -q.
const DOMINFO = `Id:             1
Name:           zzdom
UUID:           d0a608f7-510f-4cf5-8f6a-df6285b146ce
OS Type:        hvm
State:          shut off
CPU(s):         1
Max memory:     131072 KiB
Autostart:      disable
Security model: none
`;

describe("virsh output parsers", () => {
  it("parses key/value info, keeping values with colons and spaces", () => {
    const info = parseInfo(DOMINFO + "Note:   a: b\n");
    expect(info).toMatchObject({
      Name: "zzdom",
      State: "shut off",
      "Max memory": "131072 KiB",
      Autostart: "disable",
      Note: "a: b",
    });
  });

  it("reads libvirt's yes/enable flags", () => {
    expect([
      parseFlag("yes"),
      parseFlag("enable"),
      parseFlag("no"),
      parseFlag("disable"),
      parseFlag(undefined),
    ]).toEqual([true, true, false, false, false]);
  });

  it("reads memory in any unit and vCPUs from domain XML", () => {
    expect(parseDomainSizes("<memory unit='KiB'>2097152</memory>\n<vcpu placement='static'>3</vcpu>")).toEqual({
      memoryMiB: 2048,
      vcpus: 3,
    });
    expect(parseDomainSizes("<memory unit='GiB'>2</memory><vcpu>1</vcpu>")).toEqual({ memoryMiB: 2048, vcpus: 1 });
  });

  it("fails clearly on XML without sizes or with an unknown unit", () => {
    expect(() => parseDomainSizes("<domain/>")).toThrow(/no <memory> or <vcpu>/);
    expect(() => parseDomainSizes("<memory unit='PiB'>1</memory><vcpu>1</vcpu>")).toThrow(
      /unexpected memory unit from libvirt: PiB/,
    );
  });

  it("lists interface MACs in order", () => {
    const text =
      " vnet0   network   lab   virtio   52:54:00:0E:1c:6a\n -       network   db    e1000e   52:54:00:00:00:02\n";
    expect(parseMacAddresses(text)).toEqual(["52:54:00:0e:1c:6a", "52:54:00:00:00:02"]);
    expect(parseMacAddresses("")).toEqual([]);
  });

  it("reads IPv4 leases and ignores IPv6 ones", () => {
    const text = " vnet0   52:54:00:0e:1c:6a   ipv6   fd00::5/64\n vnet0   52:54:00:0e:1c:6a   ipv4   10.42.0.57/24\n";
    expect(parseInterfaceAddresses(text)).toEqual([{ macAddress: "52:54:00:0e:1c:6a", address: "10.42.0.57" }]);
  });

  it("reads a volume's format from its target, not its backing store", () => {
    const xml =
      "<volume><target><format type='qcow2'/></target><backingStore><format type='raw'/></backingStore></volume>";
    expect(parseVolumeFormat(xml)).toBe("qcow2");
    expect(parseVolumeFormat("<volume><target><path>/x</path></target></volume>")).toBeUndefined();
  });
});
