// (a) The providers driven the way `pulumi up` drives them, minus the engine: the SDK serializes
// each provider into `__provider`, Pulumi's own provider host deserializes and serves it over
// gRPC, and this test plays the engine: Check → Create → Read → Diff → Update → Delete.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { metaData, networkConfig, userData } from "../../../components/libvirt/cloud-init";
import { CloudInitSeed, Domain, Network, StoragePool, Volume } from "../../../components";
import { needs } from "../support/needs";
import { freeCidr, Janitor, names, once, uniqueName, virshText } from "./host";
import { ProviderHost, registrations, type Registered } from "./provider-host";
import { outputOf } from "../../../infra/cli/bounded-run";

needs("libvirtd", "qemu-img", "seed-tool");

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3QyR1OSD0FSu8Ic6VFl3HzcOvo0VFFtyUSYJBLz8W test@dockyard";
const janitor = new Janitor();
const work = mkdtempSync(join(tmpdir(), "dockyard-host-test-"));
let started: ProviderHost | undefined;
const ready = once(async () => {
  started = await ProviderHost.start(process.cwd());
  await started.configure();
  return started;
});

afterAll(async () => {
  started?.stop();
  rmSync(work, { recursive: true, force: true });
  await janitor.sweep();
});

describe("libvirt providers behind Pulumi's dynamic provider host", () => {
  it("run the whole lifecycle of pool, volumes, seed, network and domain over gRPC", async () => {
    const provider = await ready();
    const pool = janitor.pool(uniqueName("pool"));
    janitor.file(`/var/lib/libvirt/images/${pool}`);
    const net = janitor.network(uniqueName("net"));
    const vm = janitor.domain(uniqueName("vm"));
    const base = janitor.volume(pool, "base.qcow2");
    const root = janitor.volume(pool, "root.qcow2");
    const seed = janitor.volume(pool, "seed.iso");
    const baseFile = join(work, "base.qcow2");
    outputOf("qemu-img", ["create", "-q", "-f", "qcow2", baseFile, "64M"], { timeoutMs: 30_000 });
    const cidr = await freeCidr();

    // Two versions of the same program: the second gives the domain more memory.
    const program = (memoryMiB: number) => (): void => {
      new StoragePool("pool", { name: pool });
      new Volume("base", { pool, name: base, sourcePath: baseFile });
      new Volume("root", { pool, name: root, baseVolume: base, sizeGiB: 1 });
      new CloudInitSeed("seed", {
        pool,
        name: seed,
        userData: userData({
          hostname: "t",
          adminUser: "admin",
          sshAuthorizedKeys: [KEY],
          packages: [],
          runCommands: [],
          upgradePackages: false,
        }),
        metaData: metaData({ instanceId: "t-1", hostname: "t" }),
        networkConfig: networkConfig({}),
      });
      new Network("net", { name: net, mode: "isolated", cidr });
      new Domain("vm", {
        name: vm,
        memoryMiB,
        disks: [{ pool, volume: root }],
        seed: { pool, volume: seed },
        interfaces: [{ network: net }],
      });
    };
    const v1 = await registrations(program(128));
    const v2 = await registrations(program(192));
    expect(String(v1.get("vm")!.inputs.__provider)).toMatch(/exports\.handler = /);

    // Create everything in dependency order, as the engine would after Check.
    const state = new Map<string, { id: string; properties: Record<string, unknown> }>();
    for (const name of ["pool", "base", "root", "seed", "net", "vm"]) {
      const resource = v1.get(name)!;
      const checked = await provider.check(resource.urn, {}, resource.inputs);
      expect(checked.failures, name).toEqual([]);
      const created = await provider.create(resource.urn, checked.inputs);
      expect(created.id, name).not.toBe("");
      expect(created.properties.__provider, name).toBe(resource.inputs.__provider);
      state.set(name, created);
    }
    expect(await names("pool")).toContain(pool);
    expect(await names("vol", pool)).toEqual(expect.arrayContaining([base, root, seed]));
    expect(await names("network")).toContain(net);
    expect((await virshText(["domstate", vm])).trim()).toBe("running");
    expect(state.get("root")!.properties).toMatchObject({ actualFormat: "qcow2", capacityBytes: 1024 ** 3 });

    const vmUrn = v1.get("vm")!.urn;
    const vmState = state.get("vm")!;
    const read = await provider.read(vmUrn, vmState.id, vmState.properties);
    expect(read).toMatchObject({
      id: vmState.id,
      properties: { state: "running", memoryMiB: 128, vcpus: 1, uuid: vmState.id },
    });
    expect(read.properties.macAddresses).toEqual([expect.stringMatching(/^52:54:00:/)]);

    // Diff: unchanged, memory (in place), a disk change (replace, delete first).
    const news = (await provider.check(vmUrn, vmState.properties, v2.get("vm")!.inputs)).inputs;
    expect(await provider.diff(vmUrn, vmState.id, read.properties, v1.get("vm")!.inputs)).toEqual({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff(vmUrn, vmState.id, read.properties, news)).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const otherDisk = { ...news, disks: [{ pool, volume: base }] };
    expect(await provider.diff(vmUrn, vmState.id, read.properties, otherDisk)).toEqual({
      changes: "some",
      replaces: ["disks"],
      deleteBeforeReplace: true,
    });

    // Update: redefined in place, same UUID, new persistent memory size.
    const updated = await provider.update(vmUrn, vmState.id, read.properties, news);
    expect(updated).toMatchObject({ uuid: vmState.id, memoryMiB: 192 });
    expect(await virshText(["dumpxml", "--inactive", vm])).toContain("<memory unit='KiB'>196608</memory>");
    expect((await virshText(["domuuid", vm])).trim()).toBe(vmState.id);
    expect((await provider.read(vmUrn, vmState.id, updated)).properties).toMatchObject({ memoryMiB: 192 });

    // Delete in reverse dependency order leaves nothing.
    for (const name of ["vm", "net", "seed", "root", "base", "pool"]) {
      const { id, properties } = name === "vm" ? { id: vmState.id, properties: updated } : state.get(name)!;
      await provider.delete((v1.get(name) as Registered).urn, id, properties);
    }
    expect(await names("domain")).not.toContain(vm);
    expect(await names("network")).not.toContain(net);
    expect(await names("pool")).not.toContain(pool);
    expect(existsSync(`/var/lib/libvirt/images/${pool}`)).toBe(false);
  });

  it("reports a domain removed out of band as gone, so the next up recreates it", async () => {
    const provider = await ready();
    const vm = janitor.domain(uniqueName("gone"));
    const resources = await registrations(() => new Domain("vm", { name: vm, memoryMiB: 64 }));
    const { urn, inputs } = resources.get("vm")!;
    const created = await provider.create(urn, (await provider.check(urn, {}, inputs)).inputs);
    await virshText(["destroy", vm]);
    await virshText(["undefine", vm]);
    expect((await provider.read(urn, created.id, created.properties)).id).toBe("");
    // Deleting something already gone succeeds (a refresh may not have run first).
    await expect(provider.delete(urn, created.id, created.properties)).resolves.toBeUndefined();
  });

  it("imports a domain by <uri>|<name> when the engine passes only the provider's code", async () => {
    const provider = await ready();
    const vm = janitor.domain(uniqueName("import"));
    const resources = await registrations(() => new Domain("vm", { name: vm, memoryMiB: 64, autostart: false }));
    const { urn, inputs } = resources.get("vm")!;
    // Made outside dockyard, from the definition the program renders.
    const file = join(work, "import.xml");
    writeFileSync(file, String(inputs.xml));
    await virshText(["define", file]);
    const uuid = (await virshText(["domuuid", vm])).trim();
    const read = await provider.read(urn, `qemu:///system|${vm}`, { __provider: inputs.__provider });
    expect(read.id).toBe(uuid);
    expect(read.inputs).toMatchObject({ uri: "qemu:///system", name: vm, memoryMiB: 64, autostart: false });
    expect(read.properties).toMatchObject({ uuid, state: "shut off", __provider: inputs.__provider });
    // The engine's import check: the program's inputs against what was read; only the rendering differs.
    const checked = (await provider.check(urn, read.inputs!, inputs)).inputs;
    expect(await provider.diff(urn, uuid, read.properties, checked)).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    await provider.delete(urn, uuid, read.properties);
    expect(await names("domain")).not.toContain(vm);
  });

  it("sends a clear error naming an unreachable URI back to the engine", async () => {
    const provider = await ready();
    const uri = "qemu+ssh://nobody@127.0.0.1:1/system";
    const resources = await registrations(
      () => new Network("net", { uri, name: uniqueName("net"), cidr: "10.213.0.0/24" }),
    );
    const { urn, inputs } = resources.get("net")!;
    await expect(provider.create(urn, inputs)).rejects.toThrow(`cannot reach libvirt at ${uri}`);
  });
});
