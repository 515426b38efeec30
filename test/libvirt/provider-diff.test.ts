// What each provider's diff decides: in place or replace. Pure: no libvirt involved.
import { describe, expect, it } from "vitest";
import { domainProvider, type DomainOutputs } from "../../components/libvirt/domain-provider";
import { UNKNOWN } from "../../components/libvirt/lifecycle";
import { networkProvider, type NetworkOutputs } from "../../components/libvirt/network-provider";
import { poolProvider, type PoolOutputs } from "../../components/libvirt/pool-provider";
import { seedProvider, type SeedOutputs } from "../../components/libvirt/seed-provider";
import { volumeProvider, type VolumeOutputs } from "../../components/libvirt/volume-provider";

const GiB = 1024 ** 3;
const uri = "qemu:///system";

const domain: DomainOutputs = {
  uri,
  name: "vm",
  domainType: "qemu",
  vcpus: 1,
  memoryMiB: 512,
  disks: [{ pool: "p", volume: "root" }],
  interfaces: [{ network: "n" }],
  serialLogPath: "/var/log/vm.log",
  autostart: true,
  waitForAddressSeconds: 0,
  xml: "<domain/>",
  uuid: "u",
  state: "running",
  macAddresses: [],
};
const network: NetworkOutputs = {
  uri,
  name: "n",
  mode: "nat",
  cidr: "10.0.0.0/24",
  dhcp: true,
  autostart: true,
  xml: "<network/>",
  uuid: "u",
  bridgeName: "virbr1",
  active: true,
};
const pool: PoolOutputs = {
  uri,
  name: "p",
  path: "/srv/p",
  autostart: true,
  xml: "<pool/>",
  uuid: "u",
  builtDirectory: true,
  active: true,
};
const volume: VolumeOutputs = {
  uri,
  pool: "p",
  name: "root",
  baseVolume: "base",
  sizeGiB: 10,
  format: "qcow2",
  key: "/srv/p/root",
  path: "/srv/p/root",
  capacityBytes: 10 * GiB,
  actualFormat: "qcow2",
};
const seed: SeedOutputs = {
  uri,
  pool: "p",
  name: "seed.iso",
  userData: "#cloud-config\n",
  metaData: "instance-id: a\n",
  key: "/srv/p/seed.iso",
  path: "/srv/p/seed.iso",
  sizeBytes: 1,
};

const inPlace = { changes: true, replaces: [], deleteBeforeReplace: false };
const none = { changes: false, replaces: [], deleteBeforeReplace: false };

describe("Domain diff", () => {
  it("sees no change when inputs match the recorded state", async () => {
    expect(await domainProvider.diff!("u", domain, { ...domain })).toEqual(none);
  });
  it("redefines in place for memory, vCPUs and autostart", async () => {
    expect(
      await domainProvider.diff!("u", domain, { ...domain, memoryMiB: 1024, vcpus: 2, xml: "<domain>2</domain>" }),
    ).toEqual(inPlace);
    expect(await domainProvider.diff!("u", domain, { ...domain, autostart: false })).toEqual(inPlace);
  });
  it.each([
    ["disks", { disks: [{ pool: "p", volume: "other" }] }],
    ["interfaces", { interfaces: [{ network: "m" }] }],
    ["name", { name: "vm2" }],
    ["uri", { uri: "qemu+ssh://h/system" }],
    ["domainType", { domainType: "kvm" as const }],
  ])("replaces (deleting first) when %s changes", async (key, change) => {
    expect(await domainProvider.diff!("u", domain, { ...domain, ...change, memoryMiB: 2048 })).toEqual({
      changes: true,
      replaces: [key],
      deleteBeforeReplace: true,
    });
  });
  it("notices drift that read reported (memory changed out of band)", async () => {
    expect(await domainProvider.diff!("u", { ...domain, memoryMiB: 256 }, domain)).toEqual(inPlace);
  });
});

describe("Network diff", () => {
  it("toggles autostart in place and replaces on addressing changes", async () => {
    expect(await networkProvider.diff!("u", network, { ...network, autostart: false })).toEqual(inPlace);
    expect(await networkProvider.diff!("u", network, { ...network, cidr: "10.0.1.0/24", xml: "<x/>" })).toEqual({
      changes: true,
      replaces: ["cidr"],
      deleteBeforeReplace: true,
    });
    expect(await networkProvider.diff!("u", network, { ...network, mode: "isolated" })).toMatchObject({
      replaces: ["mode"],
    });
  });
});

