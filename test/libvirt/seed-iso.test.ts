import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSeedIso, findSeedTool, SEED_TOOLS, seedIsoArgs } from "../../components/libvirt/seed-iso";

// ISOs built by the real tools: test/engines/libvirt/seed-iso.test.ts.
const scratch = mkdtempSync(join(tmpdir(), "dockyard-seed-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const docs = {
  userData: "#cloud-config\nhostname: t\n",
  metaData: "instance-id: t-1\n",
  networkConfig: "version: 2\n",
};

/** A directory whose only file is an executable stand-in named `tool` (never run here). */
function pathWithStub(tool: string): string {
  const dir = join(scratch, `stub-${tool}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, tool), "#!/bin/sh\nexit 1\n");
  chmodSync(join(dir, tool), 0o755);
  return dir;
}

describe("seed ISO tools", () => {
  it("finds nothing on an empty PATH, and the error names all three tools", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    expect(findSeedTool(empty)).toBeUndefined();
    await expect(buildSeedIso(docs, empty)).rejects.toThrow(
      /needs one of cloud-localds \(Debian: cloud-image-utils\), xorriso or genisoimage .*none was found in PATH/,
    );
  });

  it("prefers cloud-localds, then xorriso, then genisoimage", () => {
    expect(SEED_TOOLS).toEqual(["cloud-localds", "xorriso", "genisoimage"]);
    const all = [pathWithStub("genisoimage"), pathWithStub("xorriso"), pathWithStub("cloud-localds")].join(":");
    expect(findSeedTool(all)?.tool).toBe("cloud-localds");
    expect(findSeedTool([pathWithStub("genisoimage"), pathWithStub("xorriso")].join(":"))?.tool).toBe("xorriso");
    expect(findSeedTool(pathWithStub("genisoimage"))).toEqual({
      tool: "genisoimage",
      path: join(pathWithStub("genisoimage"), "genisoimage"),
    });
  });

  it("skips a name that is not an executable file", () => {
    const dir = join(scratch, "not-executable");
    mkdirSync(join(dir, "cloud-localds"), { recursive: true }); // a directory
    writeFileSync(join(dir, "xorriso"), "plain file\n"); // not executable
    expect(findSeedTool([dir, pathWithStub("genisoimage")].join(":"))?.tool).toBe("genisoimage");
  });

  it("builds argv without a shell, network-config optional", () => {
    expect(seedIsoArgs("cloud-localds", "/d", "/d/seed.iso", true)).toEqual([
      "--network-config=/d/network-config",
      "/d/seed.iso",
      "/d/user-data",
      "/d/meta-data",
    ]);
    expect(seedIsoArgs("xorriso", "/d", "/o.iso", false)).toEqual([
      "-as",
      "mkisofs",
      "-quiet",
      "-output",
      "/o.iso",
      "-volid",
      "cidata",
      "-joliet",
      "-rock",
      "/d/user-data",
      "/d/meta-data",
    ]);
    expect(seedIsoArgs("genisoimage", "/d", "/o.iso", true)).toContain("/d/network-config");
  });
});
