// XML writers shared by the libvirt translators, and withUuid for the providers. Pure; the
// providers may call them (they are serialized as closures: fast-xml-parser is required at
// call time).

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
 * Sets the `<uuid>` of a domain, network or pool definition (after its `<name>`), so that
 * `define` creates the object with a UUID chosen by dockyard, or updates the existing object
 * instead of refusing a second one with the same name. Parsed and rebuilt with fast-xml-parser
 * (required at call time: the providers call this), keeping the order of every element.
 */
export function withUuid(xml: string, uuid: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
    throw new Error(`not a libvirt UUID: ${uuid}`);
  }
  const { XMLBuilder, XMLParser } = require("fast-xml-parser") as typeof import("fast-xml-parser");
  const options = { preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "", trimValues: false } as const;
  type Ordered = Record<string, unknown>[];
  const document = new XMLParser({ ...options, parseTagValue: false, parseAttributeValue: false }).parse(
    xml,
  ) as Ordered;
  // The parser keeps an XML declaration beside the top element; comments and text around it are dropped.
  const top = document.find((node) => !("?xml" in node));
  const tag = top ? Object.keys(top).find((key) => key !== ":@") : undefined;
  if (!top || !tag) throw new Error("cannot set the UUID of a definition without a top-level element");
  const body = top[tag] as Ordered;
  const entry = { uuid: [{ "#text": uuid }] };
  const existing = body.findIndex((node) => "uuid" in node);
  if (existing >= 0) {
    body[existing] = entry;
  } else {
    // On a line of its own, indented as <name> is, when the definition is laid out in lines.
    const name = body.findIndex((node) => "name" in node);
    const before = body[name - 1]?.["#text"];
    const indent = typeof before === "string" && before.trim() === "" ? [{ "#text": before }] : [];
    body.splice(name + 1, 0, ...indent, entry);
  }
  return new XMLBuilder({ ...options, suppressEmptyNode: true }).build(document);
}
