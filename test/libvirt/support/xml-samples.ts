/**
 * The libvirt XML the translator tests render, in one list: test/libvirt/*-xml.test.ts assert on
 * its content (Node only), test/engines/libvirt/xml-schema.test.ts runs libvirt's own schema
 * check (virt-xml-validate) on every sample.
 */
import { defaultSerialLogPath, domainXml, type DomainSpec } from "../../../components/libvirt/domain-xml";
import { networkXml, type NetworkSpec } from "../../../components/libvirt/network-xml";
import { poolXml } from "../../../components/libvirt/pool-xml";
import { volumeXml } from "../../../components/libvirt/volume-xml";

/** A domain with nothing optional set. */
export const minimalDomain: DomainSpec = {
  name: "vm1",
  domainType: "qemu",
  vcpus: 1,
  memoryMiB: 1024,
  disks: [],
  interfaces: [],
  serialLogPath: defaultSerialLogPath("vm1"),
};

/** A domain with every option set. */
export const fullDomain: DomainSpec = {
  ...minimalDomain,
  domainType: "kvm",
  vcpus: 4,
  memoryMiB: 8192,
  disks: [
    { pool: "vms", volume: "vm1-root.qcow2" },
    { pool: "vms", volume: "vm1-data.raw", format: "raw", bus: "scsi" },
    { pool: "data", volume: "scratch", bus: "virtio" },
  ],
  seed: { pool: "vms", volume: "vm1-seed.iso" },
  interfaces: [
    { network: "lab", macAddress: "52:54:00:AA:bb:01" },
    { network: "backend", model: "e1000e" },
  ],
  serialLogPath: "/srv/logs/vm1 console.log",
  kernel: { kernel: "/boot/vmlinuz", initrd: "/boot/initrd.img", cmdline: 'console=ttyS0 root=/dev/vda1 x="<&>"' },
  cpuMode: "host-passthrough",
};

/** A NAT network with DHCP, nothing else set. */
export const baseNetwork: NetworkSpec = { name: "lab", mode: "nat", cidr: "10.42.0.0/24", dhcp: true };

/** Every rendered sample, by name. */
export const XML_SAMPLES = {
  "domain: defaults": () => domainXml(minimalDomain),
  "domain: every option": () => domainXml(fullDomain),
  "network: defaults": () => networkXml(baseNetwork),
  "network: isolated, explicit bridge and DHCP range": () =>
    networkXml({
      ...baseNetwork,
      mode: "isolated",
      cidr: "172.30.8.0/22",
      bridge: "dybr0",
      dhcpRange: { start: "172.30.9.10", end: "172.30.9.20" },
    }),
  "network: without DHCP": () => networkXml({ ...baseNetwork, dhcp: false }),
  "pool: dir pool": () => poolXml({ name: "vms", path: "/var/lib/libvirt/images/vms" }),
  "pool: markup in the path": () => poolXml({ name: "vms", path: "/srv/a&b<c>" }),
  "volume: blank qcow2": () => volumeXml({ name: "data.qcow2", capacityBytes: 10 * 1024 ** 3, format: "qcow2" }),
  "volume: overlay with a backing store": () =>
    volumeXml({ name: "root", capacityBytes: 1024, format: "qcow2", backing: { path: "/pool/base&1", format: "raw" } }),
  "volume: raw": () => volumeXml({ name: "seed.iso", capacityBytes: 374784, format: "raw" }),
} satisfies Record<string, () => string>;
