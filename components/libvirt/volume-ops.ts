// Volume operations shared by the volume and seed providers. Provider-side (see virsh.ts).
import { withRollback } from "./lifecycle";
import { parseInfo, parseVolumeFormat } from "./parse";
import { ignoreMissing, isNotFound, virsh, virshWithXml } from "./virsh";

/** What libvirt says about a volume. */
export interface VolumeFacts {
  /** libvirt's key for the volume (its path, for directory pools): the resource id. */
  readonly key: string;
  readonly path: string;
  readonly capacityBytes: number;
  readonly format: string;
}

/** Looks a volume up by key or path, or by name within `pool`. */
export async function describeVolume(uri: string, volume: string, pool?: string): Promise<VolumeFacts> {
  const where = pool === undefined ? [volume] : ["--pool", pool, volume];
  const info = parseInfo(await virsh(uri, ["vol-info", "--bytes", ...where]));
  const path = (await virsh(uri, ["vol-path", ...where])).trim();
  const key = (await virsh(uri, ["vol-key", ...where])).trim();
  const format = parseVolumeFormat(await virsh(uri, ["vol-dumpxml", ...where])) ?? "raw";
  return { key, path, capacityBytes: Number(/^(\d+)/.exec(info.Capacity ?? "")?.[1] ?? NaN), format };
}

/**
 * A provider's `read` of a volume-backed resource: its recorded outputs refreshed from libvirt,
 * or an empty id when the volume vanished out of band (so the next `up` recreates it).
 */
export async function readVolumeResource<P extends { readonly uri: string }, O>(
  what: string,
  id: string,
  props: P | undefined,
  outputsOf: (props: P, facts: VolumeFacts) => O,
): Promise<{ id: string; props?: O }> {
  if (!props) throw new Error(`${what} ${id}: cannot read without its uri (import is not supported)`);
  try {
    return { id, props: outputsOf(props, await describeVolume(props.uri, id)) };
  } catch (error) {
    if (isNotFound(error)) return { id: "" };
    throw error;
  }
}

/**
 * Creates a volume from rendered XML, then runs `fill` (upload, resize…). If anything after
 * the volume exists fails, the volume is deleted again: a failed create leaves nothing.
 */
export async function createVolume(
  uri: string,
  pool: string,
  name: string,
  xml: string,
  fill: (facts: VolumeFacts) => Promise<VolumeFacts> = (facts) => Promise.resolve(facts),
): Promise<VolumeFacts> {
  await virshWithXml(uri, ["vol-create", "--pool", pool], xml);
  return withRollback(
    `volume "${name}" in pool "${pool}"`,
    uri,
    async () => fill(await describeVolume(uri, name, pool)),
    () => ignoreMissing(virsh(uri, ["vol-delete", "--pool", pool, name])),
  );
}

/**
 * Uploads a local file into a volume created with exactly its size, then has libvirt re-probe
 * the pool so the volume's format and capacity are those of the image (qcow2, raw, iso).
 */
export async function uploadInto(uri: string, pool: string, facts: VolumeFacts, file: string): Promise<VolumeFacts> {
  await virsh(uri, ["vol-upload", facts.key, file]);
  await virsh(uri, ["pool-refresh", pool]);
  return describeVolume(uri, facts.key);
}

/** Grows a volume to `bytes` if it is smaller. */
export async function growTo(uri: string, facts: VolumeFacts, bytes: number | undefined): Promise<VolumeFacts> {
  if (bytes === undefined || bytes <= facts.capacityBytes) return facts;
  await virsh(uri, ["vol-resize", facts.key, String(bytes)]);
  return describeVolume(uri, facts.key);
}
