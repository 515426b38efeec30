// The dynamic resources under Pulumi mocks: type tokens, resolved inputs, rendered XML, and
// providers that survive the SDK's closure serialization with their behaviour intact.
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { UNSERIALIZED_PROVIDER } from "../../components/libvirt/dynamic-resource";
import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { CloudInitSeed, Domain, Network, StoragePool, Volume } from "../../components";
import { DOMAIN_INPUTS, DOMAIN_OUTPUTS, domainProvider } from "../../components/libvirt/domain-provider";
import { resolveDomain } from "../../components/libvirt/domain";
import { resolveNetwork } from "../../components/libvirt/network";
import { NETWORK_INPUTS, NETWORK_OUTPUTS, networkProvider } from "../../components/libvirt/network-provider";
import { resolveStoragePool } from "../../components/libvirt/pool";
import { POOL_INPUTS, POOL_OUTPUTS, poolProvider } from "../../components/libvirt/pool-provider";
import { resolveCloudInitSeed } from "../../components/libvirt/seed";
import { SEED_INPUTS, SEED_OUTPUTS, seedProvider } from "../../components/libvirt/seed-provider";
import { resolveVolume } from "../../components/libvirt/volume";
import { VOLUME_INPUTS, VOLUME_OUTPUTS, volumeProvider } from "../../components/libvirt/volume-provider";
import { find, record } from "../support/pulumi-harness";
import { withFakeVirsh } from "./support/fake-virsh";

const T = (type: string): string => `pulumi-nodejs:dynamic/libvirt:${type}`;

/** One of each resource, every argument left to its default. */
function declareDefaults(): void {
  new StoragePool("vms");
  new Volume("data", { pool: "vms", sizeGiB: 4 });
  new CloudInitSeed("seed", { pool: "vms", userData: "#cloud-config\n", metaData: "instance-id: a\n" });
  new Network("lab", { cidr: "10.77.0.0/24" });
  new Domain("vm");
}

describe("dynamic resources under mocks", () => {
  it("defaults: every resource gets its type token, the local URI and its rendered definition", async () => {
    const resources = await record(declareDefaults);
    const pool = find(resources, T("StoragePool"), "vms");
    expect(pool.inputs).toMatchObject({
      uri: "qemu:///system",
      name: "vms",
      path: "/var/lib/libvirt/images/vms",
      autostart: true,
    });
    expect(pool.inputs.xml).toContain("<path>/var/lib/libvirt/images/vms</path>");
    // Offline (synth, tests) the provider's code is not serialized, and says so.
    expect(pool.inputs.__provider).toBe(UNSERIALIZED_PROVIDER);
    expect(find(resources, T("Volume"), "data").inputs).toMatchObject({
      uri: "qemu:///system",
      pool: "vms",
      name: "data",
      sizeGiB: 4,
      format: "qcow2",
    });
    expect(find(resources, T("CloudInitSeed"), "seed").inputs).toMatchObject({
      pool: "vms",
      name: "seed",
      userData: "#cloud-config\n",
    });
    const network = find(resources, T("Network"), "lab").inputs;
    expect(network).toMatchObject({ name: "lab", mode: "nat", cidr: "10.77.0.0/24", dhcp: true, autostart: true });
    expect(network.xml).toContain("<ip address='10.77.0.1' prefix='24'>");
    const domain = find(resources, T("Domain"), "vm").inputs;
    expect(domain).toMatchObject({
      name: "vm",
      domainType: "qemu",
      vcpus: 1,
      memoryMiB: 1024,
      autostart: true,
      waitForAddressSeconds: 0,
    });
    expect(domain.xml).toContain("<memory unit='MiB'>1024</memory>");
  });

  it("custom: outputs of one resource feed another's definition", async () => {
    const resources = await record(() => {
      const pool = new StoragePool("p", {
        uri: "qemu+ssh://ops@kvm1/system",
        name: "fast",
        path: "/srv/fast",
        autostart: false,
      });
      const net = new Network("n", {
        uri: "qemu+ssh://ops@kvm1/system",
        name: "back",
        mode: "isolated",
        cidr: "192.168.90.0/24",
        dhcp: false,
        bridge: "dybr9",
      });
      const base = new Volume("b", { pool: pool.name, sourcePath: "/images/debian.qcow2" });
      const root = new Volume("r", { pool: pool.name, baseVolume: base.name, sizeGiB: 30 });
      new Domain("d", {
        name: "db",
        domainType: "kvm",
        vcpus: 4,
        memoryMiB: 4096,
        disks: [{ pool: pool.name, volume: root.name }],
        interfaces: [{ network: net.name, macAddress: "52:54:00:00:00:09" }],
        serialLogPath: "/srv/logs/db.log",
        cpuMode: "host-model",
        autostart: false,
        waitForAddressSeconds: 60,
      });
    });
    expect(find(resources, T("StoragePool"), "p").inputs).toMatchObject({
      uri: "qemu+ssh://ops@kvm1/system",
      name: "fast",
      path: "/srv/fast",
      autostart: false,
    });
    expect(find(resources, T("Network"), "n").inputs.xml).not.toContain("<forward");
    expect(find(resources, T("Volume"), "b").inputs).toMatchObject({
      pool: "fast",
      name: "b",
      sourcePath: "/images/debian.qcow2",
    });
    expect(find(resources, T("Volume"), "r").inputs).toMatchObject({ pool: "fast", baseVolume: "b", sizeGiB: 30 });
    const domain = find(resources, T("Domain"), "d");
    expect(domain.inputs.xml).toMatch(/<source pool='fast' volume='r'\/>/);
    expect(domain.inputs.xml).toMatch(/<source network='back'\/>\s*<mac address='52:54:00:00:00:09'\/>/);
    expect(domain.inputs).toMatchObject({
      name: "db",
      vcpus: 4,
      memoryMiB: 4096,
      cpuMode: "host-model",
      waitForAddressSeconds: 60,
    });
    expect(domain.dependencies).toEqual(
      expect.arrayContaining([find(resources, T("Volume"), "r").urn, find(resources, T("Network"), "n").urn]),
    );
  });
});

