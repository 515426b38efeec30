// Translator: a libvirt virtual network (NAT or isolated, one IPv4 subnet, optional DHCP).
// @see https://libvirt.org/formatnetwork.html
import { ArgProblems, type ArgPath, checked } from "../args";
import { describeValue } from "../errors";
import * as rules from "../rules";
import { contains, defaultDhcpRange, formatIpv4, parseCidr, parseIpv4, prefixSize, type Ipv4Prefix } from "./ipv4";
import { choice, objectName } from "./validate";
import { attrs, element } from "./xml";

/** Forwarding modes dockyard supports: NAT to the host's uplink, or no forwarding at all. */
export const NETWORK_MODES = ["nat", "isolated"] as const;

/** What a network is: the input of {@link networkXml}. */
export interface NetworkSpec {
  /** Network name on the host. */
  readonly name: string;
  /** `nat`: guests reach out through the host; `isolated`: guests reach only each other and the host. */
  readonly mode: (typeof NETWORK_MODES)[number];
  /** IPv4 subnet, e.g. `10.42.0.0/24`; the host takes its first address as gateway. */
  readonly cidr: string;
  /** Serve DHCP on the subnet. */
  readonly dhcp: boolean;
  /** DHCP range; defaults to the second address up to the last before broadcast. */
  readonly dhcpRange?: { readonly start: string; readonly end: string };
  /** Host bridge name (at most 15 characters); libvirt picks `virbrN` when omitted. */
  readonly bridge?: string;
}

/** Addresses derived from a {@link NetworkSpec}'s subnet. */
export interface NetworkAddressing {
  readonly gateway: string;
  readonly prefixLength: number;
  /** Undefined when DHCP is off. */
  readonly dhcpRange?: { readonly start: string; readonly end: string };
}

/** Validates a network's subnet and works out gateway and DHCP range. */
export function networkAddressing(spec: NetworkSpec, owner: string): NetworkAddressing {
  return checked(owner, (at) => addressingOf(at, spec));
}

function addressingOf(at: ArgPath, spec: NetworkSpec): NetworkAddressing | undefined {
  const parsed = typeof spec.cidr === "string" ? parseCidr(spec.cidr) : undefined;
  if (!parsed || parsed.length < 8 || parsed.length > 29)
    return at
      .field("cidr")
      .report(`must be an IPv4 subnet from /8 to /29 such as "10.42.0.0/24", got ${describeValue(spec.cidr)}`);
  if (parsed.address !== parsed.network)
    return at
      .field("cidr")
      .report(
        `must name the subnet's network address, e.g. "${formatIpv4(parsed.network)}/${parsed.length}", got ${describeValue(spec.cidr)}`,
      );
  const gateway = parsed.network + 1;
  const dhcp = at.field("dhcp").check(rules.boolean, spec.dhcp);
  if (dhcp === undefined) return undefined;
  if (!dhcp) return { gateway: formatIpv4(gateway), prefixLength: parsed.length };
  const range = spec.dhcpRange ?? defaultDhcpRange(parsed);
  const rangeAt = at.field("dhcpRange");
  const start = hostAddress(rangeAt.field("start"), range.start, parsed, gateway);
  const end = hostAddress(rangeAt.field("end"), range.end, parsed, gateway);
  if (start === undefined || end === undefined) return undefined;
  if (start > end) return rangeAt.report(`must have start <= end, got ${describeValue(range)}`);
  return {
    gateway: formatIpv4(gateway),
    prefixLength: parsed.length,
    dhcpRange: { start: formatIpv4(start), end: formatIpv4(end) },
  };
}

/** Renders the network's libvirt XML after validating every field. */
export function networkXml(spec: NetworkSpec, owner = `Network "${spec.name}"`): string {
  const at = new ArgProblems(owner).root;
  const name = at.field("name").check(objectName, spec.name);
  const mode = at.field("mode").check(choice(NETWORK_MODES), spec.mode);
  if (
    spec.bridge !== undefined &&
    (typeof spec.bridge !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/.test(spec.bridge))
  )
    at.field("bridge").report(
      `must be an interface name of 1 to 15 letters, digits, '.', '_' or '-', got ${describeValue(spec.bridge)}`,
    );
  const network = at.problems.done({ name, mode, addressing: addressingOf(at, spec) });
  const addressing = network.addressing;
  return [
    "<network>",
    `  ${element("name", network.name)}`,
    // No <forward> element at all is libvirt's isolated mode.
    ...(network.mode === "nat" ? ["  <forward mode='nat'/>"] : []),
    `  <bridge${attrs({ name: spec.bridge, stp: "on", delay: 0 })}/>`,
    `  <ip${attrs({ address: addressing.gateway, prefix: addressing.prefixLength })}>`,
    ...(addressing.dhcpRange
      ? [
          "    <dhcp>",
          `      <range${attrs({ start: addressing.dhcpRange.start, end: addressing.dhcpRange.end })}/>`,
          "    </dhcp>",
        ]
      : []),
    "  </ip>",
    "</network>",
    "",
  ].join("\n");
}

function hostAddress(at: ArgPath, text: string, prefix: Ipv4Prefix, gateway: number): number | undefined {
  const address = typeof text === "string" ? parseIpv4(text) : undefined;
  const broadcast = prefix.network + prefixSize(prefix) - 1;
  if (
    address === undefined ||
    !contains(prefix, address) ||
    address === prefix.network ||
    address === broadcast ||
    address === gateway
  )
    return at.report(
      `must be a host address inside the subnet other than the gateway ${formatIpv4(gateway)}, got ${describeValue(text)}`,
    );
  return address;
}
