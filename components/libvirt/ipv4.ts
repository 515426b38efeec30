// IPv4 arithmetic for network translators. Pure; addresses are unsigned 32-bit numbers.

/** Parses dotted-quad IPv4 text, or returns undefined if it is not one. */
export function parseIpv4(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

/** Formats a 32-bit number as dotted-quad IPv4 text. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** An IPv4 prefix: its network address and length. */
export interface Ipv4Prefix {
  /** Network address (host bits zero). */
  readonly network: number;
  /** Prefix length in bits. */
  readonly length: number;
}

/** Parses `a.b.c.d/n`, or returns undefined if malformed (host bits may be set). */
export function parseCidr(text: string): (Ipv4Prefix & { readonly address: number }) | undefined {
  const [addressText, lengthText, ...rest] = text.split("/");
  if (rest.length > 0 || lengthText === undefined || !/^\d{1,2}$/.test(lengthText)) return undefined;
  const address = parseIpv4(addressText ?? "");
  const length = Number(lengthText);
  if (address === undefined || length > 32) return undefined;
  const size = 2 ** (32 - length);
  return { address, network: address - (address % size), length };
}

/** Number of addresses in a prefix. */
export function prefixSize(prefix: Ipv4Prefix): number {
  return 2 ** (32 - prefix.length);
}

/** True if `address` lies inside `prefix`. */
export function contains(prefix: Ipv4Prefix, address: number): boolean {
  return address >= prefix.network && address < prefix.network + prefixSize(prefix);
}

/** True if the two prefixes share any address. */
export function overlaps(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return contains(a, b.network) || contains(b, a.network);
}

/**
 * The DHCP range a network serves unless told otherwise: from the address after the gateway
 * (the subnet's first host) to the last one before broadcast.
 */
export function defaultDhcpRange(prefix: Ipv4Prefix): { start: string; end: string } {
  return { start: formatIpv4(prefix.network + 2), end: formatIpv4(prefix.network + prefixSize(prefix) - 2) };
}
