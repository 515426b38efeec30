// Dynamic provider for a directory storage pool. Runs in the provider host: see virsh.ts.
import type * as pulumi from "@pulumi/pulumi";
import { checkRequired, diffInputs, messageOf, withRollback } from "./lifecycle";
import { parseFlag, parseInfo } from "./parse";
import { assertAbsent, isNotFound, virsh, virshWithXml } from "./virsh";
import { withUuid } from "./xml";

/** Inputs the pool provider receives (defaults resolved, XML rendered by {@link StoragePool}). */
export interface PoolInputs {
  readonly uri: string;
  readonly name: string;
  readonly path: string;
  readonly autostart: boolean;
  readonly xml: string;
}

/** State the pool provider records. */
export interface PoolOutputs extends PoolInputs {
  readonly uuid: string;
  /** True if create made the directory, so delete removes it (only if empty). */
  readonly builtDirectory: boolean;
  readonly active: boolean;
}

const KEYS = ["uri", "name", "path", "autostart", "xml"] as const;
/** Redefining a pool or toggling autostart keeps its volumes; anything else replaces it. */
const IN_PLACE = ["autostart", "xml"] as const;

/** CRUD for {@link StoragePool}; the id is the pool's UUID. */
export const poolProvider: pulumi.dynamic.ResourceProvider<PoolInputs, PoolOutputs> = {
  check(_olds, news) {
    return Promise.resolve(checkRequired({ ...news }, ["uri", "name", "path", "xml"]));
  },
  diff(_id, olds, news) {
    return Promise.resolve(diffInputs({ ...olds }, { ...news }, KEYS, IN_PLACE));
  },
  async create(inputs) {
    const { uri, name } = inputs;
    await assertAbsent(uri, "pool", name);
    await virshWithXml(uri, ["pool-define"], inputs.xml);
    const uuid = (await virsh(uri, ["pool-uuid", name])).trim();
    let builtDirectory = false;
    await withRollback(
      `storage pool "${name}"`,
      uri,
      async () => {
        builtDirectory = await startPool(uri, uuid);
        if (inputs.autostart) await setAutostart(uri, uuid, true); // off in a new definition
      },
      () => removePool(uri, uuid, builtDirectory),
    );
    return { id: uuid, outs: { ...inputs, uuid, builtDirectory, active: true } };
  },
  async read(id, props) {
    if (!props) throw new Error(`storage pool ${id}: cannot read without its uri (import is not supported)`);
    let info: Record<string, string>;
    try {
      info = parseInfo(await virsh(props.uri, ["pool-info", id]));
    } catch (error) {
      if (isNotFound(error)) return { id: "" };
      throw error;
    }
    return { id, props: { ...props, autostart: parseFlag(info.Autostart), active: info.State === "running" } };
  },
  async update(id, olds, news) {
    if (news.xml !== olds.xml) await virshWithXml(news.uri, ["pool-define"], withUuid(news.xml, id));
    if (news.autostart !== olds.autostart) await setAutostart(news.uri, id, news.autostart);
    return { outs: { ...news, uuid: id, builtDirectory: olds.builtDirectory, active: olds.active } };
  },
  async delete(id, props) {
    await removePool(props.uri, id, props.builtDirectory);
  },
};

/** Starts the pool, building its directory first if it does not exist; true if it built it. */
async function startPool(uri: string, uuid: string): Promise<boolean> {
  try {
    await virsh(uri, ["pool-start", uuid]);
    return false;
  } catch (error) {
    if (!/No such file or directory/.test(messageOf(error))) throw error;
  }
  await virsh(uri, ["pool-build", uuid]);
  await virsh(uri, ["pool-start", uuid]);
  return true;
}

async function setAutostart(uri: string, uuid: string, enabled: boolean): Promise<void> {
  await virsh(uri, ["pool-autostart", uuid, ...(enabled ? [] : ["--disable"])]);
}

/** Stops and undefines the pool; removes its directory only if create built it and it is empty. */
async function removePool(uri: string, uuid: string, builtDirectory: boolean): Promise<void> {
  let info: Record<string, string>;
  try {
    info = parseInfo(await virsh(uri, ["pool-info", uuid]));
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  if (info.State === "running") await virsh(uri, ["pool-destroy", uuid]);
  if (builtDirectory) {
    try {
      await virsh(uri, ["pool-delete", uuid]);
    } catch (error) {
      // Something dockyard did not make is in there: keep the directory, drop only the pool.
      console.warn(`storage pool ${uuid} on ${uri}: keeping its directory: ${messageOf(error)}`);
    }
  }
  await virsh(uri, ["pool-undefine", uuid]);
}
