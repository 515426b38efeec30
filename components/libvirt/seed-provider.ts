// Dynamic provider for a cloud-init NoCloud seed: an ISO built on the machine running Pulumi
// and uploaded into a pool as a volume. Runs in the provider host: see virsh.ts.
import { compact } from "./lifecycle";
import { libvirtProvider, type ObservedOutputs } from "./provider";
import { buildSeedIso } from "./seed-iso";
import { createVolume, deleteVolume, describeVolume, findVolume, uploadInto, type VolumeFacts } from "./volume-ops";
import { volumeXml } from "./volume-xml";

/** Inputs the seed provider receives: the rendered documents and where to put the ISO. */
export interface SeedInputs {
  readonly uri: string;
  readonly pool: string;
  readonly name: string;
  readonly userData: string;
  readonly metaData: string;
  readonly networkConfig?: string;
}

/** State the seed provider records. */
export interface SeedOutputs extends SeedInputs, ObservedOutputs {
  readonly key: string;
  readonly path: string;
  readonly sizeBytes: number;
}

/** The seed's inputs: what {@link CloudInitSeed} passes, what diff compares and what read reports. */
export const SEED_INPUTS = [
  "uri",
  "pool",
  "name",
  "userData",
  "metaData",
  "networkConfig",
] as const satisfies readonly (keyof SeedInputs)[];

/** Outputs the provider adds to the inputs. */
export const SEED_OUTPUTS = ["key", "path", "sizeBytes"] as const satisfies readonly (keyof SeedOutputs)[];

/** CRUD for {@link CloudInitSeed}; any change builds a new ISO. The id is the volume key. */
export const seedProvider = libvirtProvider<SeedInputs, SeedOutputs>({
  noun: "cloud-init seed",
  inputs: SEED_INPUTS,
  required: ["uri", "pool", "name", "userData", "metaData"],
  inPlace: [],
  async create(inputs) {
    const { uri, pool, name } = inputs;
    const iso = await buildSeedIso(inputs);
    try {
      const fs = require("node:fs") as typeof import("node:fs");
      const size = fs.statSync(iso.file).size;
      const facts = await createVolume(uri, pool, name, volumeXml({ name, capacityBytes: size, format: "raw" }), (f) =>
        uploadInto(uri, pool, f, iso.file),
      );
      return { id: facts.key, outs: outputsOf(inputs, facts) };
    } finally {
      iso.cleanup();
    }
  },
  async observe(ref, recorded) {
    // The ISO's documents are dockyard's alone: libvirt keeps no record of them to import.
    if (!recorded) {
      throw new Error(
        `cloud-init seed ${ref.lookup} on ${ref.uri} cannot be imported: libvirt does not keep the documents it was built from; let dockyard build a new seed`,
      );
    }
    const found = await findVolume(ref, recorded.pool);
    return found && { id: found.facts.key, outs: outputsOf(recorded, found.facts) };
  },
  // Every input change replaces the seed (see diff), so update only refreshes what is recorded.
  async update(id, _olds, news) {
    return outputsOf(news, await describeVolume(news.uri, id));
  },
  async remove(id, props) {
    await deleteVolume(props.uri, id);
  },
});

function outputsOf(inputs: SeedInputs, facts: VolumeFacts): SeedOutputs {
  return compact({ ...inputs, key: facts.key, path: facts.path, sizeBytes: facts.capacityBytes });
}
