// A cloud-init NoCloud seed ISO in a storage pool, as a Pulumi dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicProps, LibvirtResource } from "./dynamic-resource";
import { DEFAULT_URI } from "./defaults";
import { SEED_INPUTS, SEED_OUTPUTS, seedProvider, type SeedInputs } from "./seed-provider";
import { ArgProblems } from "../args";
import { objectName, text, volumeName } from "./validate";

/** Arguments of {@link CloudInitSeed}: the documents (see `cloud-init.ts` to render them). */
export interface CloudInitSeedArgs {
  /** libvirt connection URI, e.g. `qemu+ssh://admin@host/system`. @default "qemu:///system" */
  readonly uri?: pulumi.Input<string>;
  /** Name of the storage pool receiving the ISO. */
  readonly pool: pulumi.Input<string>;
  /** Volume name of the ISO. @default the resource name */
  readonly name?: pulumi.Input<string>;
  /** `#cloud-config` user-data. May be a secret. */
  readonly userData: pulumi.Input<string>;
  /** NoCloud meta-data (instance-id, local-hostname). */
  readonly metaData: pulumi.Input<string>;
  /** network-config (version 2). @default none: cloud-init's fallback (DHCP on the first NIC) */
  readonly networkConfig?: pulumi.Input<string>;
}

/**
 * A NoCloud seed ISO (label `cidata`) built with cloud-localds, xorriso or genisoimage on the
 * machine running Pulumi, uploaded into a pool, to be attached to a domain as a CD-ROM.
 * Any change builds a new ISO. @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export class CloudInitSeed extends LibvirtResource {
  declare public readonly uri: pulumi.Output<string>;
  declare public readonly pool: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  /** Path of the ISO on the libvirt host. */
  declare public readonly path: pulumi.Output<string>;
  declare public readonly userData: pulumi.Output<string>;
  declare public readonly metaData: pulumi.Output<string>;

  constructor(name: string, args: CloudInitSeedArgs, opts?: pulumi.CustomResourceOptions) {
    const spec = pulumi.output(args).apply((a) => resolveCloudInitSeed(name, a));
    const props = dynamicProps(spec, SEED_INPUTS, SEED_OUTPUTS);
    super(seedProvider, name, props, opts, "CloudInitSeed");
  }
}

/** Applies defaults and checks the arguments (pure); the documents pass through as given. */
export function resolveCloudInitSeed(resourceName: string, args: pulumi.Unwrap<CloudInitSeedArgs>): SeedInputs {
  const at = new ArgProblems(`CloudInitSeed "${resourceName}"`).root;
  const checked = at.problems.done({
    pool: at.field("pool").check(objectName, args.pool),
    name: at.field("name").check(volumeName, args.name ?? resourceName),
    userData: at.field("userData").check(text, args.userData),
    metaData: at.field("metaData").check(text, args.metaData),
  });
  return { uri: args.uri ?? DEFAULT_URI, ...checked, networkConfig: args.networkConfig };
}
