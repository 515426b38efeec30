// Dynamic provider for a libvirt virtual network. Runs in the provider host: see virsh.ts.
import { NETWORK, defineNew, observeDefined, ownedInputs, redefine, undefine } from "./defined";
import { defaultDhcpRange, parseCidr } from "./ipv4";
import { canonical, compact } from "./lifecycle";
import type { NetworkSpec } from "./network-xml";
import { networkFacts, parseFlag, parseInfo } from "./parse";
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

/** CRUD for {@link Network}; the id is the network's UUID. */
export const networkProvider = libvirtProvider<NetworkInputs, NetworkOutputs>({
  noun: "network",
  inputs: NETWORK_INPUTS,
  required: ["uri", "name", "cidr", "xml"],
  // A changed definition alone is redefined (effective at the network's next start).
  inPlace: ["autostart", "xml"],
  // A program that leaves the DHCP range or the bridge to their defaults accepts libvirt's report of them.
  comparable: (inputs, program) => ({
    ...inputs,
    dhcpRange: program.dhcpRange === undefined && isDefaultRange(inputs) ? undefined : inputs.dhcpRange,
    bridge: program.bridge === undefined ? undefined : inputs.bridge,
  }),
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
    await redefine(NETWORK, id, olds, news);
    return compact({ ...news, uuid: id, bridgeName: olds.bridgeName, active: olds.active });
  },
  async remove(id, props) {
    await undefine(NETWORK, props.uri, id);
  },
});

function observeNetwork(
  ref: ObjectRef,
  recorded: NetworkOutputs | undefined,
): Promise<{ id: string; outs: NetworkOutputs } | undefined> {
  return observeDefined<NetworkInputs, NetworkOutputs>(NETWORK, ref, recorded, {
    // Every input but the URI and the XML itself.
    owned: ownedInputs(NETWORK_INPUTS),
    facts: (xml, declared) => {
      const facts = networkFacts(xml);
      return {
        ...facts,
        mode: facts.mode as NetworkInputs["mode"],
        // A bridge name libvirt picked (none was declared) is libvirt's, not dockyard's.
        bridge: declared && declared.bridge === undefined ? undefined : facts.bridge,
      };
    },
    outputs: ({ uuid, info }) => ({ uuid, bridgeName: info.Bridge ?? "", active: parseFlag(info.Active) }),
  });
}

/** True if the inputs name the range a network serves by default (see network-xml.ts). */
function isDefaultRange(inputs: NetworkInputs): boolean {
  const subnet = typeof inputs.cidr === "string" ? parseCidr(inputs.cidr) : undefined;
  return subnet !== undefined && canonical(inputs.dhcpRange) === canonical(defaultDhcpRange(subnet));
}
