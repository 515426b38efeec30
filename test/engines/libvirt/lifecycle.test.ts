// (b) The providers' create/read/diff/update/delete against qemu:///system, called directly:
// running guests, in-place redefinition, out-of-band changes, name clashes, failed creates,
// unreachable URIs, and deletes that leave nothing behind.
import { existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { metaData, networkConfig, userData } from "../../../components/libvirt/cloud-init";
import { resolveDomain } from "../../../components/libvirt/domain";
import { domainProvider, type DomainInputs, type DomainOutputs } from "../../../components/libvirt/domain-provider";
import { networkProvider, type NetworkInputs } from "../../../components/libvirt/network-provider";
import { networkXml } from "../../../components/libvirt/network-xml";
import { poolProvider, type PoolInputs, type PoolOutputs } from "../../../components/libvirt/pool-provider";
import { poolXml } from "../../../components/libvirt/pool-xml";
import { seedProvider } from "../../../components/libvirt/seed-provider";
import { resolveVolume } from "../../../components/libvirt/volume";
import { volumeProvider, type VolumeOutputs } from "../../../components/libvirt/volume-provider";
import { needs } from "../support/needs";
import { freeCidr, Janitor, names, once, SYSTEM_URI as uri, uniqueName, virshText } from "./host";
import { outputOf } from "../../../infra/cli/bounded-run";

needs("libvirtd", "qemu-img", "seed-tool");

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3QyR1OSD0FSu8Ic6VFl3HzcOvo0VFFtyUSYJBLz8W test@dockyard";
const janitor = new Janitor();
const work = mkdtempSync(join(tmpdir(), "dockyard-lifecycle-"));

function poolInputs(name: string, path = `/var/lib/libvirt/images/${name}`): PoolInputs {
  return { uri, name, path, autostart: false, xml: poolXml({ name, path }) };
}

function networkInputs(name: string, cidr: string, target = uri): NetworkInputs {
  const spec = { name, mode: "isolated" as const, cidr, dhcp: true };
  return { ...spec, uri: target, autostart: false, xml: networkXml(spec) };
}

/** The ISO 9660 volume label of a file on this (local) host. */
function isoLabel(path: string): string {
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(32);
  readSync(fd, buffer, 0, 32, 16 * 2048 + 40);
  closeSync(fd);
  return buffer.toString("ascii").trim().toLowerCase();
}

/** One pool and one isolated network, shared by the tests below. */
const shared = once(async (): Promise<{ pool: PoolOutputs; network: { name: string; cidr: string } }> => {
  const poolName = janitor.pool(uniqueName("pool"));
  janitor.file(`/var/lib/libvirt/images/${poolName}`);
  const pool = (await poolProvider.create(poolInputs(poolName))).outs!;
  const netName = janitor.network(uniqueName("net"));
  const cidr = await freeCidr();
  await networkProvider.create(networkInputs(netName, cidr));
  return { pool, network: { name: netName, cidr } };
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await janitor.sweep();
});

describe("libvirt providers on qemu:///system", () => {
  it("builds a guest from a base image, runs it, redefines it for memory, reflects out-of-band change, and deletes it all", async () => {
    // Its own pool and network, so that deleting them is part of the test.
    const pool = (await poolProvider.create(poolInputs(janitor.pool(uniqueName("pool"))))).outs!;
    janitor.file(pool.path);
    expect(pool.builtDirectory).toBe(true);
    const netName = janitor.network(uniqueName("net"));
    const network = (await networkProvider.create(networkInputs(netName, await freeCidr()))).outs!;
    const baseFile = join(work, "base.qcow2");
    outputOf("qemu-img", ["create", "-q", "-f", "qcow2", baseFile, "32M"], { timeoutMs: 30_000 });
    const base = await volumeProvider.create(
      resolveVolume("base", {
        pool: pool.name,
        name: janitor.volume(pool.name, uniqueName("base")),
        sourcePath: baseFile,
      }),
    );
    expect(base.outs).toMatchObject({ actualFormat: "qcow2", capacityBytes: 32 * 1024 ** 2 });
    const root = await volumeProvider.create(
      resolveVolume("root", {
        pool: pool.name,
        name: janitor.volume(pool.name, uniqueName("root")),
        baseVolume: base.outs!.name,
        sizeGiB: 1,
      }),
    );
    expect(root.outs).toMatchObject({ actualFormat: "qcow2", capacityBytes: 1024 ** 3 });
    expect(outputOf("qemu-img", ["info", "--output=json", root.outs!.path], { timeoutMs: 30_000 })).toContain(
      `"backing-filename": "${base.outs!.path}"`,
    );

    const seed = await seedProvider.create({
      uri,
      pool: pool.name,
      name: janitor.volume(pool.name, uniqueName("seed")),
      userData: userData({
        hostname: "t",
        adminUser: "admin",
        sshAuthorizedKeys: [KEY],
        packages: [],
        runCommands: [],
        upgradePackages: false,
      }),
      metaData: metaData({ instanceId: "t-1", hostname: "t" }),
      networkConfig: networkConfig({ macAddress: "52:54:00:12:34:56" }),
    });
    expect(isoLabel(seed.outs!.path)).toBe("cidata");

    const name = janitor.domain(uniqueName("vm"));
    const program = (memoryMiB: number): DomainInputs =>
      resolveDomain(name, {
        memoryMiB,
        disks: [{ pool: pool.name, volume: root.outs!.name }],
        seed: { pool: pool.name, volume: seed.outs!.name },
        interfaces: [{ network: network.name, macAddress: "52:54:00:12:34:56" }],
        autostart: false,
      });
    const inputs = program(128);
    const created = await domainProvider.create(inputs);
    const outs = created.outs!;
    expect(outs).toMatchObject({
      uuid: created.id,
      state: "running",
      macAddresses: ["52:54:00:12:34:56"],
      autostart: false,
    });
    expect((await virshText(["domstate", name])).trim()).toBe("running");
    // The running guest sees the overlay and, through it, the uploaded base image.
    const live = await virshText(["dumpxml", name]);
    expect(live).toMatch(new RegExp(`<source pool='${pool.name}' volume='${root.outs!.name}'`));
    expect(live).toContain(`<source file='${base.outs!.path}'`);

    // Memory: redefined in place, same UUID; a running guest keeps its size until a cold boot.
    const bigger = program(256);
    expect(await domainProvider.diff!(created.id, outs, bigger)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const updated = (await domainProvider.update!(created.id, outs, bigger)).outs!;
    expect(updated).toMatchObject({ uuid: created.id, memoryMiB: 256, state: "running" });
    expect(await virshText(["dumpxml", "--inactive", name])).toContain("<memory unit='KiB'>262144</memory>");

    // Out of band: someone shrinks the definition; read reports it, diff wants it back.
    await virshText(["setmaxmem", name, "196608", "--config"]);
    const drifted = (await domainProvider.read!(created.id, updated)).props as DomainOutputs;
    expect(drifted.memoryMiB).toBe(192);
    expect((await domainProvider.diff!(created.id, drifted, bigger)).changes).toBe(true);
    const corrected = (await domainProvider.update!(created.id, drifted, bigger)).outs!;
    expect(await virshText(["dumpxml", "--inactive", name])).toContain("<memory unit='KiB'>262144</memory>");

    // Delete each piece in reverse order: nothing of ours remains, not even the pool's directory.
    await domainProvider.delete!(created.id, corrected);
    await seedProvider.delete!(seed.id, seed.outs!);
    for (const volume of [root, base]) await volumeProvider.delete!(volume.id, volume.outs!);
    expect(await names("vol", pool.name)).toEqual([]);
    await networkProvider.delete!(network.uuid, network);
    await poolProvider.delete!(pool.uuid, pool);
    expect(await names("domain")).not.toContain(name);
    expect(await names("network")).not.toContain(netName);
    expect(await names("pool")).not.toContain(pool.name);
    expect(existsSync(pool.path)).toBe(false);
  });

  it("grows a volume in place and reports one deleted out of band as gone", async () => {
    const { pool } = await shared();
    const created = await volumeProvider.create(
      resolveVolume("data", { pool: pool.name, name: janitor.volume(pool.name, uniqueName("data")), sizeGiB: 1 }),
    );
    const outs = created.outs!;
    const grown = await volumeProvider.update!(created.id, outs, { ...outs, sizeGiB: 2 });
    expect(grown.outs).toMatchObject({ capacityBytes: 2 * 1024 ** 3 });
    expect(await virshText(["vol-info", "--bytes", created.id])).toMatch(/Capacity:\s+2147483648 bytes/);
    await virshText(["vol-delete", created.id]);
    expect((await volumeProvider.read!(created.id, grown.outs)).id).toBe("");
  });

  it("refuses names that already exist and changes nothing about them", async () => {
    const { pool, network } = await shared();
    const name = uniqueName("taken");
    // Foreign objects of every kind, made with virsh, not by the providers.
    const foreignDir = janitor.file(join(work, "foreign-pool"));
    mkdirSync(foreignDir);
    const poolFile = join(work, "foreign-pool.xml");
    writeFileSync(poolFile, poolXml({ name: janitor.pool(name), path: foreignDir }));
    await virshText(["pool-define", poolFile]);
    const netFile = join(work, "foreign-net.xml");
    const otherCidr = await freeCidr();
    writeFileSync(netFile, networkXml({ name: janitor.network(name), mode: "isolated", cidr: otherCidr, dhcp: false }));
    await virshText(["net-define", netFile]);
    const domFile = join(work, "foreign-dom.xml");
    writeFileSync(domFile, resolveDomain(janitor.domain(name), { memoryMiB: 64 }).xml);
    await virshText(["define", domFile]);
    await virshText(["vol-create-as", pool.name, janitor.volume(pool.name, name), "1M"]);
    const before = await Promise.all([
      virshText(["pool-dumpxml", name]),
      virshText(["net-dumpxml", name]),
      virshText(["dumpxml", name]),
      virshText(["vol-dumpxml", "--pool", pool.name, name]),
    ]);

    const clash = /already exists on qemu:\/\/\/system; dockyard neither adopts nor overwrites existing objects/;
    await expect(poolProvider.create(poolInputs(name, "/var/lib/libvirt/images/elsewhere"))).rejects.toThrow(clash);
    await expect(networkProvider.create(networkInputs(name, network.cidr))).rejects.toThrow(clash);
    await expect(domainProvider.create(resolveDomain(name, { memoryMiB: 512 }))).rejects.toThrow(
      /a domain named "dytest-taken-[0-9a-f]+" already exists/,
    );
    await expect(volumeProvider.create(resolveVolume("v", { pool: pool.name, name, sizeGiB: 1 }))).rejects.toThrow(
      `a volume in pool "${pool.name}" named "${name}" already exists`,
    );
    await expect(
      seedProvider.create({ uri, pool: pool.name, name, userData: "#cloud-config\n", metaData: "instance-id: x\n" }),
    ).rejects.toThrow(clash);

    const after = await Promise.all([
      virshText(["pool-dumpxml", name]),
      virshText(["net-dumpxml", name]),
      virshText(["dumpxml", name]),
      virshText(["vol-dumpxml", "--pool", pool.name, name]),
    ]);
    expect(after).toEqual(before);
    expect(existsSync("/var/lib/libvirt/images/elsewhere")).toBe(false);
  });

  it("leaves no orphan when a create fails part-way", async () => {
    const { pool, network } = await shared();
    // Defined fine, but cannot start: its network does not exist.
    const vm = janitor.domain(uniqueName("orphan"));
    await expect(
      domainProvider.create(resolveDomain(vm, { memoryMiB: 64, interfaces: [{ network: uniqueName("nonet") }] })),
    ).rejects.toThrow(
      /could not create domain "dytest-orphan-[0-9a-f]+" on qemu:\/\/\/system \(nothing was left behind\): .*[Nn]etwork/,
    );
    expect(await names("domain")).not.toContain(vm);

    // Defined fine, but cannot start: its subnet is already in use by the shared network.
    const net = janitor.network(uniqueName("clash"));
    await expect(networkProvider.create(networkInputs(net, network.cidr))).rejects.toThrow(
      /could not create network .* \(nothing was left behind\)/,
    );
    expect(await names("network")).not.toContain(net);

    // The base volume of an overlay does not exist: nothing is created.
    const vol = janitor.volume(pool.name, uniqueName("overlay"));
    await expect(
      volumeProvider.create(resolveVolume("v", { pool: pool.name, name: vol, baseVolume: "no-such-base" })),
    ).rejects.toThrow(/no-such-base/);
    // An upload that cannot be read fails before anything is created.
    await expect(
      volumeProvider.create(
        resolveVolume("v", { pool: pool.name, name: vol, sourcePath: join(work, "missing.qcow2") }),
      ),
    ).rejects.toThrow(/cannot read base image/);
    expect(await names("vol", pool.name)).not.toContain(vol);
  });

  it("removes a pool's directory only if it made it and it is empty", async () => {
    const dir = janitor.file(join(work, "kept"));
    mkdirSync(dir);
    writeFileSync(join(dir, "not-ours.txt"), "keep me");
    const created = await poolProvider.create(poolInputs(janitor.pool(uniqueName("kept")), dir));
    expect(created.outs!.builtDirectory).toBe(false);
    await poolProvider.delete!(created.id, created.outs!);
    expect(existsSync(join(dir, "not-ours.txt"))).toBe(true);
    expect(await names("pool")).not.toContain(created.outs!.name);
  });

  it.each(["qemu+ssh://nobody@127.0.0.1:1/system", "qemu:///system?socket=/nonexistent/libvirt-sock"])(
    "fails clearly, naming the URI, when libvirt at %s cannot be reached",
    async (target) => {
      const failure = `cannot reach libvirt at ${target}`;
      await expect(networkProvider.create(networkInputs(uniqueName("net"), "10.213.0.0/24", target))).rejects.toThrow(
        failure,
      );
      await expect(poolProvider.create({ ...poolInputs(uniqueName("pool")), uri: target })).rejects.toThrow(failure);
      await expect(domainProvider.create({ ...resolveDomain(uniqueName("vm"), {}), uri: target })).rejects.toThrow(
        failure,
      );
      await expect(volumeProvider.read!("/var/lib/x", { uri: target } as VolumeOutputs)).rejects.toThrow(failure);
    },
  );
});
