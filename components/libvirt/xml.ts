// XML text helpers shared by the libvirt translators. Pure and dependency-free, so the
// dynamic providers may call them too (they are serialized as closures).

/** Escapes text for use in XML character data or a quoted attribute value. */
export function escapeXml(value: string | number): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Renders `<tag>text</tag>` with the text escaped. */
export function element(tag: string, text: string | number): string {
  return `<${tag}>${escapeXml(text)}</${tag}>`;
}

/**
 * Renders attributes as ` a='v' b='w'`, escaping values and skipping undefined ones.
 * Attribute names are the translators' own constants, never user input.
 */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}='${escapeXml(value)}'`)
    .join("");
}

/**
 * Adds `<uuid>` after the top-level `<name>` of a domain, network or pool definition, so that
 * `define` updates the existing object instead of refusing a second one with the same name.
 */
export function withUuid(xml: string, uuid: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(uuid)) throw new Error(`not a libvirt UUID: ${uuid}`);
  if (/<uuid>/.test(xml)) return xml.replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${uuid}</uuid>`);
  return xml.replace(/(<name>[^<]*<\/name>)/, `$1\n  <uuid>${uuid}</uuid>`);
}
