// (d) What read sees on qemu:///system: owned fields changed with virsh behind dockyard's back
// (drift, corrected by update in place), objects deleted out of band (gone), objects dockyard
// did not create (import by "<uri>|<name>"), and deletes that remove their object and nothing else.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDomain } from "../../../components/libvirt/domain";
import { domainProvider, type DomainOutputs } from "../../../components/libvirt/domain-provider";
import { resolveNetwork } from "../../../components/libvirt/network";
import { networkProvider, type NetworkOutputs } from "../../../components/libvirt/network-provider";
import { domainFacts, networkFacts } from "../../../components/libvirt/parse";
import { resolveStoragePool } from "../../../components/libvirt/pool";
import { poolProvider, type PoolOutputs } from "../../../components/libvirt/pool-provider";
import { seedProvider } from "../../../components/libvirt/seed-provider";
import { resolveVolume } from "../../../components/libvirt/volume";
import { volumeProvider, type VolumeOutputs } from "../../../components/libvirt/volume-provider";
import { needs } from "../support/needs";
import { freeCidr, Janitor, names, once, SYSTEM_URI as uri, uniqueName, virshText } from "./host";

needs("libvirtd", "seed-tool");

const janitor = new Janitor();
const work = mkdtempSync(join(tmpdir(), "dockyard-drift-"));
const inPlace = { changes: true, replaces: [], deleteBeforeReplace: false };
const none = { changes: false, replaces: [], deleteBeforeReplace: false };

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await janitor.sweep();
});

/** Defines `xml` with virsh, as someone editing a dump would (`virsh net-define`, `virsh define`…). */
async function defineWithVirsh(command: string, xml: string): Promise<void> {
  const file = join(work, `${uniqueName("edit")}.xml`);
  writeFileSync(file, xml);
  await virshText([command, file]);
}

/** One pool shared by the volume tests. */
const sharedPool = once(async (): Promise<PoolOutputs> => {
  const name = janitor.pool(uniqueName("pool"));
  janitor.file(`/var/lib/libvirt/images/${name}`);
  return (await poolProvider.create(resolveStoragePool(name, { autostart: false }))).outs!;
});

