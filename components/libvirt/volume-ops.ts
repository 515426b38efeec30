// Volume operations shared by the volume and seed providers. Provider-side (see virsh.ts).
import { withRollback } from "./lifecycle";
import { volumeFacts, type VolumeFacts } from "./parse";
import type { ObjectRef } from "./provider";
import { clashError, ignoreMissing, unlessMissing, virsh, virshWithXml } from "./virsh";

export type { VolumeFacts } from "./parse";

/** Looks a volume up by key or path, or by name within `pool` (one `vol-dumpxml`). */
export async function describeVolume(uri: string, volume: string, pool?: string): Promise<VolumeFacts> {
  const where = pool === undefined ? [volume] : ["--pool", pool, volume];
  return volumeFacts(await virsh(uri, ["vol-dumpxml", ...where]));
}

/**
 * Finds the volume a read looks at: by key or path, or by `<pool>/<name>` (an import id).
 * Resolves with its facts and its pool, or undefined when it is gone.
 */
export async function findVolume(
  ref: ObjectRef,
  recordedPool: string | undefined,
): Promise<{ facts: VolumeFacts; pool: string } | undefined> {
  const slash = ref.lookup.indexOf("/");
  if (slash > 0) {
    const pool = ref.lookup.slice(0, slash);
    const facts = await unlessMissing(describeVolume(ref.uri, ref.lookup.slice(slash + 1), pool));
    return facts && { facts, pool };
  }
  const facts = await unlessMissing(describeVolume(ref.uri, ref.lookup));
  if (!facts) return undefined;
  const pool = recordedPool ?? (await virsh(ref.uri, ["vol-pool", facts.key])).trim();
  return { facts, pool };
}

/**
 * Creates a volume from rendered XML, then runs `fill` (upload, resize…). A taken name fails
 * before anything changes; if anything after the volume exists fails, the volume is deleted
 * again: a failed create leaves nothing.
 */
export async function createVolume(
  uri: string,
  pool: string,
  name: string,
  xml: string,
  fill: (facts: VolumeFacts) => Promise<VolumeFacts> = (facts) => Promise.resolve(facts),
): Promise<VolumeFacts> {
  try {
    await virshWithXml(uri, ["vol-create", "--pool", pool], xml);
  } catch (error) {
    throw clashError(error, uri, "vol", name, pool);
  }
  return withRollback(
    `volume "${name}" in pool "${pool}"`,
    uri,
    async () => fill(await describeVolume(uri, name, pool)),
    () => deleteVolume(uri, ["--pool", pool, name]),
  );
}

/** Deletes a volume by key (or `--pool <pool> <name>`); one already gone is fine. */
export function deleteVolume(uri: string, volume: string | readonly string[]): Promise<void> {
  return ignoreMissing(virsh(uri, ["vol-delete", ...(typeof volume === "string" ? [volume] : volume)]));
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
