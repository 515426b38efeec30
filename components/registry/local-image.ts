import { createHash } from "node:crypto";
import { type Dirent, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import * as path from "node:path";
import { argsOf } from "../args";
import type { SelfHostedSpec } from "./registry-spec";

/**
 * The self-hosted registry's image on the Docker target: `apps/registry` built on the upstream
 * image and loaded into the engine, never pushed (no registry exists yet to push it to). One plain
 * description, {@link registryImageBuild}, is what the Registry component declares (a docker-build
 * Image) and what the engine tests build with the classic builder, so the two cannot drift
 * (docs/decisions/0022-images-with-docker-build.md).
 */

/**
 * Repository the image is tagged in. `.invalid` is reserved (RFC 6761) and never resolves, so no
 * registry serves this name: the engine runs the image built here, and a container created while
 * the image is missing fails to pull rather than running a look-alike from a public registry.
 */
export const LOCAL_REGISTRY_REPOSITORY = "dockyard.invalid/registry";

/**
 * Where the build cache lives, relative to the working directory: under `out/` (git-ignored,
 * disposable), in a dot directory no stack's synth output can be named.
 */
export const LOCAL_BUILD_CACHE_DIR = "out/.buildcache";

/** How many hex digits of the inputs' sha256 the tag carries (64 bits). */
const TAG_HEX_DIGITS = 16;

/** The build of a Docker-target registry's image: its inputs, the tag naming them, its cache. */
export interface RegistryImageBuild {
  /** Build context directory, as given (relative to the working directory, or absolute). */
  readonly context: string;
  /** The Dockerfile: `<context>/Dockerfile`. */
  readonly dockerfile: string;
  /** Build arguments: `REGISTRY_IMAGE`, the upstream image as pulled (through the mirror when one is set). */
  readonly buildArgs: Readonly<Record<string, string>>;
  /**
   * `dockyard.invalid/registry:<16 hex>`: the start of the sha256 of every input above (each file
   * of the context by path, content and executable bit; the Dockerfile's path; the build
   * arguments, whose upstream image is pinned by digest). The same inputs give the same tag on
   * every machine and at preview; other inputs give another tag, so the container running it is
   * replaced. The container runs this tag.
   */
  readonly tag: string;
  /**
   * BuildKit's local cache directory for this registry, `out/.buildcache/<name>-image`: imported
   * from (a missing directory is a cache miss, not an error) and exported to, every layer (mode max).
   */
  readonly cacheDirectory: string;
}

/**
 * What the self-hosted registry's Docker image is built from and tagged as. Reads the build
 * context to hash it; a context without a Dockerfile is a ComponentArgError on `buildContext`.
 */
export function registryImageBuild(
  spec: Pick<SelfHostedSpec, "name" | "upstreamImage" | "buildContext">,
): RegistryImageBuild {
  const context = spec.buildContext;
  const dockerfile = `${context}/Dockerfile`;
  const buildArgs = { REGISTRY_IMAGE: spec.upstreamImage };
  const inputs = JSON.stringify({ dockerfile: "Dockerfile", buildArgs, files: contextFiles(spec.name, context) });
  const digest = createHash("sha256").update(inputs).digest("hex");
  return {
    context,
    dockerfile,
    buildArgs,
    tag: `${LOCAL_REGISTRY_REPOSITORY}:${digest.slice(0, TAG_HEX_DIGITS)}`,
    cacheDirectory: `${LOCAL_BUILD_CACHE_DIR}/${spec.name}-image`,
  };
}

/** Each file of the context, sorted by its path: [path, "file" | "executable" | "link", sha256 of its content or link target]. */
function contextFiles(name: string, context: string): [string, string, string][] {
  const at = argsOf("Registry", name).field("buildContext");
  try {
    if (!statSync(path.join(context, "Dockerfile")).isFile()) throw new Error("not a file");
  } catch (error) {
    throw at.error(`must be a directory holding a Dockerfile, got "${context}" (${(error as Error).message})`);
  }
  const files: [string, string, string][] = [];
  const walk = (relative: string): void => {
    const entries: Dirent[] = readdirSync(path.join(context, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const full = path.join(context, child);
      if (entry.isDirectory()) walk(child);
      else if (entry.isSymbolicLink()) files.push([child, "link", sha256(readlinkSync(full))]);
      else if (entry.isFile())
        files.push([child, (statSync(full).mode & 0o111) === 0 ? "file" : "executable", sha256(readFileSync(full))]);
    }
  };
  walk("");
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}