describe("one key list per resource", () => {
  it.each([
    ["StoragePool", "vms", POOL_INPUTS, POOL_OUTPUTS],
    ["Volume", "data", VOLUME_INPUTS, VOLUME_OUTPUTS],
    ["CloudInitSeed", "seed", SEED_INPUTS, SEED_OUTPUTS],
    ["Network", "lab", NETWORK_INPUTS, NETWORK_OUTPUTS],
    ["Domain", "vm", DOMAIN_INPUTS, DOMAIN_OUTPUTS],
  ] as const)("%s registers exactly its provider's input and output keys", async (type, name, inputs, outputs) => {
    const resources = await record(declareDefaults);
    const registered = Object.keys(find(resources, T(type), name).inputs).filter((key) => key !== "__provider");
    // Unset optional inputs and the outputs are registered without a value.
    expect([...inputs, ...outputs]).toEqual(expect.arrayContaining(registered));
    expect(registered).toEqual(expect.arrayContaining(inputs.filter((key) => key === "uri" || key === "name")));
  });
  it("resolve* functions give each resource's inputs without Pulumi", () => {
    expect(resolveNetwork("lab", { cidr: "10.77.0.0/24" })).toMatchObject({ name: "lab", mode: "nat", dhcp: true });
    expect(resolveStoragePool("vms", {}).path).toBe("/var/lib/libvirt/images/vms");
    expect(() => resolveCloudInitSeed("s", { pool: "p", userData: " ", metaData: "x" })).toThrow(
      /^CloudInitSeed "s": userData must be a non-empty string/,
    );
  });
});

