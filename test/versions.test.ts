// One place lists every pinned version: versions.json. The program reads it; what cannot import
// it (Dockerfile ARG defaults, .pulumi.version, the workflows' cosign-release) must equal it; and
// no image reference with a tag or digest appears in the sources unless the inventory lists it and
// agrees (in code only where it cannot be read from the inventory: a listed Dockerfile ARG default).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isImageRef, parseImageRef } from "../components/registry/image-ref";
import { UPSTREAM_REGISTRY_IMAGE } from "../components/registry/registry-spec";
import { rules } from "../components/internal";
import { loadConfig } from "../infra/config";
import { settingsConfigSource } from "../infra/config-source";
import { catalog, describePlatform } from "../infra/platform";
import { readStackSettings } from "../infra/stack-file";
import VERSIONS from "../versions.json";
import { type Found, findReferences, judge, type PinnedImage } from "./versions/scan";

/** Where the repository's sources live: every file under these is scanned. */
const SCANNED = ["components", "infra", "apps", "stacks", "scripts", ".ci"];

const IMAGES: PinnedImage[] = Object.entries(VERSIONS.images).map(([key, image]) => ({
  key,
  ref: image.ref,
  dockerfileArgs: image.dockerfileArgs as Record<string, string>,
}));
/** Bare names the inventory pins (`registry`, `node`: Docker Hub's library/…): any tag on them is a version. */
const PINNED_NAMES = new Set(
  IMAGES.flatMap(({ ref }) => {
    const parsed = parseImageRef(ref);
    return isImageRef(parsed) && parsed.repository.startsWith("library/") ? [parsed.repository.slice(8)] : [];
  }),
);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules") return [];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function scan(file: string, text: string): string[] {
  return findReferences(file, text, PINNED_NAMES).flatMap((found: Found) => judge(found, IMAGES) ?? []);
}

/** The default of `ARG <name>=…` in a Dockerfile. */
function argDefault(dockerfile: string, name: string): string | undefined {
  return new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(readFileSync(dockerfile, "utf8"))?.[1];
}

