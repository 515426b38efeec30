import { describe, expect, it } from "vitest";
import { attrs, element, escapeXml, withUuid } from "../../components/libvirt/xml";

describe("escapeXml", () => {
  it("escapes the five XML special characters", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
  });
  it("leaves plain text and numbers alone", () => {
    expect(escapeXml("plain text 1.2")).toBe("plain text 1.2");
    expect(escapeXml(42)).toBe("42");
  });
  it("does not double-escape an ampersand's own escape sequence input", () => {
    expect(escapeXml("&amp;")).toBe("&amp;amp;");
  });
});

describe("element and attrs", () => {
  it("renders an element with escaped text", () => {
    expect(element("name", "x<y")).toBe("<name>x&lt;y</name>");
  });
  it("renders attributes in order, escaped, skipping undefined", () => {
    expect(attrs({ a: "1", b: undefined, c: "x'y", d: 0 })).toBe(" a='1' c='x&apos;y' d='0'");
  });
});

describe("withUuid", () => {
  const uuid = "d0a608f7-510f-4cf5-8f6a-df6285b146ce";
  it("adds the uuid after the name", () => {
    expect(withUuid("<domain>\n  <name>vm</name>\n</domain>", uuid)).toBe(
      `<domain>\n  <name>vm</name>\n  <uuid>${uuid}</uuid>\n</domain>`,
    );
  });
  it("replaces an existing uuid", () => {
    expect(withUuid("<network><name>n</name><uuid>old</uuid></network>", uuid)).toBe(
      `<network><name>n</name><uuid>${uuid}</uuid></network>`,
    );
  });
  it("refuses something that is not a UUID, also around a UUID", () => {
    for (const bad of ["'/><evil/>", `${uuid}<x/>`, `<x/>${uuid}`]) {
      expect(() => withUuid("<domain><name>vm</name></domain>", bad)).toThrow(`not a libvirt UUID: ${bad}`);
    }
  });
  it("keeps an XML declaration and the top element's attributes, and puts a uuid first when there is no name", () => {
    const xml = `<?xml version="1.0"?>\n<!-- edited by hand -->\n<pool type='dir'>\n  <target><path>/p</path></target>\n</pool>\n`;
    expect(withUuid(xml, uuid)).toBe(
      `<?xml version="1.0"?><pool type="dir"><uuid>${uuid}</uuid>\n  <target><path>/p</path></target>\n</pool>`,
    );
  });
  it("replaces a uuid that comes first, and keeps empty elements short", () => {
    expect(withUuid("<network><uuid>old</uuid><name>n</name><dhcp/></network>", uuid)).toBe(
      `<network><uuid>${uuid}</uuid><name>n</name><dhcp/></network>`,
    );
  });
  it("fails clearly on a definition without a top-level element", () => {
    expect(() => withUuid("<!-- nothing -->", uuid)).toThrow(
      "cannot set the UUID of a definition without a top-level element",
    );
  });
});
