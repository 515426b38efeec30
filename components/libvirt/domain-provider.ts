// Dynamic provider for a QEMU domain. Runs in the provider host: see virsh.ts.
import { DOMAIN, defineNew, observeDefined, ownedInputs, redefine, undefine } from "./defined";
import type { DomainSpec } from "./domain-xml";
import { compact } from "./lifecycle";
import { domainFacts, parseInterfaceAddresses } from "./parse";
import { libvirtProvider, type ObjectRef, type ObservedOutputs } from "./provider";
import { virsh } from "./virsh";

/** Inputs the domain provider receives (defaults resolved, XML rendered by {@link Domain}). */
export interface DomainInputs extends DomainSpec {
  readonly uri: string;
  readonly autostart: boolean;
  /** How long create waits for a DHCP lease before returning without an address. */
  readonly waitForAddressSeconds: number;
  readonly xml: string;
}

/** State the domain provider records. */
export interface DomainOutputs extends DomainInputs, ObservedOutputs {
  readonly uuid: string;
  /** libvirt's state word: running, shut off, paused… */
  readonly state: string;
  readonly macAddresses: string[];
  /** IPv4 address of the first interface from its DHCP lease, once known. */
  readonly ipAddress?: string;
}

/** The domain's inputs: what {@link Domain} passes, what diff compares and what read reports. */
export const DOMAIN_INPUTS = [
  "uri",
  "name",
  "domainType",
  "vcpus",
  "memoryMiB",
  "disks",
  "seed",
  "interfaces",
  "serialLogPath",
  "kernel",
  "cpuMode",
  "autostart",
  "waitForAddressSeconds",
  "xml",
] as const satisfies readonly (keyof DomainInputs)[];

/** Outputs the provider adds to the inputs. */
export const DOMAIN_OUTPUTS = [
  "uuid",
  "state",
  "macAddresses",
  "ipAddress",
  "drift",
] as const satisfies readonly (keyof DomainOutputs)[];

/** CRUD for {@link Domain}; the id is the domain's UUID. */
export const domainProvider = libvirtProvider<DomainInputs, DomainOutputs>({
  noun: "domain",
  inputs: DOMAIN_INPUTS,
  required: ["uri", "name", "xml"],
  // Sizes and the definition itself are redefined in place (effective at the next cold boot).
  inPlace: ["vcpus", "memoryMiB", "autostart", "waitForAddressSeconds", "xml"],
  comparable: (inputs, program) => {
    // A MAC address the program leaves to libvirt is whatever libvirt assigned.
    const declaredMacs = listOf(program.interfaces, (nic) => nic.macAddress);
    return {
      ...inputs,
      disks: listOf(inputs.disks, (disk) => ({ ...disk, format: disk.format ?? "qcow2", bus: disk.bus ?? "virtio" })),
      interfaces: listOf(inputs.interfaces, (nic, i) =>
        compact({
          ...nic,
          model: nic.model ?? "virtio",
          macAddress: declaredMacs[i] === undefined ? undefined : nic.macAddress,
        }),
      ),
    };
  },
  async create(inputs) {
    const { uri, name } = inputs;
    const { uuid } = await defineNew(DOMAIN, uri, name, inputs.xml, {
      autostart: inputs.autostart,
      bringUp: (id) => virsh(uri, ["start", id]),
    });
    // Started just now, with the definition just written: only libvirt-assigned MACs need asking.
    const declared = inputs.interfaces.map((nic) => nic.macAddress?.toLowerCase());
    const macAddresses = declared.every((mac) => mac !== undefined)
      ? declared
      : domainFacts(await virsh(uri, ["dumpxml", "--inactive", uuid])).interfaces.map((nic) => nic.macAddress ?? "");
    const ipAddress = await waitForAddress(uri, uuid, macAddresses[0], inputs.waitForAddressSeconds);
    return { id: uuid, outs: compact({ ...inputs, uuid, state: "running", macAddresses, ipAddress }) };
  },
  observe: observeDomain,
  async update(id, olds, news) {
    // define with the same UUID rewrites the persistent definition; a running guest keeps its
    // current sizes until it is shut down and started again. The change may be drift that read
    // found (e.g. memory set with virsh), with the rendered XML unchanged: redefine sees to it.
    await redefine(DOMAIN, id, olds, news);
    const observed = await observeDomain({ uri: news.uri, lookup: id }, news as DomainOutputs);
    if (!observed) throw new Error(`domain ${id} on ${news.uri} vanished while it was being updated`);
    return observed.outs;
  },
  async remove(id, props) {
    await undefine(DOMAIN, props.uri, id);
  },
});

function observeDomain(
  ref: ObjectRef,
  recorded: DomainOutputs | undefined,
): Promise<{ id: string; outs: DomainOutputs } | undefined> {
  return observeDefined<DomainInputs, DomainOutputs>(DOMAIN, ref, recorded, {
    // Every input but the URI and the XML itself, and the wait.
    owned: ownedInputs(DOMAIN_INPUTS, "waitForAddressSeconds"),
    facts: (xml, declared) => {
      const facts = domainFacts(xml);
      return {
        ...facts,
        domainType: facts.domainType as DomainInputs["domainType"],
        cpuMode: facts.cpuMode as DomainInputs["cpuMode"],
        disks: facts.disks as DomainInputs["disks"],
        // A MAC address libvirt assigned (none was declared) is libvirt's, not dockyard's.
        interfaces: facts.interfaces.map((nic, i) =>
          compact({
            ...nic,
            macAddress: declared && declared.interfaces?.[i]?.macAddress === undefined ? undefined : nic.macAddress,
            model: nic.model as DomainInputs["interfaces"][number]["model"],
          }),
        ),
      };
    },
    outputs: async ({ uuid, xml, info }) => {
      const macAddresses = domainFacts(xml).interfaces.map((nic) => nic.macAddress ?? "");
      const ipAddress = await leasedAddress(ref.uri, uuid, macAddresses[0]);
      return { uuid, state: info.State ?? "unknown", macAddresses, ipAddress };
    },
    imported: { waitForAddressSeconds: 0 },
  });
}

/** Maps a list whose elements are objects; anything else (a preview's unknown value) passes as it is. */
function listOf<T extends object, R>(value: readonly T[], map: (item: T, index: number) => R): R[] {
  if (!Array.isArray(value)) return value as unknown as R[];
  return value.map((item: T, index) => (item !== null && typeof item === "object" ? map(item, index) : (item as R)));
}

/** The first interface's DHCP address, waiting up to `waitSeconds` while the guest runs. */
async function waitForAddress(
  uri: string,
  uuid: string,
  mac: string | undefined,
  waitSeconds: number,
): Promise<string | undefined> {
  const deadline = Date.now() + waitSeconds * 1000;
  let ipAddress = await leasedAddress(uri, uuid, mac);
  // Waiting only makes sense while the guest runs (it may power itself off).
  while (
    ipAddress === undefined &&
    Date.now() < deadline &&
    (await virsh(uri, ["domstate", uuid])).trim() === "running"
  ) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    ipAddress = await leasedAddress(uri, uuid, mac);
  }
  return ipAddress;
}

async function leasedAddress(uri: string, uuid: string, mac: string | undefined): Promise<string | undefined> {
  if (mac === undefined || mac === "") return undefined;
  try {
    const leases = parseInterfaceAddresses(await virsh(uri, ["domifaddr", uuid, "--source", "lease"]));
    return leases.find((lease) => lease.macAddress === mac)?.address;
  } catch {
    return undefined; // not running, or no lease yet
  }
}
