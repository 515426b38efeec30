import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imageInfoFromHeader, probeImage } from "../../components/libvirt/image";

const dir = mkdtempSync(join(tmpdir(), "dockyard-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("probeImage", () => {
  it("reads a qcow2 image's virtual size from its header", () => {
    const file = join(dir, "base.qcow2");
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", file, "96M"]);
    const info = probeImage(file);
    expect(info).toMatchObject({ format: "qcow2", virtualBytes: 96 * 1024 ** 2, hasBackingFile: false });
    expect(info.fileBytes).toBeGreaterThan(0);
    expect(info.fileBytes).toBeLessThan(info.virtualBytes);
  });

  it("treats anything else as raw of its file size", () => {
    const file = join(dir, "disk.raw");
    writeFileSync(file, Buffer.alloc(4096, 7));
    expect(probeImage(file)).toEqual({ format: "raw", virtualBytes: 4096, fileBytes: 4096, hasBackingFile: false });
  });

  it("refuses a qcow2 image that points at a backing file", () => {
    const base = join(dir, "under.qcow2");
    const top = join(dir, "top.qcow2");
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", base, "16M"]);
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", top]);
    expect(() => probeImage(top)).toThrow(/refers to a backing file; upload a standalone image \(qemu-img convert/);
  });

  it("says which file it cannot read", () => {
    expect(() => probeImage(join(dir, "missing.qcow2"))).toThrow(/cannot read base image .*missing\.qcow2: ENOENT/);
  });
});

describe("imageInfoFromHeader", () => {
  it("needs the full 32-byte header to call it qcow2", () => {
    expect(imageInfoFromHeader(Uint8Array.from([0x51, 0x46, 0x49, 0xfb]), 4).format).toBe("raw");
  });
});
