// Dynamic provider for a libvirt virtual network. Runs in the provider host: see virsh.ts.
import { NETWORK, defineNew, lookUp, redefine, setAutostart, undefine } from "./defined";
import { compact, reconcile } from "./lifecycle";
import type { NetworkSpec } from "./network-xml";
import { networkFacts, parseFlag, parseInfo, type NetworkFacts } from "./parse";
import { libvirtProvider, type ObjectRef, type ObservedOutputs } from "./provider";
import { virsh } from "./virsh";

/** Inputs the network provider receives (defaults resolved, XML rendered by {@link Network}). */
export interface NetworkInputs {
  readonly uri: string;
  readonly name: string;
  readonly mode: NetworkSpec["mode"];
  readonly cidr: string;
  readonly dhcp: boolean;
  readonly dhcpRange?: { readonly start: string; readonly end: string };
  readonly bridge?: string;
  readonly autostart: boolean;
  readonly xml: string;
}

/** State the network provider records. */
export interface NetworkOutputs extends NetworkInputs, ObservedOutputs {
  readonly uuid: string;
  /** Host bridge the network runs on (libvirt's pick when `bridge` was not given). */
  readonly bridgeName: string;
  readonly active: boolean;
}

/** The network's inputs: what {@link Network} passes, what diff compares and what read reports. */
export const NETWORK_INPUTS = [
  "uri",
  "name",
  "mode",
  "cidr",
  "dhcp",
  "dhcpRange",
  "bridge",
  "autostart",
  "xml",
] as const satisfies readonly (keyof NetworkInputs)[];

/** Outputs the provider adds to the inputs. */
export const NETWORK_OUTPUTS = [
  "uuid",
  "bridgeName",
  "active",
  "drift",
] as const satisfies readonly (keyof NetworkOutputs)[];

/** Fields of the definition that dockyard owns: read compares them with the live definition. */
const OWNED = ["name", "mode", "cidr", "dhcp", "dhcpRange", "bridge", "autostart"] as const;

/** CRUD for {@link Network}; the id is the network's UUID. */
export const networkProvider = libvirtProvider<NetworkInputs, NetworkOutputs>({
  noun: "network",
  inputs: NETWORK_INPUTS,
  required: ["uri", "name", "cidr", "xml"],
  // A changed definition alone is redefined (effective at the network's next start).
  inPlace: ["autostart", "xml"],
  async create(inputs) {
    const { uri, name } = inputs;
    const { uuid, result: info } = await defineNew(NETWORK, uri, name, inputs.xml, {
      autostart: inputs.autostart,
      bringUp: async (id) => {
        await virsh(uri, ["net-start", id]);
        return parseInfo(await virsh(uri, ["net-info", id]));
      },
    });
    return { id: uuid, outs: compact({ ...inputs, uuid, bridgeName: info.Bridge ?? "", active: true }) };
  },
  observe: observeNetwork,
  async update(id, olds, news) {
    // Always redefine: the change may be drift that read found, with the rendered XML unchanged.
    await redefine(NETWORK, news.uri, id, news.xml);
    if (news.autostart !== olds.autostart) await setAutostart(NETWORK, news.uri, id, news.autostart);
    return compact({ ...news, uuid: id, bridgeName: olds.bridgeName, active: olds.active });
  },
  async remove(id, props) {
    await undefine(NETWORK, props.uri, id);
  },
});

async function observeNetwork(
  ref: ObjectRef,
  recorded: NetworkOutputs | undefined,
): Promise<{ id: string; outs: NetworkOutputs } | undefined> {
  const found = await lookUp(NETWORK, ref.uri, ref.lookup);
  if (!found) return undefined;
  const live = networkFacts(found.xml);
  const declared = recorded?.xml ? networkFacts(recorded.xml) : undefined;
  const owned = reconcile<NetworkInputs>(
    OWNED,
    recorded,
    declared && asInputs(declared, recorded?.autostart),
    // A bridge name libvirt picked (none was declared) is libvirt's, not dockyard's.
    asInputs(
      { ...live, bridge: declared && declared.bridge === undefined ? undefined : live.bridge },
      parseFlag(found.info.Autostart),
    ),
  );
  const uuid = live.uuid ?? ref.lookup;
  const outs = compact({
    // On import nothing is recorded: the live definition stands in for the rendered one.
    ...(recorded ?? { uri: ref.uri, xml: found.xml }),
    ...owned.values,
    uuid,
    bridgeName: found.info.Bridge ?? "",
    active: parseFlag(found.info.Active),
    drift: owned.drift,
  }) as NetworkOutputs;
  return { id: uuid, outs };
}

function asInputs(facts: NetworkFacts, autostart: boolean | undefined): Partial<NetworkInputs> {
  return { ...facts, mode: facts.mode as NetworkInputs["mode"], autostart };
}