describe("what diff compares", () => {
  it("domain: a recorded or imported MAC address libvirt assigned, and default disk and NIC settings, match a program that leaves them out", async () => {
    const live = {
      ...domain,
      disks: [{ pool: "p", volume: "root", format: "qcow2" as const, bus: "virtio" as const }],
      interfaces: [{ network: "n", macAddress: "52:54:00:00:00:01", model: "virtio" as const }],
    };
    expect(await domainProvider.diff!("u", live, domain)).toEqual(none);
    const declaredMac = { ...domain, interfaces: [{ network: "n", macAddress: "52:54:00:00:00:02" }] };
    expect(await domainProvider.diff!("u", live, declaredMac)).toMatchObject({ replaces: ["interfaces"] });
  });
  it("network: libvirt's report of the default DHCP range and of the bridge it picked match a program that leaves them out", async () => {
    const live = { ...network, dhcpRange: { start: "10.0.0.2", end: "10.0.0.254" }, bridge: "virbr7" };
    expect(await networkProvider.diff!("u", live, network)).toEqual(none);
    const narrower = { ...live, dhcpRange: { start: "10.0.0.2", end: "10.0.0.100" } };
    expect(await networkProvider.diff!("u", narrower, network)).toMatchObject({ replaces: ["dhcpRange"] });
    // ... unless it is drift from what was recorded: then it is corrected in place.
    expect(await networkProvider.diff!("u", { ...narrower, drift: { dhcpRange: null } }, network)).toEqual(inPlace);
  });
  it("passes a preview's unknown values through", async () => {
    expect(await domainProvider.diff!("u", domain, { ...domain, disks: UNKNOWN as never })).toMatchObject({
      replaces: ["disks"],
    });
  });
});

describe("StoragePool diff", () => {
  it("keeps the pool for autostart and definition changes, replaces it for a new path", async () => {
    expect(await poolProvider.diff!("u", pool, { ...pool, autostart: false, xml: "<pool>2</pool>" })).toEqual(inPlace);
    expect(await poolProvider.diff!("u", pool, { ...pool, path: "/srv/q" })).toMatchObject({
      replaces: ["path"],
      deleteBeforeReplace: true,
    });
  });
});

describe("Volume diff", () => {
  it("grows in place", async () => {
    expect(await volumeProvider.diff!("k", volume, { ...volume, sizeGiB: 20 })).toEqual(inPlace);
  });
  it("replaces to shrink, since a volume never shrinks", async () => {
    expect(await volumeProvider.diff!("k", volume, { ...volume, sizeGiB: 5 })).toEqual({
      changes: true,
      replaces: ["sizeGiB"],
      deleteBeforeReplace: true,
    });
  });
  it("replaces to shrink below the image's own size when no size was declared", async () => {
    const { sizeGiB: _omitted, ...defaulted } = volume;
    expect(await volumeProvider.diff!("k", defaulted, { ...defaulted, sizeGiB: 5 })).toMatchObject({
      replaces: ["sizeGiB"],
    });
  });
  it("never replaces a disk that grew out of band while its declared size stayed", async () => {
    expect(await volumeProvider.diff!("k", { ...volume, capacityBytes: 30 * GiB }, { ...volume })).toEqual(none);
  });
  it("replaces when the source changes", async () => {
    expect(await volumeProvider.diff!("k", volume, { ...volume, baseVolume: "base2" })).toMatchObject({
      replaces: ["baseVolume"],
    });
  });
  it("sees no change when the size is left to default", async () => {
    const { sizeGiB: _omitted, ...rest } = volume;
    expect(await volumeProvider.diff!("k", { ...rest }, { ...rest })).toEqual(none);
  });
});

describe("CloudInitSeed diff", () => {
  it("replaces on any document change", async () => {
    expect(await seedProvider.diff!("k", seed, { ...seed, userData: "#cloud-config\nhostname: b\n" })).toEqual({
      changes: true,
      replaces: ["userData"],
      deleteBeforeReplace: true,
    });
    expect(await seedProvider.diff!("k", seed, { ...seed })).toEqual(none);
  });
});

describe("check", () => {
  it("reports missing required inputs for every provider", async () => {
    expect((await domainProvider.check!(domain, { ...domain, xml: "" })).failures).toEqual([
      { property: "xml", reason: "xml is required" },
    ]);
    expect((await networkProvider.check!(network, { ...network, cidr: "" })).failures).toEqual([
      { property: "cidr", reason: "cidr is required" },
    ]);
    expect((await poolProvider.check!(pool, { ...pool, path: "" })).failures).toEqual([
      { property: "path", reason: "path is required" },
    ]);
    expect((await volumeProvider.check!(volume, { ...volume, pool: "" })).failures).toEqual([
      { property: "pool", reason: "pool is required" },
    ]);
    expect((await seedProvider.check!(seed, { ...seed, metaData: "" })).failures).toEqual([
      { property: "metaData", reason: "metaData is required" },
    ]);
  });
});
