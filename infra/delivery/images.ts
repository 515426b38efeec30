/**
 * The images CI builds once and carries from test to prod: what to build (from the platform,
 * the same description the program deploys), the `docker buildx` and `cosign` command lines,
 * and the checks around them. Commands run through a replaceable {@link Runner}, so tests see
 * the exact command lines without Docker or cosign.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  digestPinned,
  formatImageRef,
  isImageDigest,
  isImageRef,
  parseImageRef,
  throughMirror,
} from "../../components";
import { InputError } from "../cli/run";
import { loadConfig, validateConfig } from "../config";
import { settingsConfigSource } from "../config-source";
import { backsUp, builtServices, catalog, describePlatform } from "../platform";
import { readStackSettings } from "../stack-file";
import { type ImageSlot, registryAddressOf } from "../promote/images";
import type { Runner } from "../promote/outputs";

/** One image CI builds for a stack: a service, or the backup tool, built from `apps/<app>`. */
export interface ImageBuild {
  /** Where the stack file pins it: `services.<name>` or `backup` (its `.image` key). */
  slot: ImageSlot;
  /** Its repository in the registry, which names it in logs and the scan matrix. */
  name: string;
  context: string;
  dockerfile: string;
  /** `<registry>/<name>:<revision>`, the mutable name the build is pushed under. */
  tag: string;
  buildArgs: Record<string, string>;
}

/**
 * What the stack builds from source, as the program would (bases through the stack's mirror,
 * each image at the revision of its own build context, `revisionOf`).
 */
export function buildPlan(stack: string, file: string, revisionOf: (context: string) => string): ImageBuild[] {
  const registry = registryAddressOf(stack, file);
  const platform = describePlatform(loadConfig(catalog, settingsConfigSource(readStackSettings(file))));
  const build = (slot: ImageSlot, name: string, app: string, baseImages: Record<string, string>): ImageBuild => {
    const revision = revisionOf(`apps/${app}`);
    const buildArgs = Object.fromEntries(
      Object.entries(baseImages).map(([arg, ref]) => [arg, viaMirror(ref, platform.registry.mirror)]),
    );
    return {
      slot,
      name,
      context: `apps/${app}`,
      dockerfile: `apps/${app}/Dockerfile`,
      tag: `${registry}/${name}:${revision}`,
      buildArgs: { ...buildArgs, REVISION: revision },
    };
  };
  const services = platform.services.flatMap((service) =>
    "build" in service.image
      ? [build(`services.${service.name}`, service.name, service.image.build.app, service.image.build.baseImages)]
      : [],
  );
  const tool = platform.backupTool;
  const toolBuilt = platform.backups.length > 0 && platform.backup.image === undefined;
  return toolBuilt ? [...services, build("backup", tool.app, tool.app, tool.baseImages)] : services;
}

/**
 * What `images build` writes (`out/images.json`): the built images in the shape of the stack's
 * outputs (`images` per service, `backupImage`), so `pin --from-outputs` reads either alike.
 */
export function builtOutputs(plan: readonly ImageBuild[], built: Readonly<Record<string, string>>): unknown {
  const images: Record<string, string> = {};
  let backupImage: string | undefined;
  for (const { slot, name } of plan) {
    if (slot === "backup") backupImage = built[name];
    else images[slot.slice("services.".length)] = built[name];
  }
  return { images, ...(backupImage === undefined ? {} : { backupImage }) };
}

function viaMirror(reference: string, mirror: string | undefined): string {
  const ref = parseImageRef(reference);
  if (!isImageRef(ref)) throw new Error(`invalid base image "${reference}" in infra/platform.ts: ${ref.error}`);
  return formatImageRef(throughMirror(ref, mirror));
}

/** `docker buildx build … --push`: one build, pushed, its digest written to `metadataFile`. */
export function buildArgv(build: ImageBuild, metadataFile: string, fresh: boolean): string[] {
  return [
    "buildx",
    "build",
    "--platform",
    "linux/amd64",
    "--file",
    build.dockerfile,
    "--tag",
    build.tag,
    ...Object.entries(build.buildArgs).flatMap(([key, value]) => ["--build-arg", `${key}=${value}`]),
    "--metadata-file",
    metadataFile,
    // Fresh bases: pull every FROM again and reuse no cached layer (the weekly rebuild).
    ...(fresh ? ["--pull", "--no-cache"] : []),
    "--push",
    build.context,
  ];
}

