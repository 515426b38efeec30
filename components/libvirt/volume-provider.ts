// Dynamic provider for a storage volume: imported from a local image file, a qcow2 overlay
// on a base volume, or blank. Runs in the provider host: see virsh.ts.
import type * as pulumi from "@pulumi/pulumi";
import { probeImage } from "./image";
import { checkRequired, compact, diffInputs } from "./lifecycle";
import { ignoreMissing, assertAbsent, virsh } from "./virsh";
import { createVolume, describeVolume, growTo, uploadInto, type VolumeFacts, readVolumeResource } from "./volume-ops";
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
export interface VolumeOutputs extends VolumeInputs, Omit<VolumeFacts, "format"> {
  readonly actualFormat: string;
}

const KEYS = ["uri", "pool", "name", "sourcePath", "baseVolume", "sizeGiB", "format"] as const;

/** CRUD for {@link Volume}; the id is the volume's key (its path in a directory pool). */
export const volumeProvider: pulumi.dynamic.ResourceProvider<VolumeInputs, VolumeOutputs> = {
  check(_olds, news) {
    return Promise.resolve(checkRequired({ ...news }, ["uri", "pool", "name"]));
  },
  diff(_id, olds, news) {
    const result = diffInputs({ ...olds }, { ...news }, KEYS, ["sizeGiB"]);
    // Growing is done in place; a volume never shrinks, so a smaller size means a new one.
    // Compared with the declared size: growth made out of band must not replace the disk.
    const declared = olds.sizeGiB !== undefined ? olds.sizeGiB * GiB : olds.capacityBytes;
    if (news.sizeGiB !== undefined && news.sizeGiB * GiB < declared && !result.replaces?.includes("sizeGiB")) {
      return Promise.resolve({
        changes: true,
        replaces: [...(result.replaces ?? []), "sizeGiB"],
        deleteBeforeReplace: true,
      });
    }
    return Promise.resolve(result);
  },
  async create(inputs) {
    const { uri, pool, name } = inputs;
    await assertAbsent(uri, "vol", name, pool);
    const facts = await makeVolume(inputs);
    return { id: facts.key, outs: outputsOf(inputs, facts) };
  },
  read(id, props) {
    return readVolumeResource("volume", id, props, outputsOf);
  },
  async update(id, _olds, news) {
    const wanted = news.sizeGiB === undefined ? undefined : news.sizeGiB * GiB;
    return { outs: outputsOf(news, await growTo(news.uri, await describeVolume(news.uri, id), wanted)) };
  },
  async delete(id, props) {
    await ignoreMissing(virsh(props.uri, ["vol-delete", id]));
  },
};

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
