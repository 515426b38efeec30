import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imageInfoFromHeader, probeImage } from "../../components/libvirt/image";

// Images made by the real qemu-img: test/engines/libvirt/image.test.ts.
const dir = mkdtempSync(join(tmpdir(), "dockyard-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first bytes of a qcow2 v3 file: magic "QFI\xfb", version, backing file offset, size. */
function qcow2Header(virtualBytes: number, backingFileOffset = 0): Buffer {
  const header = Buffer.alloc(512);
  header.writeUInt32BE(0x514649fb, 0);
  header.writeUInt32BE(3, 4);
  header.writeBigUInt64BE(BigInt(backingFileOffset), 8);
  header.writeUInt32BE(16, 20); // cluster bits
  header.writeBigUInt64BE(BigInt(virtualBytes), 24);
  return header;
}

describe("probeImage", () => {
  it("reads a qcow2 image's virtual size from its header", () => {
    const file = join(dir, "made.qcow2");
    writeFileSync(file, qcow2Header(96 * 1024 ** 2));
    expect(probeImage(file)).toEqual({
      format: "qcow2",
      virtualBytes: 96 * 1024 ** 2,
      fileBytes: 512,
      hasBackingFile: false,
    });
  });

  it("treats anything else as raw of its file size", () => {
    const file = join(dir, "disk.raw");
    writeFileSync(file, Buffer.alloc(4096, 7));
    expect(probeImage(file)).toEqual({ format: "raw", virtualBytes: 4096, fileBytes: 4096, hasBackingFile: false });
  });

  it("refuses a qcow2 image that points at a backing file", () => {
    const file = join(dir, "overlay.qcow2");
    writeFileSync(file, qcow2Header(16 * 1024 ** 2, 0x200));
    expect(() => probeImage(file)).toThrow(/refers to a backing file; upload a standalone image \(qemu-img convert/);
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
