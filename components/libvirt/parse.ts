// Readers of what virsh prints: XML definitions through fast-xml-parser, and the few tables
// (info, domifaddr) that have no XML form. Pure; fast-xml-parser is required at call time, so
// the dynamic providers that call these still serialize (see ADR 0003).
import type { X2jOptions } from "fast-xml-parser";
import { formatIpv4, parseCidr, parseIpv4 } from "./ipv4";

/** Elements that may repeat where dockyard reads them: always parsed as lists. (An array, not a
 * Set: closure serialization does not carry a Set's internals into the provider host.) */
const REPEATED = ["disk", "interface", "serial", "ip", "range"];

/** Where parsed attributes go: `@_type` for `type=…`. */
const ATTRIBUTE = "@_";

/** A parsed element: attributes as `@_name`, child elements by name, `#text` for character data. */
type Node = { readonly [key: string]: unknown };

/** Parses XML that libvirt printed (or dockyard rendered) into plain objects. */
export function readXml(xml: string): Node {
  const { XMLParser } = require("fast-xml-parser") as typeof import("fast-xml-parser");
  const options: X2jOptions = {
    ignoreAttributes: false,
    // Kept apart from child elements: `<domain type='kvm'>` is not `<domain><type>kvm</type>`.
    attributeNamePrefix: ATTRIBUTE,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => REPEATED.includes(name),
  };
  return new XMLParser(options).parse(xml) as Node;
}

/** An element as a node: with tag values left unparsed, a text-only element is a string. */
function asNode(value: unknown): Node | undefined {
  return typeof value === "string" ? { "#text": value } : (value as Node | undefined);
}

function child(node: Node | undefined, name: string): Node | undefined {
  return asNode(node?.[name]);
}

function children(node: Node | undefined, name: string): Node[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value.map(asNode) as Node[]) : [];
}

function text(node: Node | undefined): string | undefined {
  const value = node?.["#text"];
  return typeof value === "string" ? value : undefined;
}

function attr(node: Node | undefined, name: string): string | undefined {
  const value = node?.[ATTRIBUTE + name];
  return typeof value === "string" ? value : undefined;
}

function root(xml: string, element: string): Node {
  const found = child(readXml(xml), element);
  if (!found) throw new Error(`unexpected XML from libvirt: no <${element}> element`);
  return found;
}

/** Drops undefined fields, so facts compare equal however they were produced. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const BYTES_PER_UNIT: Record<string, number> = {
  b: 1,
  bytes: 1,
  KiB: 1024,
  k: 1024,
  MiB: 1024 ** 2,
  M: 1024 ** 2,
  GiB: 1024 ** 3,
  G: 1024 ** 3,
  TiB: 1024 ** 4,
  T: 1024 ** 4,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
};

/** A size element (`<memory unit='KiB'>…`, `<capacity unit='bytes'>…`) in bytes; libvirt's default unit is `fallback`. */
function bytesOf(node: Node | undefined, fallback: string, what: string): number | undefined {
  const value = text(node);
  if (value === undefined) return undefined;
  const unit = attr(node, "unit") ?? fallback;
  const factor = BYTES_PER_UNIT[unit];
  if (factor === undefined) throw new Error(`unexpected ${what} unit from libvirt: ${unit}`);
  return Number(value) * factor;
}

/** A domain's disk, as dockyard declares one. Disks that are not pool volumes keep their source in `volume` and an empty pool. */
export interface DiskFacts {
  readonly pool: string;
  readonly volume: string;
  readonly format?: string;
  readonly bus?: string;
}

/** What a domain definition says about the fields dockyard owns. */
export interface DomainFacts {
  readonly uuid?: string;
  readonly name: string;
  readonly domainType: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly disks: DiskFacts[];
  readonly seed?: { readonly pool: string; readonly volume: string };
  readonly interfaces: { readonly network: string; readonly macAddress?: string; readonly model?: string }[];
  readonly serialLogPath?: string;
  readonly kernel?: { readonly kernel: string; readonly initrd?: string; readonly cmdline?: string };
  /** host-passthrough or host-model; libvirt's own default (`custom`) reads as undefined. */
  readonly cpuMode?: string;
}

/** Reads a domain's XML (`virsh dumpxml`, or dockyard's rendering). */
export function domainFacts(xml: string): DomainFacts {
  const domain = root(xml, "domain");
  const memory = bytesOf(child(domain, "memory"), "KiB", "memory");
  const vcpus = text(child(domain, "vcpu"));
  if (memory === undefined || vcpus === undefined) {
    throw new Error("unexpected domain XML from libvirt: no <memory> or <vcpu>");
  }
  const devices = child(domain, "devices");
  const source = (disk: Node): { pool: string; volume: string } => {
    const src = child(disk, "source");
    return attr(disk, "type") === "volume"
      ? { pool: attr(src, "pool") ?? "", volume: attr(src, "volume") ?? "" }
      : { pool: "", volume: attr(src, "file") ?? attr(src, "dev") ?? attr(src, "name") ?? "" };
  };
  const disks = children(devices, "disk");
  const cdrom = disks.find((disk) => attr(disk, "device") === "cdrom");
  const os = child(domain, "os");
  const kernel = text(child(os, "kernel"));
  const cpuMode = attr(child(domain, "cpu"), "mode");
  return defined({
    uuid: text(child(domain, "uuid")),
    name: text(child(domain, "name")) ?? "",
    domainType: attr(domain, "type") ?? "",
    vcpus: Number(vcpus),
    memoryMiB: Math.round(memory / 1024 ** 2),
    disks: disks
      .filter((disk) => (attr(disk, "device") ?? "disk") === "disk")
      .map((disk) =>
        defined({
          ...source(disk),
          format: attr(child(disk, "driver"), "type"),
          bus: attr(child(disk, "target"), "bus"),
        }),
      ),
    seed: cdrom ? source(cdrom) : undefined,
    interfaces: children(devices, "interface").map((nic) =>
      defined({
        network: attr(child(nic, "source"), "network") ?? attr(child(nic, "source"), "bridge") ?? "",
        macAddress: attr(child(nic, "mac"), "address")?.toLowerCase(),
        model: attr(child(nic, "model"), "type"),
      }),
    ),
    serialLogPath: attr(child(children(devices, "serial")[0], "log"), "file"),
    kernel:
      kernel === undefined
        ? undefined
        : defined({ kernel, initrd: text(child(os, "initrd")), cmdline: text(child(os, "cmdline")) }),
    cpuMode: cpuMode === "custom" ? undefined : cpuMode,
  });
}

