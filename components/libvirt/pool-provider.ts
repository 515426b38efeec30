// Dynamic provider for a directory storage pool. Runs in the provider host: see virsh.ts.
import { POOL, defineNew, observeDefined, ownedInputs, redefine, undefine } from "./defined";
import { messageOf } from "./lifecycle";
import { poolFacts } from "./parse";
import { libvirtProvider, type ObjectRef, type ObservedOutputs } from "./provider";
import { virsh } from "./virsh";

/** Inputs the pool provider receives (defaults resolved, XML rendered by {@link StoragePool}). */
export interface PoolInputs {
  readonly uri: string;
  readonly name: string;
  readonly path: string;
  readonly autostart: boolean;
  readonly xml: string;
}

/** State the pool provider records. */
export interface PoolOutputs extends PoolInputs, ObservedOutputs {
  readonly uuid: string;
  /** True if create made the directory, so delete removes it (only if empty). */
  readonly builtDirectory: boolean;
  readonly active: boolean;
}

/** The pool's inputs: what {@link StoragePool} passes, what diff compares and what read reports. */
export const POOL_INPUTS = ["uri", "name", "path", "autostart", "xml"] as const satisfies readonly (keyof PoolInputs)[];

/** Outputs the provider adds to the inputs. */
export const POOL_OUTPUTS = [
  "uuid",
  "builtDirectory",
  "active",
  "drift",
] as const satisfies readonly (keyof PoolOutputs)[];

/** CRUD for {@link StoragePool}; the id is the pool's UUID. */
export const poolProvider = libvirtProvider<PoolInputs, PoolOutputs>({
  noun: "storage pool",
  inputs: POOL_INPUTS,
  required: ["uri", "name", "path", "xml"],
  // Redefining a pool or toggling autostart keeps its volumes; anything else replaces it.
  inPlace: ["autostart", "xml"],
  async create(inputs) {
    const { uri, name } = inputs;
    let builtDirectory = false;
    const { uuid } = await defineNew(POOL, uri, name, inputs.xml, {
      autostart: inputs.autostart,
      bringUp: (id) =>
        startPool(uri, id, () => {
          builtDirectory = true;
        }),
      tearDown: (id) => removePool(uri, id, builtDirectory),
    });
    return { id: uuid, outs: { ...inputs, uuid, builtDirectory, active: true } };
  },
  observe: observePool,
  async update(id, olds, news) {
    await redefine(POOL, id, olds, news);
    return { ...news, uuid: id, builtDirectory: olds.builtDirectory, active: olds.active };
  },
  async remove(id, props) {
    await removePool(props.uri, id, props.builtDirectory);
  },
});

function observePool(
  ref: ObjectRef,
  recorded: PoolOutputs | undefined,
): Promise<{ id: string; outs: PoolOutputs } | undefined> {
  return observeDefined<PoolInputs, PoolOutputs>(POOL, ref, recorded, {
    // Every input but the URI and the XML itself.
    owned: ownedInputs(POOL_INPUTS),
    facts: (xml) => poolFacts(xml),
    outputs: ({ uuid, info }) => ({ uuid, active: info.State === "running" }),
    // An imported pool's directory is not dockyard's to remove.
    imported: { builtDirectory: false },
  });
}

/**
 * Starts the pool, building its directory first if it does not exist. `built` runs as soon as
 * the directory is built, so that a start failing after it still removes what dockyard made.
 */
async function startPool(uri: string, uuid: string, built: () => void): Promise<void> {
  try {
    await virsh(uri, ["pool-start", uuid]);
    return;
  } catch (error) {
    if (!/No such file or directory/.test(messageOf(error))) throw error;
  }
  await virsh(uri, ["pool-build", uuid]);
  built();
  await virsh(uri, ["pool-start", uuid]);
}

/** Stops and undefines the pool; removes its directory only if create built it and it is empty. */
async function removePool(uri: string, uuid: string, builtDirectory: boolean): Promise<void> {
  await undefine(POOL, uri, uuid, async () => {
    if (!builtDirectory) return;
    try {
      await virsh(uri, ["pool-delete", uuid]);
    } catch (error) {
      // Something dockyard did not make is in there: keep the directory, drop only the pool.
      console.warn(`storage pool ${uuid} on ${uri}: keeping its directory: ${messageOf(error)}`);
    }
  });
}