describe("versions.json", () => {
  it("pins every image by a valid reference with a tag, and a digest where it says so", () => {
    for (const { key, ref } of IMAGES) {
      const parsed = parseImageRef(ref);
      expect(isImageRef(parsed), `${key}: ${ref}`).toBe(true);
      expect(isImageRef(parsed) && parsed.tag, key).toBeTruthy();
      const pin = (VERSIONS.images as Record<string, { pin: string }>)[key].pin;
      expect(isImageRef(parsed) && parsed.digest !== undefined, `${key}: ${pin}`).toBe(pin.startsWith("digest"));
    }
  });

  it("names the tools as CI installs them, and a Kubernetes minor stack config accepts", () => {
    expect(VERSIONS.tools.pulumi.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(VERSIONS.tools.cosign.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(rules.kubernetesVersion.check(VERSIONS.kubernetes.version)).toEqual({
      ok: true,
      value: VERSIONS.kubernetes.version,
    });
  });
});

describe("what cannot import versions.json equals it", () => {
  it("each Dockerfile ARG default it lists", () => {
    for (const { key, ref, dockerfileArgs } of IMAGES)
      for (const [dockerfile, arg] of Object.entries(dockerfileArgs))
        expect(argDefault(dockerfile, arg), `${dockerfile} ARG ${arg} (images.${key})`).toBe(ref);
  });

  it(".pulumi.version, which the workflows and dev:up read, and the SDK it must match", () => {
    expect(readFileSync(".pulumi.version", "utf8").trim()).toBe(VERSIONS.tools.pulumi.version);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(VERSIONS.tools.pulumi.version);
  });

  it("the cosign-release of every cosign install in the workflows", () => {
    type Workflow = { jobs?: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> };
    const dir = ".github/workflows";
    const installs = readdirSync(dir).flatMap((file) =>
      Object.values((parse(readFileSync(join(dir, file), "utf8")) as Workflow).jobs ?? {})
        .flatMap((job) => job.steps ?? [])
        .filter((step) => step.uses?.startsWith("sigstore/cosign-installer@"))
        .map((step) => `${file}: ${String(step.with?.["cosign-release"])}`),
    );
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(new RegExp(`: ${VERSIONS.tools.cosign.version}$`));
  });

  it("the Node major of .nvmrc, in both Node bases", () => {
    const major = readFileSync(".nvmrc", "utf8").trim();
    expect(VERSIONS.images["node-build"].ref).toMatch(new RegExp(`^node:${major}-`));
    expect(VERSIONS.images["node-runtime"].ref).toContain(`/nodejs${major}-`);
  });
});

describe("the program reads versions.json", () => {
  it("the registry's default image, and every base image a stack builds with, as its Dockerfile names the arg", () => {
    const platform = describePlatform(
      loadConfig(catalog, settingsConfigSource(readStackSettings("stacks/Pulumi.dev.yaml"))),
    );
    const basesOf = (app: string) =>
      Object.fromEntries(
        IMAGES.flatMap(({ ref, dockerfileArgs }) => {
          const arg = dockerfileArgs[`apps/${app}/Dockerfile`];
          return arg === undefined ? [] : [[arg, ref]];
        }),
      );
    const built = [
      ...platform.services.flatMap((service) => ("build" in service.image ? [service.image.build] : [])),
      platform.backupTool,
    ];
    expect(built.map((build) => build.app)).toEqual(expect.arrayContaining(["web", "front", "backup"]));
    for (const { app, baseImages } of built) expect(baseImages, app).toEqual(basesOf(app));
    expect(basesOf("registry")).toEqual({ REGISTRY_IMAGE: UPSTREAM_REGISTRY_IMAGE });
  });
});

describe("image references in the sources", () => {
  it(`none in ${SCANNED.join(", ")} is missing from versions.json, disagrees with it or repeats it in code`, () => {
    const files = SCANNED.flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((file) => scan(file, readFileSync(file, "utf8")))).toEqual([]);
  });

  it("the scan finds what it must: an unlisted base, a stale comment, a copy in code, an unlisted ARG", () => {
    const digest = VERSIONS.images.restic.ref.split("@")[1];
    expect(scan("apps/new/Dockerfile", "ARG BASE=python:3.12-slim\nFROM mariadb:11 AS db\nFROM ${BASE}\n")).toEqual([
      "apps/new/Dockerfile:1: python:3.12-slim is not in versions.json: list it under images (and read it from there)",
      "apps/new/Dockerfile:2: mariadb:11 is not in versions.json: list it under images (and read it from there)",
    ]);
    expect(
      scan(
        "components/x.ts",
        [
          "/** @default docker.io/library/registry:2.8.3@sha256:a3d8aaa6…5373 */",
          `const RESTIC = "docker.io/restic/restic:0.18.1@${digest}";`,
          "// pulled as restic/restic:0.17.3",
          'const old = "registry:2";',
        ].join("\n"),
      ),
    ).toEqual([
      `components/x.ts:1: docker.io/library/registry:2.8.3@sha256:a3d8aaa6…5373 disagrees with versions.json images.registry: ${VERSIONS.images.registry.ref}`,
      `components/x.ts:2: docker.io/restic/restic:0.18.1@${digest} repeats versions.json images.restic: read it from versions.json`,
      `components/x.ts:3: restic/restic:0.17.3 disagrees with versions.json images.restic: ${VERSIONS.images.restic.ref}`,
      `components/x.ts:4: registry:2 disagrees with versions.json images.registry: ${VERSIONS.images.registry.ref}`,
    ]);
    expect(scan("apps/web/Dockerfile", `ARG OTHER=${VERSIONS.images["node-build"].ref}\n`)).toEqual([
      `apps/web/Dockerfile:1: ${VERSIONS.images["node-build"].ref} is a default of ARG OTHER, which versions.json images.node-build.dockerfileArgs does not list for apps/web/Dockerfile`,
    ]);
    expect(scan("apps/web/Dockerfile", "ARG BUILD_IMAGE=node:24-alpine@sha256:" + "1".repeat(63) + "2\n")).toEqual([
      `apps/web/Dockerfile:1: node:24-alpine@sha256:${"1".repeat(63)}2 disagrees with versions.json images.node-build: ${VERSIONS.images["node-build"].ref}`,
    ]);
  });

  it("and leaves alone what only looks like one: modules, keys, host:port, URLs, placeholders, its own images", () => {
    const text = [
      'import { readFileSync } from "node:fs";',
      'const key = "dockyard:target", user = "65532:65532", at = "localhost:5000", ip = "127.0.0.1:5000";',
      'const url = "http://web:8080/", mirror = "mirror.example.com:5000/library/node:24-alpine";',
      `const image = \`registry.example.internal/web@sha256:\${"0".repeat(64)}\`, built = "dockyard/registry:3f2a";`,
      "// a comment naming the inventory's own: node:24-alpine, docker.io/library/registry:3.0.0",
      "/** `repo:tag@sha256:…` */",
    ].join("\n");
    expect(scan("infra/x.ts", text)).toEqual([]);
    expect(scan("stacks/Pulumi.x.yaml", "config:\n  dockyard:target: kubernetes # not registry:2\n")).toEqual([
      `stacks/Pulumi.x.yaml:2: registry:2 disagrees with versions.json images.registry: ${VERSIONS.images.registry.ref}`,
    ]);
  });
});
