import { describe, expect, it } from "vitest";
import { domainXml } from "../../components/libvirt/domain-xml";
import { networkXml } from "../../components/libvirt/network-xml";
import {
  domainFacts,
  networkFacts,
  parseFlag,
  parseInfo,
  parseInterfaceAddresses,
  poolFacts,
  volumeFacts,
} from "../../components/libvirt/parse";
import { poolXml } from "../../components/libvirt/pool-xml";
import { baseNetwork, fullDomain, minimalDomain } from "./support/xml-samples";

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
    const kib = domainFacts("<domain><memory unit='KiB'>2097152</memory>\n<vcpu placement='static'>3</vcpu></domain>");
    expect(kib).toMatchObject({ memoryMiB: 2048, vcpus: 3 });
    expect(domainFacts("<domain><memory unit='GiB'>2</memory><vcpu>1</vcpu></domain>")).toMatchObject({
      memoryMiB: 2048,
      vcpus: 1,
    });
  });

  it("fails clearly on XML without sizes or with an unknown unit", () => {
    expect(() => domainFacts("<domain/>")).toThrow(/no <memory> or <vcpu>/);
    expect(() => domainFacts("<network/>")).toThrow(/no <domain> element/);
    expect(() => domainFacts("<domain><memory unit='PiB'>1</memory><vcpu>1</vcpu></domain>")).toThrow(
      /unexpected memory unit from libvirt: PiB/,
    );
  });

  it("lists interface MACs in order, lower-cased", () => {
    const xml = `<domain><memory>1024</memory><vcpu>1</vcpu><devices>
      <interface type='network'><mac address='52:54:00:0E:1c:6a'/><source network='lab'/><model type='virtio'/></interface>
      <interface type='network'><mac address='52:54:00:00:00:02'/><source network='db'/><model type='e1000e'/></interface>
    </devices></domain>`;
    expect(domainFacts(xml).interfaces.map((nic) => nic.macAddress)).toEqual([
      "52:54:00:0e:1c:6a",
      "52:54:00:00:00:02",
    ]);
    expect(domainFacts("<domain><memory>1024</memory><vcpu>1</vcpu></domain>").interfaces).toEqual([]);
  });

  it("reads back every field dockyard renders into a domain", () => {
    const facts = domainFacts(domainXml(fullDomain));
    expect(facts).toEqual({
      name: "vm1",
      domainType: "kvm",
      vcpus: 4,
      memoryMiB: 8192,
      disks: [
        { pool: "vms", volume: "vm1-root.qcow2", format: "qcow2", bus: "virtio" },
        { pool: "vms", volume: "vm1-data.raw", format: "raw", bus: "scsi" },
        { pool: "data", volume: "scratch", format: "qcow2", bus: "virtio" },
      ],
      seed: { pool: "vms", volume: "vm1-seed.iso" },
      interfaces: [
        { network: "lab", macAddress: "52:54:00:aa:bb:01", model: "virtio" },
        { network: "backend", model: "e1000e" },
      ],
      serialLogPath: "/srv/logs/vm1 console.log",
      kernel: { kernel: "/boot/vmlinuz", initrd: "/boot/initrd.img", cmdline: 'console=ttyS0 root=/dev/vda1 x="<&>"' },
      cpuMode: "host-passthrough",
    });
    expect(domainFacts(domainXml(minimalDomain))).not.toHaveProperty("kernel");
  });

  it("reads libvirt's default CPU model as no CPU mode, and file disks by path", () => {
    const xml = `<domain type='qemu'><name>x</name><uuid>d0a608f7-510f-4cf5-8f6a-df6285b146ce</uuid>
      <memory unit='KiB'>131072</memory><vcpu>1</vcpu>
      <cpu mode='custom' match='exact' check='none'><model fallback='forbid'>qemu64</model></cpu>
      <devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/srv/x.img'/><target dev='vda' bus='virtio'/></disk></devices>
    </domain>`;
    const facts = domainFacts(xml);
    expect(facts.cpuMode).toBeUndefined();
    expect(facts.uuid).toBe("d0a608f7-510f-4cf5-8f6a-df6285b146ce");
    expect(facts.disks).toEqual([{ pool: "", volume: "/srv/x.img", format: "raw", bus: "virtio" }]);
  });

  it("reads back a network's mode, subnet, DHCP range and bridge", () => {
    expect(networkFacts(networkXml(baseNetwork))).toEqual({
      name: "lab",
      mode: "nat",
      cidr: "10.42.0.0/24",
      dhcp: true,
      dhcpRange: { start: "10.42.0.2", end: "10.42.0.254" },
    });
    const isolated = networkXml({
      ...baseNetwork,
      mode: "isolated",
      dhcp: false,
      bridge: "dybr0",
      cidr: "10.9.0.0/16",
    });
    expect(networkFacts(isolated)).toEqual({
      name: "lab",
      mode: "isolated",
      cidr: "10.9.0.0/16",
      dhcp: false,
      bridge: "dybr0",
    });
    // libvirt also writes netmasks and IPv6 subnets.
    const live = `<network><name>n</name><forward mode='route'/><ip family='ipv6' address='fd00::1' prefix='64'/>
      <ip address='192.168.5.1' netmask='255.255.255.0'/></network>`;
    expect(networkFacts(live)).toMatchObject({ mode: "route", cidr: "192.168.5.0/24", dhcp: false });
  });

  it("reads back a pool's name and directory", () => {
    expect(poolFacts(poolXml({ name: "vms", path: "/srv/vms" }))).toEqual({
      name: "vms",
      type: "dir",
      path: "/srv/vms",
    });
  });

  it("reads IPv4 leases and ignores IPv6 ones", () => {
    const text = " vnet0   52:54:00:0e:1c:6a   ipv6   fd00::5/64\n vnet0   52:54:00:0e:1c:6a   ipv4   10.42.0.57/24\n";
    expect(parseInterfaceAddresses(text)).toEqual([{ macAddress: "52:54:00:0e:1c:6a", address: "10.42.0.57" }]);
  });

  it("reads a volume's key, path, capacity, backing file and format from its target, not its backing store", () => {
    const xml = `<volume type='file'><name>root</name><key>/p/root</key><capacity unit='bytes'>1073741824</capacity>
      <target><path>/p/root</path><format type='qcow2'/></target>
      <backingStore><path>/p/base</path><format type='raw'/></backingStore></volume>`;
    expect(volumeFacts(xml)).toEqual({
      name: "root",
      key: "/p/root",
      path: "/p/root",
      capacityBytes: 1024 ** 3,
      format: "qcow2",
      backingPath: "/p/base",
    });
    expect(volumeFacts("<volume><capacity>5</capacity><target><path>/x</path></target></volume>").format).toBe("raw");
  });
});