describe("argument checks", () => {
  it("volume: exclusive sources, blank needs a size, sizes are whole GiB", () => {
    expect(() => resolveVolume("v", { pool: "p", sourcePath: "/a", baseVolume: "b" })).toThrow(
      /^Volume "v": sourcePath and baseVolume are exclusive/,
    );
    expect(() => resolveVolume("v", { pool: "p" })).toThrow(/sizeGiB is required for a blank volume/);
    expect(() => resolveVolume("v", { pool: "p", sizeGiB: 0.5 })).toThrow(/sizeGiB must be an integer from 1 to 65536/);
    expect(() => resolveVolume("v", { pool: "p", sourcePath: "base.qcow2" })).toThrow(
      /sourcePath must be an absolute path/,
    );
    expect(() => resolveVolume("v", { pool: "p", sizeGiB: 1, format: "vmdk" as "raw" })).toThrow(ComponentArgError);
  });
  it("domain: the resource name is the default domain name and errors name the resource", () => {
    expect(resolveDomain("web", {}).name).toBe("web");
    expect(resolveDomain("web", {}).serialLogPath).toBe("/var/log/libvirt/qemu/web-serial.log");
    expect(() => resolveDomain("web", { memoryMiB: 10 })).toThrow(
      /^Domain "web": memoryMiB must be an integer from 64/,
    );
    expect(() => resolveDomain("web", { waitForAddressSeconds: -1 })).toThrow(
      /waitForAddressSeconds must be an integer from 0 to 3600/,
    );
  });
});

describe("provider serialization", () => {
  const providers: Record<string, pulumi.dynamic.ResourceProvider> = {
    domainProvider,
    networkProvider,
    poolProvider,
    seedProvider,
    volumeProvider,
  };
  // The provider host loads the text with require-from-string: use the SDK's own copy.
  const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as (
    code: string,
  ) => {
    handler: () => pulumi.dynamic.ResourceProvider;
  };

  it("when deploying, each resource carries its provider's serialized code", async () => {
    const resources = await record(() => new StoragePool("vms"), "unit", { serializeProviders: true });
    expect(find(resources, T("StoragePool"), "vms").inputs.__provider).toMatch(
      /^\[dynamic provider code, \d+ bytes\]$/,
    );
  });

  it.each(Object.entries(providers))(
    "%s survives the SDK's closure serialization and behaves the same",
    async (_name, provider) => {
      // What pulumi.dynamic.Resource does with a provider (see @pulumi/pulumi/dynamic/index.js).
      const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      const revived = requireFromString(serialized.text).handler();
      for (const method of ["check", "diff", "create", "read", "update", "delete"] as const)
        expect(typeof revived[method], method).toBe("function");
      const olds = { uri: "qemu:///system", name: "a", xml: "<a/>", autostart: true };
      const news = { ...olds, name: "b" };
      expect(await revived.diff!("id", olds, news)).toEqual(await provider.diff!("id", olds, news));
      expect(await revived.check!(olds, { ...news, uri: "" })).toEqual(
        await provider.check!(olds, { ...news, uri: "" }),
      );
    },
  );

  it("a revived provider reads and compares the live definition (XML parser, drift, import) as the original does", async () => {
    const program = resolveDomain("vm", { memoryMiB: 128, autostart: false });
    const uuid = "d0a608f7-510f-4cf5-8f6a-df6285b146ce";
    const live = program.xml
      .replace("<name>vm</name>", `<name>vm</name><uuid>${uuid}</uuid>`)
      .replace("<memory unit='MiB'>128</memory>", "<memory unit='KiB'>98304</memory>");
    const answers = {
      dumpxml: live,
      dominfo: `UUID:           ${uuid}\nState:          running\nAutostart:      disable\n`,
    };
    const serialized = await pulumi.runtime.serializeFunction(() => domainProvider, { allowSecrets: true });
    const revived = requireFromString(serialized.text).handler();
    const recorded = { ...program, uuid, state: "running", macAddresses: [] };
    await withFakeVirsh(answers, async () => {
      const read = await revived.read!(uuid, recorded);
      expect(read).toEqual(await domainProvider.read!(uuid, recorded));
      expect(read.props).toMatchObject({ memoryMiB: 96, drift: { memoryMiB: 128 }, state: "running" });
      const imported = await revived.read!(`qemu:///system|vm`, undefined);
      expect(imported).toMatchObject({ id: uuid, inputs: { uri: "qemu:///system", name: "vm", memoryMiB: 96 } });
    });
  });
});
