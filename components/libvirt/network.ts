// A libvirt virtual network as a Pulumi dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicProps, LibvirtResource } from "./dynamic-resource";
import { DEFAULT_URI } from "./defaults";
import { NETWORK_INPUTS, NETWORK_OUTPUTS, networkProvider, type NetworkInputs } from "./network-provider";
import { networkXml } from "./network-xml";

/** Arguments of {@link Network}. */
export interface NetworkArgs {
  /** libvirt connection URI, e.g. `qemu+ssh://admin@host/system`. @default "qemu:///system" */
  readonly uri?: pulumi.Input<string>;
  /** Network name on the host. @default the resource name */
  readonly name?: pulumi.Input<string>;
  /**
   * `nat`: guests reach outside through the host's uplink (nothing outside reaches them);
   * `isolated`: guests reach only each other and the host. @default "nat"
   */
  readonly mode?: pulumi.Input<"nat" | "isolated">;
  /** IPv4 subnet such as `10.42.0.0/24` (/8 to /29); the host takes the first address. Must not overlap the host's networks. */
  readonly cidr: pulumi.Input<string>;
  /** Serve DHCP (and DNS) to guests. @default true */
  readonly dhcp?: pulumi.Input<boolean>;
  /** DHCP range. @default from the second address to the one before broadcast */
  readonly dhcpRange?: pulumi.Input<{ readonly start: pulumi.Input<string>; readonly end: pulumi.Input<string> }>;
  /** Host bridge name (at most 15 characters). @default libvirt picks virbrN */
  readonly bridge?: pulumi.Input<string>;
  /** Start the network whenever libvirtd starts. @default true */
  readonly autostart?: pulumi.Input<boolean>;
}

/**
 * A libvirt virtual network with one IPv4 subnet, NAT or isolated. Creating one whose name
 * already exists on the host fails and changes nothing. @see https://libvirt.org/formatnetwork.html
 */
export class Network extends LibvirtResource {
  declare public readonly uri: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly cidr: pulumi.Output<string>;
  /** The network's UUID (also its resource id). */
  declare public readonly uuid: pulumi.Output<string>;
  /** Host bridge the network runs on. */
  declare public readonly bridgeName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.CustomResourceOptions) {
    const spec = pulumi.output(args).apply((a) => resolveNetwork(name, a));
    const props = dynamicProps(spec, NETWORK_INPUTS, NETWORK_OUTPUTS);
    super(networkProvider, name, props, opts, "Network");
  }
}

/** Applies defaults, checks the arguments and renders the XML (pure). */
export function resolveNetwork(resourceName: string, args: pulumi.Unwrap<NetworkArgs>): NetworkInputs {
  const spec = {
    uri: args.uri ?? DEFAULT_URI,
    name: args.name ?? resourceName,
    mode: args.mode ?? "nat",
    cidr: args.cidr,
    dhcp: args.dhcp ?? true,
    dhcpRange: args.dhcpRange,
    bridge: args.bridge,
    autostart: args.autostart ?? true,
  };
  return { ...spec, xml: networkXml(spec, `Network "${resourceName}"`) };
}