/** Builds and pushes every image of the plan; returns `name → <registry>/<name>@sha256:…`. */
export async function buildAll(
  plan: readonly ImageBuild[],
  fresh: boolean,
  run: Runner,
): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-build-"));
  try {
    const built: Record<string, string> = {};
    for (const build of plan) {
      const metadata = join(dir, `${build.name}.json`);
      await run("docker", buildArgv(build, metadata, fresh));
      const digest = (JSON.parse(readFileSync(metadata, "utf8")) as Record<string, unknown>)["containerimage.digest"];
      if (typeof digest !== "string" || !isImageDigest(digest))
        throw new InputError(`docker buildx reported no image digest for ${build.name}`);
      built[build.name] = `${build.tag.replace(/:[^:/]+$/, "")}@${digest}`;
    }
    return built;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Appends `key=value` to the file GitHub Actions reads step outputs from, when there is one. */
export function setStepOutput(key: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${key}=${value}\n`);
}

/** The images a stack file pins, by slot; every service's and the backup tool's must be pinned by digest. */
export function pinnedImages(stack: string, file: string): Record<ImageSlot, string> {
  const { data } = validateConfig(catalog, settingsConfigSource(readStackSettings(file)));
  const problems: string[] = [];
  const images: Record<ImageSlot, string> = {};
  const slots: [ImageSlot, string | undefined][] = [
    ...builtServices.map((name): [ImageSlot, string | undefined] => [`services.${name}`, data.services[name].image]),
    ...(backsUp ? [["backup", data.backup.image] as [ImageSlot, string | undefined]] : []),
  ];
  for (const [slot, image] of slots) {
    if (image === undefined || digestPinned(image) === undefined)
      problems.push(
        `${file}: ${slot}.image is ${image === undefined ? "unset (built by the stack)" : JSON.stringify(image)}: ${stack} must run an image pinned by digest (npm run promote)`,
      );
    else images[slot] = image;
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return images;
}

/** A digest reference given on a command line, or an InputError. */
export function digestReference(ref: string): string {
  if (digestPinned(ref) === undefined)
    throw new InputError(`${JSON.stringify(ref)} is not an image pinned by digest (repo@sha256:<64 hex>)`);
  return ref;
}

/** Who may have signed dockyard's images: the deploy workflow of this repository, on main. */
export interface SignerIdentity {
  identityRegexp: string;
  issuer: string;
}

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** The deploy workflow's identity in a repository (keyless certificates name the workflow file and ref). */
export function deployWorkflowIdentity(repository: string, server = "https://github.com"): SignerIdentity {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    throw new InputError(`repository ${JSON.stringify(repository)} is not owner/name`);
  // RE2 (cosign) and JavaScript agree on these escapes; "/" needs none.
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return {
    identityRegexp: `^${escape(server)}/${escape(repository)}/\\.github/workflows/deploy\\.yml@refs/heads/main$`,
    issuer: GITHUB_OIDC_ISSUER,
  };
}

export function cosignSignArgv(ref: string): string[] {
  return ["sign", "--yes", ref];
}

export function cosignVerifyArgv(ref: string, signer: SignerIdentity): string[] {
  return [
    "verify",
    "--certificate-identity-regexp",
    signer.identityRegexp,
    "--certificate-oidc-issuer",
    signer.issuer,
    "--output",
    "text",
    ref,
  ];
}

/**
 * `skopeo copy`: one image, by digest, into another registry with its digest preserved (the
 * bytes prod pins), under a `promoted-<digest>` tag so the registry keeps it. Signatures do not
 * travel with it: cosign 3 stores them as OCI referrers, which skopeo does not copy, and
 * `cosign copy` is deprecated upstream. Promotion verifies at the source before and signs at the
 * destination after (docs/decisions/0017-promotion-signatures.md).
 */
export function skopeoCopyArgv(from: string, to: string): string[] {
  const at = to.indexOf("@sha256:");
  return [
    "copy",
    "--all",
    "--preserve-digests",
    "--retry-times",
    "3",
    `docker://${from}`,
    `docker://${to.slice(0, at)}:promoted-${to.slice(at + 8, at + 20)}`,
  ];
}
