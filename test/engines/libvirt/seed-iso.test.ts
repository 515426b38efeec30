// Each seed-ISO tool the provider can use builds a NoCloud ISO that cloud-init would read
// (tool choice and argv, without the tools: test/libvirt/seed-iso.test.ts).
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSeedIso, SEED_TOOLS } from "../../../components/libvirt/seed-iso";
import { needs } from "../support/needs";
import { toolPath } from "../support/requirements";
import { outputOf } from "../../../infra/cli/bounded-run";

needs(...SEED_TOOLS);

const scratch = mkdtempSync(join(tmpdir(), "dockyard-seed-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const docs = {
  userData: "#cloud-config\nhostname: t\n",
  metaData: "instance-id: t-1\n",
  networkConfig: "version: 2\n",
};

/** A directory whose only executable is `tool` (symlinked from the system's). */
async function pathWithOnly(tool: (typeof SEED_TOOLS)[number]): Promise<string> {
  const dir = join(scratch, `only-${tool}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, tool))) symlinkSync(await toolPath(tool), join(dir, tool));
  return dir;
}

/** The ISO 9660 volume identifier (primary volume descriptor, bytes 40–71 of sector 16). */
function volumeLabel(iso: string): string {
  const fd = openSync(iso, "r");
  const buffer = Buffer.alloc(32);
  readSync(fd, buffer, 0, 32, 16 * 2048 + 40);
  closeSync(fd);
  return buffer.toString("ascii").trim();
}

/** Extracts a file from the ISO with xorriso. */
function fileInIso(iso: string, name: string): string {
  const out = join(scratch, `x-${Math.random().toString(36).slice(2)}`);
  outputOf("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", `/${name}`, out], { timeoutMs: 30_000 });
  return readFileSync(out, "utf8");
}

describe("seed ISO tools on the host", () => {
  it.each(SEED_TOOLS)("%s builds a NoCloud ISO labelled cidata with the three documents", async (tool) => {
    const iso = await buildSeedIso(docs, await pathWithOnly(tool));
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