/** What a network definition says about the fields dockyard owns. */
export interface NetworkFacts {
  readonly uuid?: string;
  readonly name: string;
  /** `nat`, `isolated` (no forwarding), or libvirt's other forward modes as named there. */
  readonly mode: string;
  /** The first IPv4 subnet, e.g. `10.42.0.0/24`; empty if there is none. */
  readonly cidr: string;
  readonly dhcp: boolean;
  readonly dhcpRange?: { readonly start: string; readonly end: string };
  readonly bridge?: string;
}

/** Reads a network's XML (`virsh net-dumpxml`, or dockyard's rendering). */
export function networkFacts(xml: string): NetworkFacts {
  const network = root(xml, "network");
  const ip = children(network, "ip").find((node) => (attr(node, "family") ?? "ipv4") === "ipv4");
  const address = attr(ip, "address");
  const prefix = attr(ip, "prefix") ?? maskLength(attr(ip, "netmask"));
  const subnet = address !== undefined && prefix !== undefined ? parseCidr(`${address}/${prefix}`) : undefined;
  const dhcp = child(ip, "dhcp");
  const range = children(dhcp, "range")[0];
  return defined({
    uuid: text(child(network, "uuid")),
    name: text(child(network, "name")) ?? "",
    mode: attr(child(network, "forward"), "mode") ?? (child(network, "forward") ? "nat" : "isolated"),
    cidr: subnet ? `${formatIpv4(subnet.network)}/${subnet.length}` : "",
    dhcp: dhcp !== undefined,
    dhcpRange: range ? { start: attr(range, "start") ?? "", end: attr(range, "end") ?? "" } : undefined,
    bridge: attr(child(network, "bridge"), "name"),
  });
}

/** The prefix length of a netmask (`255.255.255.0` → 24); undefined unless its ones are contiguous. */
function maskLength(mask: string | undefined): string | undefined {
  const value = mask === undefined ? undefined : parseIpv4(mask);
  const ones = value === undefined ? undefined : /^(1*)0*$/.exec(value.toString(2).padStart(32, "0"))?.[1];
  return ones?.length.toString();
}

/** What a storage pool definition says about the fields dockyard owns. */
export interface PoolFacts {
  readonly uuid?: string;
  readonly name: string;
  readonly type: string;
  readonly path: string;
}

/** Reads a pool's XML (`virsh pool-dumpxml`, or dockyard's rendering). */
export function poolFacts(xml: string): PoolFacts {
  const pool = root(xml, "pool");
  return defined({
    uuid: text(child(pool, "uuid")),
    name: text(child(pool, "name")) ?? "",
    type: attr(pool, "type") ?? "",
    path: text(child(child(pool, "target"), "path")) ?? "",
  });
}

/** What libvirt says about a volume (`virsh vol-dumpxml`). */
export interface VolumeFacts {
  readonly name: string;
  /** libvirt's key for the volume (its path, for directory pools): the resource id. */
  readonly key: string;
  readonly path: string;
  readonly capacityBytes: number;
  /** The format libvirt probed, e.g. "qcow2" ("raw" when it names none). */
  readonly format: string;
  /** Path of the image this one overlays, if any. */
  readonly backingPath?: string;
}

/** Reads a volume's XML; the format is the target's, not the backing store's. */
export function volumeFacts(xml: string): VolumeFacts {
  const volume = root(xml, "volume");
  const target = child(volume, "target");
  return defined({
    name: text(child(volume, "name")) ?? "",
    key: text(child(volume, "key")) ?? "",
    path: text(child(target, "path")) ?? "",
    capacityBytes: bytesOf(child(volume, "capacity"), "bytes", "capacity") ?? NaN,
    format: attr(child(target, "format"), "type") ?? "raw",
    backingPath: text(child(child(volume, "backingStore"), "path")),
  });
}

/** Parses `Key:   value` lines (dominfo, net-info, pool-info) into a map. */
export function parseInfo(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) result[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return result;
}

/** Reads "yes"/"enable" as true, anything else as false. */
export function parseFlag(value: string | undefined): boolean {
  return value === "yes" || value === "enable";
}

/** IPv4 addresses by MAC (`virsh domifaddr`, quiet mode): `vnet0 52:54:… ipv4 10.0.0.5/24`. */
export function parseInterfaceAddresses(text: string): { macAddress: string; address: string }[] {
  const found: { macAddress: string; address: string }[] = [];
  for (const line of text.split("\n")) {
    const match = /([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s+ipv4\s+(\d+\.\d+\.\d+\.\d+)/i.exec(line);
    if (match?.[1] && match[2]) found.push({ macAddress: match[1].toLowerCase(), address: match[2] });
  }
  return found;
}
