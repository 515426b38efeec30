// A libvirt directory storage pool as a Pulumi dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicProps, LibvirtResource } from "./dynamic-resource";
import { DEFAULT_POOL_ROOT, DEFAULT_URI } from "./defaults";
import { POOL_INPUTS, POOL_OUTPUTS, poolProvider, type PoolInputs } from "./pool-provider";
import { poolXml } from "./pool-xml";

/** Arguments of {@link StoragePool}. */
export interface StoragePoolArgs {
  /** libvirt connection URI, e.g. `qemu+ssh://admin@host/system`. @default "qemu:///system" */
  readonly uri?: pulumi.Input<string>;
  /** Pool name on the host. @default the resource name */
  readonly name?: pulumi.Input<string>;
  /**
   * Directory on the libvirt host holding the volumes; created if absent (and then removed on
   * delete, if empty). @default "/var/lib/libvirt/images/<name>"
   */
  readonly path?: pulumi.Input<string>;
  /** Start the pool whenever libvirtd starts. @default true */
  readonly autostart?: pulumi.Input<boolean>;
}

/**
 * A directory storage pool. Creating one whose name already exists on the host fails and
 * changes nothing. @see https://libvirt.org/storage.html#directory-pool
 */
export class StoragePool extends LibvirtResource {
  declare public readonly uri: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly path: pulumi.Output<string>;
  declare public readonly autostart: pulumi.Output<boolean>;
  /** The pool's UUID (also its resource id). */
  declare public readonly uuid: pulumi.Output<string>;

  constructor(name: string, args: StoragePoolArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const spec = pulumi.output(args).apply((a) => resolveStoragePool(name, a));
    const props = dynamicProps(spec, POOL_INPUTS, POOL_OUTPUTS);
    super(poolProvider, name, props, opts, "StoragePool");
  }
}

/** Applies defaults, checks the arguments and renders the XML (pure). */
export function resolveStoragePool(resourceName: string, args: pulumi.Unwrap<StoragePoolArgs>): PoolInputs {
  const name = args.name ?? resourceName;
  const spec = {
    uri: args.uri ?? DEFAULT_URI,
    name,
    path: args.path ?? `${DEFAULT_POOL_ROOT}/${name}`,
    autostart: args.autostart ?? true,
  };
  return { ...spec, xml: poolXml(spec, `StoragePool "${resourceName}"`) };
}
