// A libvirt storage volume as a Pulumi dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicProps, LibvirtResource } from "./dynamic-resource";
import { DEFAULT_URI } from "./defaults";
import { ArgProblems } from "../args";
import * as rules from "../rules";
import { absolutePath, choice, objectName, volumeName } from "./validate";
import { VOLUME_INPUTS, VOLUME_OUTPUTS, volumeProvider, type VolumeInputs } from "./volume-provider";
import { VOLUME_FORMATS, type VolumeFormat } from "./volume-xml";

/** Arguments of {@link Volume}. Give `sourcePath`, `baseVolume`, or neither (a blank disk). */
export interface VolumeArgs {
  /** libvirt connection URI, e.g. `qemu+ssh://admin@host/system`. @default "qemu:///system" */
  readonly uri?: pulumi.Input<string>;
  /** Name of the storage pool holding the volume (a {@link StoragePool}'s `name`, or an existing pool). */
  readonly pool: pulumi.Input<string>;
  /** Volume name inside the pool. @default the resource name */
  readonly name?: pulumi.Input<string>;
  /**
   * Image file (qcow2 or raw) on the machine running Pulumi, uploaded into the volume with
   * `virsh vol-upload`; its format is detected. Images with a backing file are refused.
   * @default none
   */
  readonly sourcePath?: pulumi.Input<string>;
  /** Volume in the same pool that this one overlays copy-on-write (qcow2 backing store). @default none */
  readonly baseVolume?: pulumi.Input<string>;
  /**
   * Virtual size in GiB; at least the source's. Growing it later resizes in place, shrinking
   * replaces the volume. @default the source's size (required for a blank volume)
   */
  readonly sizeGiB?: pulumi.Input<number>;
  /** Format of a blank volume (imports keep their own, overlays are qcow2). @default "qcow2" */
  readonly format?: pulumi.Input<VolumeFormat>;
}

/**
 * A volume in a storage pool: an uploaded base image, a copy-on-write overlay, or a blank
 * disk. Creating one whose name exists in the pool fails and changes nothing.
 * @see https://libvirt.org/formatstorage.html#storage-volume-xml
 */
export class Volume extends LibvirtResource {
  declare public readonly uri: pulumi.Output<string>;
  declare public readonly pool: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  /** Path of the volume on the libvirt host. */
  declare public readonly path: pulumi.Output<string>;
  /** libvirt's key of the volume (also its resource id). */
  declare public readonly key: pulumi.Output<string>;
  declare public readonly capacityBytes: pulumi.Output<number>;
  /** Format libvirt reports for the volume (qcow2, raw…). */
  declare public readonly actualFormat: pulumi.Output<string>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    const spec = pulumi.output(args).apply((a) => resolveVolume(name, a));
    const props = dynamicProps(spec, VOLUME_INPUTS, VOLUME_OUTPUTS);
    super(volumeProvider, name, props, opts, "Volume");
  }
}

/** Applies defaults and checks a volume's arguments (pure). */
export function resolveVolume(resourceName: string, args: pulumi.Unwrap<VolumeArgs>): VolumeInputs {
  const at = new ArgProblems(`Volume "${resourceName}"`).root;
  if (args.sourcePath !== undefined && args.baseVolume !== undefined)
    at.field("sourcePath").report("and baseVolume are exclusive: upload an image or overlay a volume, not both");
  const sizeGiB = at.field("sizeGiB").optional(rules.integerIn(1, 65536), args.sizeGiB, undefined);
  if (args.sourcePath === undefined && args.baseVolume === undefined && args.sizeGiB === undefined)
    at.field("sizeGiB").report("is required for a blank volume (one with neither sourcePath nor baseVolume)");
  const sourcePath = at.field("sourcePath").optional(absolutePath, args.sourcePath, undefined);
  const baseVolume = at.field("baseVolume").optional(volumeName, args.baseVolume, undefined);
  const { pool, name, format } = at.problems.done({
    pool: at.field("pool").check(objectName, args.pool),
    name: at.field("name").check(volumeName, args.name ?? resourceName),
    format: at.field("format").check(choice(VOLUME_FORMATS), args.format ?? "qcow2"),
  });
  return { uri: args.uri ?? DEFAULT_URI, pool, name, sourcePath, baseVolume, sizeGiB, format };
}
