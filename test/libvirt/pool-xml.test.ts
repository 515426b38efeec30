import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { poolXml } from "../../components/libvirt/pool-xml";
import { virtXmlValidate } from "./validate-xml";

describe("poolXml", () => {
  it("renders a dir pool private to root and QEMU", async () => {
    const xml = poolXml({ name: "vms", path: "/var/lib/libvirt/images/vms" });
    expect(xml).toContain("<pool type='dir'>");
    expect(xml).toContain("<name>vms</name>");
    expect(xml).toContain("<path>/var/lib/libvirt/images/vms</path>");
    expect(xml).toContain("<mode>0711</mode>");
    expect(await virtXmlValidate(xml)).toMatchObject({ exitCode: 0 });
  });

  it("escapes markup in the path", async () => {
    const xml = poolXml({ name: "vms", path: "/srv/a&b<c>" });
    expect(xml).toContain("<path>/srv/a&amp;b&lt;c&gt;</path>");
    expect(await virtXmlValidate(xml)).toMatchObject({ exitCode: 0 });
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
