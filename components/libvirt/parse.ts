// Parsers for virsh output. Pure and dependency-free (the dynamic providers call them).

/** Parses `Key:   value` lines (dominfo, net-info, pool-info, vol-info) into a map. */
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

/** Sizes and CPUs of a domain's persistent definition (`virsh dumpxml --inactive`). */
export function parseDomainSizes(xml: string): { memoryMiB: number; vcpus: number } {
  const memory = /<memory unit='(\w+)'>(\d+)<\/memory>/.exec(xml);
  const vcpu = /<vcpu[^>]*>(\d+)<\/vcpu>/.exec(xml);
  if (!memory || !vcpu) throw new Error("unexpected domain XML from libvirt: no <memory> or <vcpu>");
  const unitsPerMiB: Record<string, number> = { KiB: 1 / 1024, MiB: 1, GiB: 1024, b: 1 / 1048576, bytes: 1 / 1048576 };
  const factor = unitsPerMiB[memory[1] ?? ""];
  if (factor === undefined) throw new Error(`unexpected memory unit from libvirt: ${memory[1]}`);
  return { memoryMiB: Math.round(Number(memory[2]) * factor), vcpus: Number(vcpu[1]) };
}

/** MAC addresses of a domain's interfaces, in order (`virsh domiflist`, quiet mode). */
export function parseMacAddresses(text: string): string[] {
  return text
    .split("\n")
    .map((line) => /\b([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/i.exec(line)?.[1]?.toLowerCase())
    .filter((mac): mac is string => mac !== undefined);
}

/** IPv4 addresses by MAC (`virsh domifaddr`, quiet mode): `vnet0 52:54:… ipv4 10.0.0.5/24`. */
export function parseInterfaceAddresses(text: string): { macAddress: string; address: string }[] {
  const found: { macAddress: string; address: string }[] = [];
  for (const line of text.split("\n")) {
    const match = /([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s+ipv4\s+(\d+\.\d+\.\d+\.\d+)\/\d+/i.exec(line);
    if (match?.[1] && match[2]) found.push({ macAddress: match[1].toLowerCase(), address: match[2] });
  }
  return found;
}

/** The format libvirt probed for a volume (`virsh vol-dumpxml`), e.g. "qcow2". */
export function parseVolumeFormat(xml: string): string | undefined {
  const target = /<target>([\s\S]*?)<\/target>/.exec(xml)?.[1] ?? "";
  return /<format type='([\w-]+)'\/>/.exec(target)?.[1];
}