describe("reading what a definition leaves out or spells another way", () => {
  const sizes = "<memory unit='KiB'>1048576</memory><vcpu>1</vcpu>";

  it("names each missing size", () => {
    expect(() => domainFacts("<domain><vcpu>1</vcpu></domain>")).toThrow(/no <memory> or <vcpu>/);
    expect(() => domainFacts("<domain><memory unit='KiB'>1048576</memory></domain>")).toThrow(/no <memory> or <vcpu>/);
  });

  it("reads names, types and UUIDs made of digits verbatim, and attributes only from attributes", () => {
    const domain = domainFacts(`<domain><name>0100</name><uuid>1e3</uuid><type>kvm</type>${sizes}</domain>`);
    expect(domain).toMatchObject({ name: "0100", uuid: "1e3", domainType: "" });
    expect(domainFacts(`<domain>${sizes}</domain>`)).toMatchObject({ name: "", domainType: "" });
    expect(
      poolFacts("<pool type='dir'><name>007</name><uuid>12</uuid><target><path>/p</path></target></pool>"),
    ).toEqual({
      uuid: "12",
      name: "007",
      type: "dir",
      path: "/p",
    });
  });

  it("reads every kind of disk source, and a disk with no device attribute as a disk", () => {
    const xml = `<domain>${sizes}<devices>
      <disk type='volume'><source/></disk>
      <disk type='block' device='disk'><source dev='/dev/sdb'/></disk>
      <disk type='network' device='disk'><source protocol='rbd' name='rbd/img'/></disk>
      <disk type='file' device='disk'/>
      <disk type='file' device='floppy'><source file='/f.img'/></disk>
    </devices></domain>`;
    expect(domainFacts(xml).disks).toEqual([
      { pool: "", volume: "" },
      { pool: "", volume: "/dev/sdb" },
      { pool: "", volume: "rbd/img" },
      { pool: "", volume: "" },
    ]);
  });

  it("reads an interface's network, bridge, or neither", () => {
    const xml = `<domain>${sizes}<devices>
      <interface type='bridge'><source bridge='br0'/></interface>
      <interface type='user'/>
    </devices></domain>`;
    expect(domainFacts(xml).interfaces).toEqual([{ network: "br0" }, { network: "" }]);
  });

  it("reads a network with nothing in it as an empty isolated one, and a bare forward as NAT", () => {
    expect(networkFacts("<network/>")).toEqual({ name: "", mode: "isolated", cidr: "", dhcp: false });
    const xml = `<network><name>n</name><uuid>${"5".repeat(8)}-5555-4555-8555-${"5".repeat(12)}</uuid><forward/>
      <ip address='10.1.0.1' prefix='16'><dhcp><range/></dhcp></ip></network>`;
    expect(networkFacts(xml)).toEqual({
      uuid: "55555555-5555-4555-8555-555555555555",
      name: "n",
      mode: "nat",
      cidr: "10.1.0.0/16",
      dhcp: true,
      dhcpRange: { start: "", end: "" },
    });
  });

  it("reads a subnet from a contiguous netmask only", () => {
    const cidr = (ip: string): string => networkFacts(`<network><name>n</name>${ip}</network>`).cidr;
    expect(cidr("<ip address='10.1.2.3' netmask='255.255.252.0'/>")).toBe("10.1.0.0/22");
    expect(cidr("<ip address='10.1.2.3' netmask='255.255.255.255'/>")).toBe("10.1.2.3/32");
    expect(cidr("<ip address='10.1.2.3' netmask='255.0.255.0'/>")).toBe("");
    expect(cidr("<ip address='10.1.2.3' netmask='0.0.0.255'/>")).toBe("");
    expect(cidr("<ip address='10.1.2.3' netmask='255.255.0'/>")).toBe("");
    expect(cidr("<ip address='10.1.2.3'/>")).toBe("");
    expect(cidr("<ip prefix='24'/>")).toBe("");
  });

  it("reads an empty pool or volume definition as empty facts, a unit-less capacity as bytes", () => {
    expect(poolFacts("<pool/>")).toEqual({ name: "", type: "", path: "" });
    expect(volumeFacts("<volume/>")).toEqual({ name: "", key: "", path: "", capacityBytes: NaN, format: "raw" });
    expect(volumeFacts("<volume><capacity>5</capacity></volume>").capacityBytes).toBe(5);
  });

  it("reads only Key: value lines of virsh's info tables", () => {
    expect(parseInfo("State :  running\n: orphan\nno colon here\n\nName:vm1\n")).toEqual({
      State: "running",
      Name: "vm1",
    });
  });

  it("reads addresses whatever their digits, and leases without a prefix length", () => {
    const text =
      " vnet0   52:54:00:0e:1c:6a   ipv4   192.168.122.157/24\n vnet1   52:54:00:0e:1c:6b   ipv4   10.0.0.9\n";
    expect(parseInterfaceAddresses(text)).toEqual([
      { macAddress: "52:54:00:0e:1c:6a", address: "192.168.122.157" },
      { macAddress: "52:54:00:0e:1c:6b", address: "10.0.0.9" },
    ]);
  });
});
