// Dynamic provider for a storage volume: imported from a local image file, a qcow2 overlay
// on a base volume, or blank. Runs in the provider host: see virsh.ts.
import { probeImage } from "./image";
import { compact, reconcile } from "./lifecycle";
import { libvirtProvider, type ObjectRef, type ObservedOutputs } from "./provider";
import {
  createVolume,
  deleteVolume,
  describeVolume,
  findVolume,
  growTo,
  uploadInto,
  type VolumeFacts,
} from "./volume-ops";
import { volumeXml, type VolumeFormat } from "./volume-xml";

const GiB = 1024 ** 3;

/** Inputs the volume provider receives (defaults resolved by {@link Volume}). */
export interface VolumeInputs {
  readonly uri: string;
  readonly pool: string;
  readonly name: string;
  /** Image file on the machine running Pulumi to upload. */
  readonly sourcePath?: string;
  /** Volume in the same pool to overlay copy-on-write. */
  readonly baseVolume?: string;
  /** Virtual size; at least the source's. */
  readonly sizeGiB?: number;
  /** Format of a blank volume. */
  readonly format: VolumeFormat;
}

/** State the volume provider records. */
export interface VolumeOutputs extends VolumeInputs, ObservedOutputs {
  /** libvirt's key for the volume (its path, for directory pools): the resource id. */
  readonly key: string;
  readonly path: string;
  readonly capacityBytes: number;
  readonly actualFormat: string;
}

/** The volume's inputs: what {@link Volume} passes, what diff compares and what read reports. */
export const VOLUME_INPUTS = [
  "uri",
  "pool",
  "name",
  "sourcePath",
  "baseVolume",
  "sizeGiB",
  "format",
] as const satisfies readonly (keyof VolumeInputs)[];

/** Outputs the provider adds to the inputs. */
export const VOLUME_OUTPUTS = [
  "key",
  "path",
  "capacityBytes",
  "actualFormat",
  "drift",
] as const satisfies readonly (keyof VolumeOutputs)[];

/** CRUD for {@link Volume}; the id is the volume's key (its path in a directory pool). */
export const volumeProvider = libvirtProvider<VolumeInputs, VolumeOutputs>({
  noun: "volume",
  inputs: VOLUME_INPUTS,
  required: ["uri", "pool", "name"],
  inPlace: ["sizeGiB"],
  refineDiff(olds, news, result) {
    // Growing is done in place; a volume never shrinks, so a smaller size means a new one.
    // Compared with the declared size: growth made out of band must not replace the disk.
    const declared = olds.sizeGiB !== undefined ? olds.sizeGiB * GiB : olds.capacityBytes;
    if (news.sizeGiB !== undefined && news.sizeGiB * GiB < declared && !result.replaces?.includes("sizeGiB")) {
      return { changes: true, replaces: [...(result.replaces ?? []), "sizeGiB"], deleteBeforeReplace: true };
    }
    return result;
  },
  async create(inputs) {
    const facts = await makeVolume(inputs);
    return { id: facts.key, outs: outputsOf(inputs, facts) };
  },
  observe: observeVolume,
  async update(id, _olds, news) {
    const wanted = news.sizeGiB === undefined ? undefined : news.sizeGiB * GiB;
    return outputsOf(news, await growTo(news.uri, await describeVolume(news.uri, id), wanted));
  },
  async remove(id, props) {
    await deleteVolume(props.uri, id);
  },
});

/**
 * The live volume. Its capacity is the one field libvirt lets drift: a volume shrunk below its
 * declared size reads as that size (the next update grows it back); growth is tolerated. On
 * import, the pool, name, overlaid volume (a backing file beside it), format and a whole-GiB size
 * are read; where an uploaded image came from is not recorded by libvirt.
 */
async function observeVolume(
  ref: ObjectRef,
  recorded: VolumeOutputs | undefined,
): Promise<{ id: string; outs: VolumeOutputs } | undefined> {
  const found = await findVolume(ref, recorded?.pool);
  if (!found) return undefined;
  const { facts, pool } = found;
  const liveGiB = facts.capacityBytes / GiB;
  const declaredGiB = recorded?.sizeGiB;
  const owned = reconcile<VolumeInputs>(["sizeGiB"], recorded, recorded && { sizeGiB: declaredGiB }, {
    sizeGiB: declaredGiB !== undefined && liveGiB < declaredGiB ? liveGiB : declaredGiB,
  });
  const dir = facts.path.slice(0, facts.path.lastIndexOf("/") + 1);
  const imported: VolumeInputs = {
    uri: ref.uri,
    pool,
    name: facts.name,
    baseVolume: facts.backingPath?.startsWith(dir) ? facts.backingPath.slice(dir.length) : undefined,
    sizeGiB: Number.isInteger(liveGiB) ? liveGiB : undefined,
    format: facts.format === "raw" ? "raw" : "qcow2",
  };
  const outs = outputsOf({ ...(recorded ?? imported), ...(recorded ? owned.values : {}) }, facts);
  return { id: facts.key, outs: compact({ ...outs, drift: owned.drift }) };
}

async function makeVolume(inputs: VolumeInputs): Promise<VolumeFacts> {
  const { uri, pool, name, sizeGiB } = inputs;
  const wanted = sizeGiB === undefined ? undefined : sizeGiB * GiB;
  const sourcePath = inputs.sourcePath;
  if (sourcePath !== undefined) {
    const image = probeImage(sourcePath);
    if (wanted !== undefined && wanted < image.virtualBytes) {
      throw new Error(
        `volume "${name}": sizeGiB ${sizeGiB} is smaller than the image ${sourcePath} (${image.virtualBytes} bytes)`,
      );
    }
    const placeholder = volumeXml({ name, capacityBytes: image.fileBytes, format: "raw" });
    return createVolume(uri, pool, name, placeholder, async (facts) =>
      growTo(uri, await uploadInto(uri, pool, facts, sourcePath), wanted),
    );
  }
  if (inputs.baseVolume !== undefined) {
    const base = await describeVolume(uri, inputs.baseVolume, pool);
    if (wanted !== undefined && wanted < base.capacityBytes) {
      throw new Error(
        `volume "${name}": sizeGiB ${sizeGiB} is smaller than its base volume "${inputs.baseVolume}" (${base.capacityBytes} bytes)`,
      );
    }
    const backing = { path: base.path, format: base.format === "qcow2" ? "qcow2" : "raw" } as const;
    return createVolume(
      uri,
      pool,
      name,
      volumeXml({ name, capacityBytes: wanted ?? base.capacityBytes, format: "qcow2", backing }),
    );
  }
  if (wanted === undefined) throw new Error(`volume "${name}": a blank volume needs sizeGiB`);
  return createVolume(uri, pool, name, volumeXml({ name, capacityBytes: wanted, format: inputs.format }));
}

function outputsOf(inputs: VolumeInputs, facts: VolumeFacts): VolumeOutputs {
  return compact({
    ...inputs,
    key: facts.key,
    path: facts.path,
    capacityBytes: facts.capacityBytes,
    actualFormat: facts.format,
  });
}
