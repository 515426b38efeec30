import { describe, expect, it } from "vitest";
import { volumeXml } from "../../components/libvirt/volume-xml";
import { XML_SAMPLES } from "./support/xml-samples";

describe("volumeXml", () => {
  // libvirt's schema check of these samples: test/engines/libvirt/xml-schema.test.ts
  it("renders a blank qcow2 volume readable by its owner only", () => {
    expect(XML_SAMPLES["volume: blank qcow2"]()).toBe(`<volume type='file'>
  <name>data.qcow2</name>
  <capacity unit='bytes'>10737418240</capacity>
  <target>
    <format type='qcow2'/>
    <permissions>
      <mode>0600</mode>
    </permissions>
  </target>
</volume>
`);
  });

  it("renders a copy-on-write overlay with its backing store", () => {
    const xml = XML_SAMPLES["volume: overlay with a backing store"]();
    expect(xml).toMatch(
      /<\/target>\n  <backingStore>\n    <path>\/pool\/base&amp;1<\/path>\n    <format type='raw'\/>\n  <\/backingStore>\n<\/volume>\n$/,
    );
  });

  it("renders a raw volume", () => {
    const xml = XML_SAMPLES["volume: raw"]();
    expect(xml).toContain("<format type='raw'/>");
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects capacity %s", (capacityBytes) => {
    expect(() => volumeXml({ name: "v", capacityBytes, format: "raw" })).toThrow(
      /volume "v": capacity must be a positive number of bytes/,
    );
  });

  it("refuses a raw overlay", () => {
    expect(() =>
      volumeXml({ name: "v", capacityBytes: 1, format: "raw", backing: { path: "/b", format: "raw" } }),
    ).toThrow(/only a qcow2 volume can overlay/);
  });
});
