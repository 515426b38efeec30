import { describe, expect, it } from "vitest";
import { volumeXml } from "../../components/libvirt/volume-xml";
import { virtXmlValidate } from "./validate-xml";

describe("volumeXml", () => {
  it("renders a blank qcow2 volume readable by its owner only", async () => {
    const xml = volumeXml({ name: "data.qcow2", capacityBytes: 10 * 1024 ** 3, format: "qcow2" });
    expect(xml).toContain("<name>data.qcow2</name>");
    expect(xml).toContain("<capacity unit='bytes'>10737418240</capacity>");
    expect(xml).toContain("<format type='qcow2'/>");
    expect(xml).toContain("<mode>0600</mode>");
    expect(xml).not.toContain("backingStore");
    expect(await virtXmlValidate(xml)).toMatchObject({ exitCode: 0 });
  });

  it("renders a copy-on-write overlay with its backing store", async () => {
    const xml = volumeXml({ name: "root", capacityBytes: 1024, format: "qcow2", backing: { path: "/pool/base&1", format: "raw" } });
    expect(xml).toMatch(/<backingStore>\s*<path>\/pool\/base&amp;1<\/path>\s*<format type='raw'\/>\s*<\/backingStore>/);
    expect(await virtXmlValidate(xml)).toMatchObject({ exitCode: 0 });
  });

  it("renders a raw volume", async () => {
    const xml = volumeXml({ name: "seed.iso", capacityBytes: 374784, format: "raw" });
    expect(xml).toContain("<format type='raw'/>");
    expect(await virtXmlValidate(xml)).toMatchObject({ exitCode: 0 });
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects capacity %s", (capacityBytes) => {
    expect(() => volumeXml({ name: "v", capacityBytes, format: "raw" })).toThrow(/volume "v": capacity must be a positive number of bytes/);
  });

  it("refuses a raw overlay", () => {
    expect(() => volumeXml({ name: "v", capacityBytes: 1, format: "raw", backing: { path: "/b", format: "raw" } })).toThrow(/only a qcow2 volume can overlay/);
  });
});
