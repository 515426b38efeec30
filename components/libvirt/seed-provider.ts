// Dynamic provider for a cloud-init NoCloud seed: an ISO built on the machine running Pulumi
// and uploaded into a pool as a volume. Runs in the provider host: see virsh.ts.
import type * as pulumi from "@pulumi/pulumi";
import { checkRequired, compact, diffInputs } from "./lifecycle";
import { buildSeedIso } from "./seed-iso";
import { assertAbsent, ignoreMissing, virsh } from "./virsh";
import { createVolume, describeVolume, uploadInto, type VolumeFacts, readVolumeResource } from "./volume-ops";
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
export interface SeedOutputs extends SeedInputs {
  readonly key: string;
  readonly path: string;
  readonly sizeBytes: number;
}

const KEYS = ["uri", "pool", "name", "userData", "metaData", "networkConfig"] as const;

/** CRUD for {@link CloudInitSeed}; any change builds a new ISO. The id is the volume key. */
export const seedProvider: pulumi.dynamic.ResourceProvider<SeedInputs, SeedOutputs> = {
  check(_olds, news) {
    return Promise.resolve(checkRequired({ ...news }, ["uri", "pool", "name", "userData", "metaData"]));
  },
  diff(_id, olds, news) {
    return Promise.resolve(diffInputs({ ...olds }, { ...news }, KEYS, []));
  },
  async create(inputs) {
    const { uri, pool, name } = inputs;
    await assertAbsent(uri, "vol", name, pool);
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
  read(id, props) {
    return readVolumeResource("cloud-init seed", id, props, outputsOf);
  },
  // Every input change replaces the seed (see diff), so update only refreshes what is recorded.
  async update(id, _olds, news) {
    return { outs: outputsOf(news, await describeVolume(news.uri, id)) };
  },
  async delete(id, props) {
    await ignoreMissing(virsh(props.uri, ["vol-delete", id]));
  },
};

function outputsOf(inputs: SeedInputs, facts: VolumeFacts): SeedOutputs {
  return compact({ ...inputs, key: facts.key, path: facts.path, sizeBytes: facts.capacityBytes });
}
