import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { poolXml } from "../../components/libvirt/pool-xml";
import { XML_SAMPLES } from "./support/xml-samples";

describe("poolXml", () => {
  // libvirt's schema check of these samples: test/engines/libvirt/xml-schema.test.ts
  it("renders a dir pool private to root and QEMU", () => {
    expect(XML_SAMPLES["pool: dir pool"]()).toBe(`<pool type='dir'>
  <name>vms</name>
  <target>
    <path>/var/lib/libvirt/images/vms</path>
    <permissions>
      <mode>0711</mode>
    </permissions>
  </target>
</pool>
`);
  });

  it("escapes markup in the path", () => {
    const xml = XML_SAMPLES["pool: markup in the path"]();
    expect(xml).toContain("<path>/srv/a&amp;b&lt;c&gt;</path>");
  });

  it.each([
    [{ name: "vms", path: "relative/dir" }, /StoragePool "vms": path must be an absolute path/],
    [{ name: "vms", path: "/a\nb" }, /path must be an absolute path/],
    [{ name: "-vms", path: "/srv" }, /StoragePool "-vms": name must start with a letter or digit/],
    [{ name: "a/b", path: "/srv" }, /name must start with a letter or digit/],
    [{ name: "x".repeat(65), path: "/srv" }, /at most 64 characters/],
  ])("rejects %j", (spec, message) => {
    expect(() => poolXml(spec)).toThrow(ComponentArgError);
    expect(() => poolXml(spec)).toThrow(message);
  });
});
