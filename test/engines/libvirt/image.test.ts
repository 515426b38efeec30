// probeImage on images made by the real qemu-img (the pure cases: test/libvirt/image.test.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeImage } from "../../../components/libvirt/image";
import { needs } from "../support/needs";
import { outputOf } from "../../../infra/cli/bounded-run";

needs("qemu-img");

const dir = mkdtempSync(join(tmpdir(), "dockyard-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("probeImage on qemu-img's images", () => {
  it("reads a qcow2 image's virtual size from its header", () => {
    const file = join(dir, "base.qcow2");
    outputOf("qemu-img", ["create", "-q", "-f", "qcow2", file, "96M"], { timeoutMs: 30_000 });
    const info = probeImage(file);
    expect(info).toMatchObject({ format: "qcow2", virtualBytes: 96 * 1024 ** 2, hasBackingFile: false });
    expect(info.fileBytes).toBeGreaterThan(0);
    expect(info.fileBytes).toBeLessThan(info.virtualBytes);
  });

  it("refuses a qcow2 image that points at a backing file", () => {
    const base = join(dir, "under.qcow2");
    const top = join(dir, "top.qcow2");
    outputOf("qemu-img", ["create", "-q", "-f", "qcow2", base, "16M"], { timeoutMs: 30_000 });
    outputOf("qemu-img", ["create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", top], { timeoutMs: 30_000 });
    expect(() => probeImage(top)).toThrow(/refers to a backing file; upload a standalone image \(qemu-img convert/);
  });
});
