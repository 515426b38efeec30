// Builds a NoCloud seed ISO (volume label "cidata") on the machine running Pulumi, with
// whichever tool is installed. Provider-side: Node built-ins are required at call time.
import { execTool, type ExecError } from "./virsh";

/** Tools that can build the seed, in order of preference. */
export const SEED_TOOLS = ["cloud-localds", "xorriso", "genisoimage"] as const;

/** One of {@link SEED_TOOLS}. */
export type SeedTool = (typeof SEED_TOOLS)[number];

/** The three NoCloud documents. */
export interface SeedDocuments {
  readonly userData: string;
  readonly metaData: string;
  readonly networkConfig?: string;
}

/** Finds the first of {@link SEED_TOOLS} that is an executable file on `searchPath`. */
export function findSeedTool(
  searchPath: string = process.env.PATH ?? "",
): { tool: SeedTool; path: string } | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  for (const tool of SEED_TOOLS) {
    for (const dir of searchPath.split(path.delimiter).filter((d) => d.length > 0)) {
      const candidate = path.join(dir, tool);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return { tool, path: candidate };
      } catch {
        // not here: keep looking
      }
    }
  }
  return undefined;
}

/** The argv that builds `output` from the documents in `dir` with `tool`. Pure. */
export function seedIsoArgs(tool: SeedTool, dir: string, output: string, withNetworkConfig: boolean): string[] {
  const docs = ["user-data", "meta-data", ...(withNetworkConfig ? ["network-config"] : [])].map((f) => `${dir}/${f}`);
  switch (tool) {
    case "cloud-localds":
      return [
        ...(withNetworkConfig ? [`--network-config=${dir}/network-config`] : []),
        output,
        `${dir}/user-data`,
        `${dir}/meta-data`,
      ];
    case "xorriso":
      return ["-as", "mkisofs", "-quiet", "-output", output, "-volid", "cidata", "-joliet", "-rock", ...docs];
    case "genisoimage":
      return ["-quiet", "-output", output, "-volid", "cidata", "-joliet", "-rock", ...docs];
  }
}

/**
 * Writes the documents to a private temporary directory and builds `seed.iso` there.
 * Resolves with the ISO's path and a function removing the directory.
 */
export async function buildSeedIso(
  docs: SeedDocuments,
  searchPath?: string,
): Promise<{ file: string; cleanup: () => void }> {
  const fs = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const path = require("node:path") as typeof import("node:path");
  const found = findSeedTool(searchPath);
  if (!found) {
    throw new Error(
      "building a cloud-init seed ISO needs one of cloud-localds (Debian: cloud-image-utils), xorriso or genisoimage " +
        "on the machine running Pulumi; none was found in PATH",
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dockyard-seed-"));
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.writeFileSync(path.join(dir, "user-data"), docs.userData, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "meta-data"), docs.metaData, { mode: 0o600 });
    if (docs.networkConfig !== undefined)
      fs.writeFileSync(path.join(dir, "network-config"), docs.networkConfig, { mode: 0o600 });
    const file = path.join(dir, "seed.iso");
    const args = seedIsoArgs(found.tool, dir, file, docs.networkConfig !== undefined);
    try {
      await execTool(found.path, args, { timeoutMs: 120_000 });
    } catch (error) {
      const { stderr, message } = error as ExecError;
      throw new Error(`${found.tool} could not build the cloud-init seed ISO: ${stderr?.trim() || message}`);
    }
    return { file, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}
