import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSeedIso, findSeedTool, SEED_TOOLS, seedIsoArgs } from "../../components/libvirt/seed-iso";

const scratch = mkdtempSync(join(tmpdir(), "dockyard-seed-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const docs = { userData: "#cloud-config\nhostname: t\n", metaData: "instance-id: t-1\n", networkConfig: "version: 2\n" };

/** A directory whose only executable is `tool` (symlinked from the system's). */
function pathWithOnly(tool: string): string {
  const dir = join(scratch, `only-${tool}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, tool))) symlinkSync(locate(tool), join(dir, tool));
  return dir;
}

/** Where `tool` is installed; fails with what to install when it is not. */
function locate(tool: string): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  throw new Error(`${tool} is not installed: run \`bash .ci/engines/libvirt.sh\` (or apt-get install -y cloud-image-utils xorriso genisoimage)`);
}

/** The ISO 9660 volume identifier (primary volume descriptor, bytes 40–71 of sector 16). */
function volumeLabel(iso: string): string {
  const fd = openSync(iso, "r");
  const buffer = Buffer.alloc(32);
  readSync(fd, buffer, 0, 32, 16 * 2048 + 40);
  closeSync(fd);
  return buffer.toString("ascii").trim();
}

/** Extracts a file from the ISO with xorriso (installed by .ci/engines/libvirt.sh). */
function fileInIso(iso: string, name: string): string {
  const out = join(scratch, `x-${Math.random().toString(36).slice(2)}`);
  execFileSync("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", `/${name}`, out], { stdio: "ignore" });
  return readFileSync(out, "utf8");
}

describe("seed ISO tools", () => {
  it("finds nothing on an empty PATH, and the error names all three tools", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    expect(findSeedTool(empty)).toBeUndefined();
    await expect(buildSeedIso(docs, empty)).rejects.toThrow(/needs one of cloud-localds \(Debian: cloud-image-utils\), xorriso or genisoimage .*none was found in PATH/);
  });

  it("prefers cloud-localds, then xorriso, then genisoimage", () => {
    expect(SEED_TOOLS).toEqual(["cloud-localds", "xorriso", "genisoimage"]);
    const all = [pathWithOnly("genisoimage"), pathWithOnly("xorriso"), pathWithOnly("cloud-localds")].join(":");
    expect(findSeedTool(all)?.tool).toBe("cloud-localds");
    expect(findSeedTool([pathWithOnly("genisoimage"), pathWithOnly("xorriso")].join(":"))?.tool).toBe("xorriso");
  });

  it("builds argv without a shell, network-config optional", () => {
    expect(seedIsoArgs("cloud-localds", "/d", "/d/seed.iso", true)).toEqual(["--network-config=/d/network-config", "/d/seed.iso", "/d/user-data", "/d/meta-data"]);
    expect(seedIsoArgs("xorriso", "/d", "/o.iso", false)).toEqual(["-as", "mkisofs", "-quiet", "-output", "/o.iso", "-volid", "cidata", "-joliet", "-rock", "/d/user-data", "/d/meta-data"]);
    expect(seedIsoArgs("genisoimage", "/d", "/o.iso", true)).toContain("/d/network-config");
  });

  it.each(SEED_TOOLS)("%s builds a NoCloud ISO labelled cidata with the three documents", async (tool) => {
    const iso = await buildSeedIso(docs, pathWithOnly(tool));
    try {
      expect(volumeLabel(iso.file).toLowerCase()).toBe("cidata");
      expect(fileInIso(iso.file, "user-data")).toBe(docs.userData);
      expect(fileInIso(iso.file, "meta-data")).toBe(docs.metaData);
      expect(fileInIso(iso.file, "network-config")).toBe(docs.networkConfig);
    } finally {
      iso.cleanup();
    }
    expect(existsSync(iso.file)).toBe(false);
  });
});
