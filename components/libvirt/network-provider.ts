// Dynamic provider for a libvirt virtual network. Runs in the provider host: see virsh.ts.
import type * as pulumi from "@pulumi/pulumi";
import { checkRequired, compact, diffInputs, withRollback } from "./lifecycle";
import { parseFlag, parseInfo } from "./parse";
import { assertAbsent, isNotFound, virsh, virshWithXml } from "./virsh";
import type { NetworkSpec } from "./network-xml";
import { withUuid } from "./xml";

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
export interface NetworkOutputs extends NetworkInputs {
  readonly uuid: string;
  /** Host bridge the network runs on (libvirt's pick when `bridge` was not given). */
  readonly bridgeName: string;
  readonly active: boolean;
}

const KEYS = ["uri", "name", "mode", "cidr", "dhcp", "dhcpRange", "bridge", "autostart", "xml"] as const;
/** A changed definition alone is redefined (effective at the network's next start). */
const IN_PLACE = ["autostart", "xml"] as const;

/** CRUD for {@link Network}; the id is the network's UUID. */
export const networkProvider: pulumi.dynamic.ResourceProvider<NetworkInputs, NetworkOutputs> = {
  check(_olds, news) {
    return Promise.resolve(checkRequired({ ...news }, ["uri", "name", "cidr", "xml"]));
  },
  diff(_id, olds, news) {
    return Promise.resolve(diffInputs({ ...olds }, { ...news }, KEYS, IN_PLACE));
  },
  async create(inputs) {
    const { uri, name } = inputs;
    await assertAbsent(uri, "network", name);
    await virshWithXml(uri, ["net-define"], inputs.xml);
    const uuid = (await virsh(uri, ["net-uuid", name])).trim();
    const info = await withRollback(
      `network "${name}"`,
      uri,
      async () => {
        await virsh(uri, ["net-start", uuid]);
        if (inputs.autostart) await setAutostart(uri, uuid, true); // off in a new definition
        return parseInfo(await virsh(uri, ["net-info", uuid]));
      },
      () => removeNetwork(uri, uuid),
    );
    return { id: uuid, outs: compact({ ...inputs, uuid, bridgeName: info.Bridge ?? "", active: true }) };
  },
  async read(id, props) {
    if (!props) throw new Error(`network ${id}: cannot read without its uri (import is not supported)`);
    let info: Record<string, string>;
    try {
      info = parseInfo(await virsh(props.uri, ["net-info", id]));
    } catch (error) {
      if (isNotFound(error)) return { id: "" };
      throw error;
    }
    const live = {
      autostart: parseFlag(info.Autostart),
      active: parseFlag(info.Active),
      bridgeName: info.Bridge ?? "",
    };
    return { id, props: { ...props, ...live } };
  },
  async update(id, olds, news) {
    if (news.xml !== olds.xml) await virshWithXml(news.uri, ["net-define"], withUuid(news.xml, id));
    if (news.autostart !== olds.autostart) await setAutostart(news.uri, id, news.autostart);
    return { outs: compact({ ...news, uuid: id, bridgeName: olds.bridgeName, active: olds.active }) };
  },
  async delete(id, props) {
    await removeNetwork(props.uri, id);
  },
};

async function setAutostart(uri: string, uuid: string, enabled: boolean): Promise<void> {
  await virsh(uri, ["net-autostart", uuid, ...(enabled ? [] : ["--disable"])]);
}

/** Stops the network if it runs and undefines it; a network already gone is fine. */
async function removeNetwork(uri: string, uuid: string): Promise<void> {
  let info: Record<string, string>;
  try {
    info = parseInfo(await virsh(uri, ["net-info", uuid]));
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  if (parseFlag(info.Active)) await virsh(uri, ["net-destroy", uuid]);
  await virsh(uri, ["net-undefine", uuid]);
}
