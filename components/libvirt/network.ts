// A libvirt virtual network as a Pulumi dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { LibvirtResource } from "./dynamic-resource";
import { DEFAULT_URI } from "./defaults";
import { networkProvider } from "./network-provider";
import { networkXml, type NetworkSpec } from "./network-xml";

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
    const spec = pulumi.output(args).apply((a) => {
      const resolved: NetworkSpec & { uri: string; autostart: boolean } = {
        uri: a.uri ?? DEFAULT_URI,
        name: a.name ?? name,
        mode: a.mode ?? "nat",
        cidr: a.cidr,
        dhcp: a.dhcp ?? true,
        dhcpRange: a.dhcpRange,
        bridge: a.bridge,
        autostart: a.autostart ?? true,
      };
      return { ...resolved, xml: networkXml(resolved, `Network "${name}"`) };
    });
    const props = {
      uri: spec.uri,
      name: spec.name,
      mode: spec.mode,
      cidr: spec.cidr,
      dhcp: spec.dhcp,
      dhcpRange: spec.dhcpRange,
      bridge: spec.bridge,
      autostart: spec.autostart,
      xml: spec.xml,
      uuid: undefined,
      bridgeName: undefined,
      active: undefined,
    };
    super(networkProvider, name, props, opts, "Network");
  }
}
