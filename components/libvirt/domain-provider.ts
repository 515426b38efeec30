// Dynamic provider for a QEMU domain. Runs in the provider host: see virsh.ts.
import type * as pulumi from "@pulumi/pulumi";
import type { DomainSpec } from "./domain-xml";
import { checkRequired, compact, diffInputs, messageOf, withRollback } from "./lifecycle";
import { parseDomainSizes, parseFlag, parseInfo, parseInterfaceAddresses, parseMacAddresses } from "./parse";
import { assertAbsent, isNotFound, virsh, virshWithXml } from "./virsh";
import { withUuid } from "./xml";

/** Inputs the domain provider receives (defaults resolved, XML rendered by {@link Domain}). */
export interface DomainInputs extends DomainSpec {
  readonly uri: string;
  readonly autostart: boolean;
  /** How long create waits for a DHCP lease before returning without an address. */
  readonly waitForAddressSeconds: number;
  readonly xml: string;
}

/** State the domain provider records. */
export interface DomainOutputs extends DomainInputs {
  readonly uuid: string;
  /** libvirt's state word: running, shut off, paused… */
  readonly state: string;
  readonly macAddresses: string[];
  /** IPv4 address of the first interface from its DHCP lease, once known. */
  readonly ipAddress?: string;
}

const KEYS = [
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
] as const;
/** Sizes and the definition itself are redefined in place (effective at the next cold boot). */
const IN_PLACE = ["vcpus", "memoryMiB", "autostart", "waitForAddressSeconds", "xml"] as const;

/** CRUD for {@link Domain}; the id is the domain's UUID. */
export const domainProvider: pulumi.dynamic.ResourceProvider<DomainInputs, DomainOutputs> = {
  check(_olds, news) {
    return Promise.resolve(checkRequired({ ...news }, ["uri", "name", "xml"]));
  },
  diff(_id, olds, news) {
    return Promise.resolve(diffInputs({ ...olds }, { ...news }, KEYS, IN_PLACE));
  },
  async create(inputs) {
    const { uri, name } = inputs;
    await assertAbsent(uri, "domain", name);
    await virshWithXml(uri, ["define"], inputs.xml);
    const uuid = (await virsh(uri, ["domuuid", name])).trim();
    await withRollback(
      `domain "${name}"`,
      uri,
      async () => {
        // A new definition starts with autostart off: only turning it on costs a call.
        if (inputs.autostart) await setAutostart(uri, uuid, true);
        await virsh(uri, ["start", uuid]);
      },
      () => removeDomain(uri, uuid),
    );
    return { id: uuid, outs: await observe(inputs, uuid, inputs.waitForAddressSeconds) };
  },
  async read(id, props) {
    if (!props) throw new Error(`domain ${id}: cannot read without its uri (import is not supported)`);
    try {
      const sizes = parseDomainSizes(await virsh(props.uri, ["dumpxml", "--inactive", id]));
      return { id, props: await observe({ ...props, ...sizes }, id, 0) };
    } catch (error) {
      if (isNotFound(error)) return { id: "" };
      throw error;
    }
  },
  async update(id, olds, news) {
    // define with the same UUID rewrites the persistent definition; a running guest keeps its
    // current sizes until it is shut down and started again. Always redefine: the change may be
    // drift that read found (e.g. memory set with virsh), with the rendered XML unchanged.
    await virshWithXml(news.uri, ["define"], withUuid(news.xml, id));
    if (news.autostart !== olds.autostart) await setAutostart(news.uri, id, news.autostart);
    return { outs: await observe(news, id, 0) };
  },
  async delete(id, props) {
    await removeDomain(props.uri, id);
  },
};

/** Reads state, MAC and IP addresses, waiting up to `waitSeconds` for a DHCP lease. */
async function observe(inputs: DomainInputs, uuid: string, waitSeconds: number): Promise<DomainOutputs> {
  const { uri } = inputs;
  const info = parseInfo(await virsh(uri, ["dominfo", uuid]));
  const macAddresses = parseMacAddresses(await virsh(uri, ["domiflist", uuid]));
  const deadline = Date.now() + waitSeconds * 1000;
  let ipAddress = await leasedAddress(uri, uuid, macAddresses[0]);
  // Waiting only makes sense while the guest runs (it may power itself off).
  while (
    ipAddress === undefined &&
    Date.now() < deadline &&
    (await virsh(uri, ["domstate", uuid])).trim() === "running"
  ) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    ipAddress = await leasedAddress(uri, uuid, macAddresses[0]);
  }
  return compact({
    ...inputs,
    autostart: parseFlag(info.Autostart),
    uuid,
    state: info.State ?? "unknown",
    macAddresses,
    ipAddress,
  });
}

async function leasedAddress(uri: string, uuid: string, mac: string | undefined): Promise<string | undefined> {
  if (mac === undefined) return undefined;
  try {
    const leases = parseInterfaceAddresses(await virsh(uri, ["domifaddr", uuid, "--source", "lease"]));
    return leases.find((lease) => lease.macAddress === mac)?.address;
  } catch {
    return undefined; // not running, or no lease yet
  }
}

async function setAutostart(uri: string, uuid: string, enabled: boolean): Promise<void> {
  await virsh(uri, ["autostart", uuid, ...(enabled ? [] : ["--disable"])]);
}

/** Powers the domain off if it runs and undefines it; its disks are other resources. */
async function removeDomain(uri: string, uuid: string): Promise<void> {
  let state: string;
  try {
    state = (await virsh(uri, ["domstate", uuid])).trim();
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  if (state !== "shut off") {
    try {
      await virsh(uri, ["destroy", uuid]);
    } catch (error) {
      if (!/not running/.test(messageOf(error))) throw error; // it stopped on its own meanwhile
    }
  }
  await virsh(uri, ["undefine", "--managed-save", "--snapshots-metadata", uuid]);
}
