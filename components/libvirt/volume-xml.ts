// Translator: a storage volume (blank, or a copy-on-write overlay on a backing volume).
// @see https://libvirt.org/formatstorage.html#storage-volume-xml
//
// Unlike the other translators this one runs inside the dynamic provider (the backing
// volume's path is only known on the host), so it throws plain Errors: the program-side
// checks with ComponentArgError happen earlier, in the Volume resource.
import { attrs, element } from "./xml";

/** Disk image formats dockyard creates and attaches. */
export const VOLUME_FORMATS = ["qcow2", "raw"] as const;

/** A disk image format. */
export type VolumeFormat = (typeof VOLUME_FORMATS)[number];

/** What a volume is: the input of {@link volumeXml}. */
export interface VolumeSpec {
  /** Volume name inside its pool. */
  readonly name: string;
  /** Virtual size in bytes. */
  readonly capacityBytes: number;
  /** Image format of the new volume. */
  readonly format: VolumeFormat;
  /** Read-only image the new volume overlays (qcow2 only). */
  readonly backing?: { readonly path: string; readonly format: VolumeFormat };
}

/** Renders a volume's XML; volumes are readable by their owner only (mode 0600). */
export function volumeXml(spec: VolumeSpec): string {
  if (!Number.isSafeInteger(spec.capacityBytes) || spec.capacityBytes <= 0) {
    throw new Error(`volume "${spec.name}": capacity must be a positive number of bytes, got ${spec.capacityBytes}`);
  }
  if (spec.backing && spec.format !== "qcow2") {
    throw new Error(
      `volume "${spec.name}": only a qcow2 volume can overlay a backing image, got format ${spec.format}`,
    );
  }
  return [
    "<volume type='file'>",
    `  ${element("name", spec.name)}`,
    `  <capacity unit='bytes'>${spec.capacityBytes}</capacity>`,
    "  <target>",
    `    <format${attrs({ type: spec.format })}/>`,
    "    <permissions>",
    "      <mode>0600</mode>",
    "    </permissions>",
    "  </target>",
    ...(spec.backing
      ? [
          "  <backingStore>",
          `    ${element("path", spec.backing.path)}`,
          `    <format${attrs({ type: spec.backing.format })}/>`,
          "  </backingStore>",
        ]
      : []),
    "</volume>",
    "",
  ].join("\n");
}
