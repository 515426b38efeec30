// Reads what a disk image file is from its header. Provider-side: requires fs at call time.
import type { VolumeFormat } from "./volume-xml";

/** Format and virtual size of an image file, and its size on disk. */
export interface ImageInfo {
  readonly format: VolumeFormat;
  /** Size the guest sees: the qcow2 header's size, or the file size for raw images. */
  readonly virtualBytes: number;
  readonly fileBytes: number;
  /** A qcow2 image that names a backing file (refused: it could point QEMU at any host file). */
  readonly hasBackingFile: boolean;
}

/** Probes a local image file: qcow2 by its magic number, raw otherwise. */
export function probeImage(file: string): ImageInfo {
  const fs = require("node:fs") as typeof import("node:fs");
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    throw new Error(`cannot read base image ${file}: ${(error as Error).message}`);
  }
  try {
    const fileBytes = fs.fstatSync(fd).size;
    const header = Buffer.alloc(32);
    fs.readSync(fd, header, 0, 32, 0);
    const info = imageInfoFromHeader(header, fileBytes);
    if (info.hasBackingFile) {
      throw new Error(
        `base image ${file} refers to a backing file; upload a standalone image (qemu-img convert -O qcow2 ${file} flat.qcow2)`,
      );
    }
    return info;
  } finally {
    fs.closeSync(fd);
  }
}

/** Pure part of {@link probeImage}: qcow2 is "QFI\xfb", backing file offset at 8, size at 24. */
export function imageInfoFromHeader(header: Uint8Array, fileBytes: number): ImageInfo {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.byteLength >= 32 && view.getUint32(0) === 0x514649fb) {
    return {
      format: "qcow2",
      virtualBytes: Number(view.getBigUint64(24)),
      fileBytes,
      hasBackingFile: view.getBigUint64(8) !== 0n,
    };
  }
  return { format: "raw", virtualBytes: fileBytes, fileBytes, hasBackingFile: false };
}
