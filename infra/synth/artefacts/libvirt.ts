import { offline } from "../../../components/internal";
import type { RecordedResource } from "../recorder";
import { fileNamePart } from "./kubernetes";

const LIBVIRT_TYPE = /^pulumi-nodejs:dynamic\/libvirt:(StoragePool|Volume|CloudInitSeed|Network|Domain)$/;

/** libvirt XML per domain, network, pool and volume, and each seed's cloud-init documents. */
export function libvirtArtefacts(resources: readonly RecordedResource[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const resource of resources) {
    const kind = LIBVIRT_TYPE.exec(resource.type)?.[1];
    if (!kind) continue;
    const inputs = resource.inputs;
    const name = typeof inputs.name === "string" ? inputs.name : resource.name;
    const file = fileNamePart(name);
    if (kind === "CloudInitSeed") {
      for (const [key, document] of [
        ["userData", "user-data"],
        ["metaData", "meta-data"],
        ["networkConfig", "network-config"],
      ] as const) {
        if (typeof inputs[key] === "string") files[`cloud-init/${file}/${document}`] = inputs[key];
      }
    } else if (kind === "Volume") {
      files[`libvirt/volume-${file}.xml`] = volumeArtefact(name, inputs);
    } else if (typeof inputs.xml === "string") {
      files[`libvirt/${kind === "StoragePool" ? "pool" : kind.toLowerCase()}-${file}.xml`] = inputs.xml;
    }
  }
  return files;
}

/**
 * A volume's XML as the provider will define it. The backing file's path is only known on
 * the host (the provider asks libvirt for it); synth shows where it comes from instead.
 */
function volumeArtefact(name: string, inputs: Record<string, unknown>): string {
  const format = (inputs.format ?? "qcow2") as offline.VolumeFormat;
  const sizeGiB = typeof inputs.sizeGiB === "number" ? inputs.sizeGiB : 1;
  const backing =
    typeof inputs.baseVolume === "string"
      ? { path: `/pool/${String(inputs.pool)}/${inputs.baseVolume}`, format: "qcow2" as const }
      : undefined;
  const note = backing
    ? `<!-- backing path resolved on the host: volume ${String(inputs.baseVolume)} in pool ${String(inputs.pool)} -->\n`
    : "";
  return (
    note + offline.volumeXml({ name, capacityBytes: sizeGiB * 1024 ** 3, format, ...(backing ? { backing } : {}) })
  );
}