describe("read on qemu:///system", () => {
  it("network: an edited definition reads as drift, diff corrects it in place, update puts it back", async () => {
    const name = janitor.network(uniqueName("net"));
    const program = resolveNetwork(name, { mode: "isolated", cidr: await freeCidr(), autostart: false });
    const created = await networkProvider.create(program);
    const outs = created.outs!;
    expect((await networkProvider.read!(created.id, outs)).props).toMatchObject({
      name,
      mode: "isolated",
      cidr: program.cidr,
      dhcp: true,
      autostart: false,
      xml: program.xml,
      uuid: created.id,
    });

    // Out of band: NAT instead of isolated, a smaller DHCP range, autostart on.
    const dump = await virshText(["net-dumpxml", "--inactive", name]);
    const edited = dump
      .replace("<bridge ", "<forward mode='nat'/>\n  <bridge ")
      .replace(/end='(\d+\.\d+\.\d+)\.\d+'/, "end='$1.100'");
    expect(networkFacts(edited)).toMatchObject({
      mode: "nat",
      dhcpRange: { end: expect.stringMatching(/\.100$/) as unknown },
    });
    await defineWithVirsh("net-define", edited);
    await virshText(["net-autostart", name]);

    const read = await networkProvider.read!(created.id, outs);
    const drifted = read.props as NetworkOutputs;
    expect(drifted).toMatchObject({
      mode: "nat",
      autostart: true,
      dhcpRange: { start: expect.any(String) as unknown, end: expect.stringMatching(/\.100$/) as unknown },
    });
    expect(drifted.drift).toEqual({ mode: "isolated", dhcpRange: null, autostart: false });
    expect(read.inputs).toMatchObject({ mode: "nat", autostart: true, xml: program.xml });
    // mode and dhcpRange replace a network when the program changes them; as drift they are corrected in place.
    expect(await networkProvider.diff!(created.id, drifted, program)).toEqual(inPlace);
    expect(await networkProvider.diff!(created.id, drifted, { ...program, cidr: "10.1.2.0/24" })).toMatchObject({
      replaces: expect.arrayContaining(["cidr"]) as unknown,
      deleteBeforeReplace: true,
    });

    const updated = (await networkProvider.update!(created.id, drifted, program)).outs!;
    // The bridge name is libvirt's to pick (none was declared): it may pick another on redefinition.
    const { bridge: _before, ...restored } = networkFacts(dump);
    expect(networkFacts(await virshText(["net-dumpxml", "--inactive", name]))).toMatchObject(restored);
    expect((await virshText(["net-info", name])).match(/Autostart:\s+(\w+)/)?.[1]).toBe("no");
    const again = (await networkProvider.read!(created.id, updated)).props as NetworkOutputs;
    expect(again.drift).toBeUndefined();
    expect(await networkProvider.diff!(created.id, again, program)).toEqual(none);
    expect((await virshText(["net-uuid", name])).trim()).toBe(created.id);
  });

  it("domain: setmaxmem and an edited definition read as drift, update puts them back (same UUID)", async () => {
    const name = janitor.domain(uniqueName("vm"));
    const program = resolveDomain(name, { memoryMiB: 128, autostart: false });
    const created = await domainProvider.create(program);
    const outs = created.outs!;
    const dump = await virshText(["dumpxml", "--inactive", name]);

    await virshText(["setmaxmem", name, "98304", "--config"]);
    const edited = (await virshText(["dumpxml", "--inactive", name]))
      .replace(/<vcpu placement='static'>1<\/vcpu>/, "<vcpu placement='static'>2</vcpu>")
      .replace(/-serial\.log'/g, "-other.log'");
    await defineWithVirsh("define", edited);

    const read = await domainProvider.read!(created.id, outs);
    const drifted = read.props as DomainOutputs;
    expect(drifted).toMatchObject({
      memoryMiB: 96,
      vcpus: 2,
      serialLogPath: `/var/log/libvirt/qemu/${name}-other.log`,
      state: "running",
    });
    expect(drifted.drift).toEqual({ memoryMiB: 128, vcpus: 1, serialLogPath: program.serialLogPath });
    expect(read.inputs).toMatchObject({ memoryMiB: 96, vcpus: 2 });
    expect(await domainProvider.diff!(created.id, drifted, program)).toEqual(inPlace);

    const updated = (await domainProvider.update!(created.id, drifted, program)).outs!;
    expect(updated).toMatchObject({ uuid: created.id, memoryMiB: 128, vcpus: 1, serialLogPath: program.serialLogPath });
    expect(updated.drift).toBeUndefined();
    expect(domainFacts(await virshText(["dumpxml", "--inactive", name]))).toEqual(domainFacts(dump));
    const again = (await domainProvider.read!(created.id, updated)).props!;
    expect(await domainProvider.diff!(created.id, again, program)).toEqual(none);
  });

  it("every resource deleted out of band reads as gone; delete removes its object and nothing else", async () => {
    const pool = await sharedPool();
    const network = async () =>
      networkProvider.create(
        resolveNetwork(janitor.network(uniqueName("net")), {
          mode: "isolated",
          cidr: await freeCidr(),
          dhcp: false,
          autostart: false,
        }),
      );
    const domain = () =>
      domainProvider.create(resolveDomain(janitor.domain(uniqueName("vm")), { memoryMiB: 64, autostart: false }));
    const [netA, netB, domA, domB] = [await network(), await network(), await domain(), await domain()];
    const volume = (n: string) =>
      volumeProvider.create(
        resolveVolume(n, { pool: pool.name, name: janitor.volume(pool.name, uniqueName(n)), sizeGiB: 1 }),
      );
    const [volA, volB] = [await volume("a"), await volume("b")];
    const seed = await seedProvider.create({
      uri,
      pool: pool.name,
      name: janitor.volume(pool.name, uniqueName("seed")),
      userData: "#cloud-config\n",
      metaData: "instance-id: x\n",
    });
    const dir = janitor.file(join(work, "pool-dir"));
    mkdirSync(dir);
    const otherPool = await poolProvider.create(
      resolveStoragePool(janitor.pool(uniqueName("pool")), { path: dir, autostart: false }),
    );

    // delete: its own object only.
    await networkProvider.delete!(netA.id, netA.outs!);
    await domainProvider.delete!(domA.id, domA.outs!);
    await volumeProvider.delete!(volA.id, volA.outs!);
    expect(await names("network")).toEqual(expect.arrayContaining([netB.outs!.name]));
    expect(await names("network")).not.toContain(netA.outs!.name);
    expect(await names("domain")).toEqual(expect.arrayContaining([domB.outs!.name]));
    expect(await names("domain")).not.toContain(domA.outs!.name);
    expect(await names("vol", pool.name)).toEqual(expect.arrayContaining([volB.outs!.name, seed.outs!.name]));
    expect(await names("vol", pool.name)).not.toContain(volA.outs!.name);

    // Out of band, with virsh: each reads as gone, and deleting it again is fine.
    await virshText(["net-destroy", netB.outs!.name]);
    await virshText(["net-undefine", netB.outs!.name]);
    await virshText(["destroy", domB.outs!.name]);
    await virshText(["undefine", domB.outs!.name]);
    await virshText(["vol-delete", volB.id]);
    await virshText(["vol-delete", seed.id]);
    await virshText(["pool-destroy", otherPool.outs!.name]);
    await virshText(["pool-undefine", otherPool.outs!.name]);
    for (const [provider, { id, outs }] of [
      [networkProvider, netB],
      [domainProvider, domB],
      [volumeProvider, volB],
      [seedProvider, seed],
      [poolProvider, otherPool],
    ] as const) {
      expect(await provider.read!(id, outs as never), id).toEqual({ id: "" });
      await expect(provider.delete!(id, outs as never)).resolves.toBeUndefined();
    }
  });
});

describe("import of objects dockyard did not create, by <uri>|<name>", () => {
  it("reads a domain, a network, a pool and a volume as inputs; a matching program differs only in the rendered XML", async () => {
    const pool = await sharedPool();
    // Made with virsh from the same definitions a program would declare.
    const network = resolveNetwork(janitor.network(uniqueName("net")), {
      mode: "isolated",
      cidr: await freeCidr(),
      autostart: false,
    });
    await defineWithVirsh("net-define", network.xml);
    const domain = resolveDomain(janitor.domain(uniqueName("vm")), {
      memoryMiB: 96,
      vcpus: 2,
      interfaces: [{ network: network.name, macAddress: "52:54:00:01:02:03" }],
      autostart: false,
    });
    await defineWithVirsh("define", domain.xml);
    const poolDir = janitor.file(join(work, "import-pool"));
    mkdirSync(poolDir);
    const storagePool = resolveStoragePool(janitor.pool(uniqueName("pool")), { path: poolDir, autostart: false });
    await defineWithVirsh("pool-define", storagePool.xml);
    const volumeName = janitor.volume(pool.name, uniqueName("vol"));
    await virshText(["vol-create-as", pool.name, volumeName, "1G", "--format", "qcow2"]);

    const imported = await domainProvider.read!(`${uri}|${domain.name}`, undefined);
    expect(imported.id).toBe((await virshText(["domuuid", domain.name])).trim());
    expect(imported.inputs).toMatchObject({
      uri,
      name: domain.name,
      domainType: "qemu",
      vcpus: 2,
      memoryMiB: 96,
      interfaces: [{ network: network.name, macAddress: "52:54:00:01:02:03", model: "virtio" }],
      serialLogPath: domain.serialLogPath,
      autostart: false,
      waitForAddressSeconds: 0,
    });
    expect(await domainProvider.diff!(imported.id!, imported.props!, domain)).toEqual(inPlace);
    expect((await domainProvider.diff!(imported.id!, imported.props!, { ...domain, vcpus: 1 })).replaces).toEqual([]);

    const net = await networkProvider.read!(`${uri}|${network.name}`, undefined);
    expect(net.inputs).toMatchObject({ uri, name: network.name, mode: "isolated", cidr: network.cidr, dhcp: true });
    expect(await networkProvider.diff!(net.id!, net.props!, network)).toEqual(inPlace);

    const imp = await poolProvider.read!(`${uri}|${storagePool.name}`, undefined);
    expect(imp.props).toMatchObject({ name: storagePool.name, path: poolDir, builtDirectory: false });
    expect(await poolProvider.diff!(imp.id!, imp.props!, storagePool)).toEqual(inPlace);

    const vol = await volumeProvider.read!(`${uri}|${pool.name}/${volumeName}`, undefined);
    expect(vol.id).toBe(`${pool.path}/${volumeName}`);
    expect(vol.inputs).toEqual({ uri, pool: pool.name, name: volumeName, sizeGiB: 1, format: "qcow2" });
    const byKey = await volumeProvider.read!(`${uri}|${vol.id}`, undefined);
    expect(byKey.inputs).toEqual(vol.inputs);
    expect(
      await volumeProvider.diff!(
        vol.id!,
        vol.props as VolumeOutputs,
        resolveVolume("v", { pool: pool.name, name: volumeName, sizeGiB: 1 }),
      ),
    ).toEqual(none);

    // Imported objects are managed like created ones: delete removes them.
    await domainProvider.delete!(imported.id!, imported.props as DomainOutputs);
    await networkProvider.delete!(net.id!, net.props as NetworkOutputs);
    expect(await names("domain")).not.toContain(domain.name);
    expect(await names("network")).not.toContain(network.name);

    // Missing objects, an id without a URI, and seeds (libvirt keeps no documents) are refused clearly.
    expect(await domainProvider.read!(`${uri}|${uniqueName("nothing")}`, undefined as never)).toEqual({ id: "" });
    await expect(domainProvider.read!(domain.name, undefined as never)).rejects.toThrow(
      /cannot read it without its libvirt URI; to import an existing domain, use the id "<uri>\|<name>"/,
    );
    await expect(seedProvider.read!(`${uri}|${pool.name}/${volumeName}`, undefined as never)).rejects.toThrow(
      /cannot be imported: libvirt does not keep the documents/,
    );
  });
});
