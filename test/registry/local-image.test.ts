/**
 * The self-hosted registry's image on the Docker target: the one build description the Registry
 * component declares and the engine tests build (components/registry/local-image.ts), the tag that
 * names its inputs, and how dev declares it (ADR 0022).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { Registry } from "../../components/registry";
import { LOCAL_REGISTRY_REPOSITORY, registryImageBuild } from "../../components/registry/local-image";
import { UPSTREAM_REGISTRY_IMAGE, resolveRegistrySpec } from "../../components/registry/registry-spec";
import { selfHostedServiceArgs } from "../../components/registry/self-hosted";
import { resolveServiceSpec } from "../../components/workload/resolve";
import { evaluate, find, record } from "../support/pulumi-harness";
import { platformOf } from "../support/topology";
import { T } from "../support/types";

const DOCKERFILE = readFileSync("apps/registry/Dockerfile", "utf8");
const scratch = mkdtempSync(path.join(tmpdir(), "dockyard-registry-image-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let contexts = 0;
/** A build context holding the registry's Dockerfile (or the one given) and the files given. */
function context(files: Record<string, string> = {}, dockerfile = DOCKERFILE): string {
  const dir = path.join(scratch, `context-${(contexts += 1)}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const build = (buildContext: string, upstreamImage = UPSTREAM_REGISTRY_IMAGE, name = "registry") =>
  registryImageBuild({ name, upstreamImage, buildContext });

describe("registryImageBuild", () => {
  it("declares the context, its Dockerfile, the upstream image as REGISTRY_IMAGE, and a cache of its own", () => {
    expect(build("apps/registry")).toEqual({
      context: "apps/registry",
      dockerfile: "apps/registry/Dockerfile",
      buildArgs: { REGISTRY_IMAGE: UPSTREAM_REGISTRY_IMAGE },
      tag: expect.stringMatching(/^dockyard\.invalid\/registry:[a-f0-9]{16}$/) as unknown,
      cacheDirectory: "out/.buildcache/registry-image",
    });
    expect(build("apps/registry", UPSTREAM_REGISTRY_IMAGE, "images").cacheDirectory).toBe(
      "out/.buildcache/images-image",
    );
  });

  it("tags by the inputs alone: the same inputs in another directory give the same tag, whatever the registry's name", () => {
    const tag = build(context({ "etc/extra.conf": "x\n" })).tag;
    expect(build(context({ "etc/extra.conf": "x\n" })).tag).toBe(tag);
    expect(build(context({ "etc/extra.conf": "x\n" }), UPSTREAM_REGISTRY_IMAGE, "images").tag).toBe(tag);
    expect(tag.startsWith(`${LOCAL_REGISTRY_REPOSITORY}:`)).toBe(true);
  });

  it("gives another tag when any input changes: Dockerfile, upstream image, a file's content, name or mode, a link", () => {
    const base = build(context({ "etc/extra.conf": "x\n" })).tag;
    const executable = context({ "etc/extra.conf": "x\n" });
    chmodSync(path.join(executable, "etc/extra.conf"), 0o755);
    const linked = context({ "etc/extra.conf": "x\n" });
    symlinkSync("extra.conf", path.join(linked, "etc/link.conf"));
    const mirrored = UPSTREAM_REGISTRY_IMAGE.replace(/^docker\.io\//, "mirror.internal:5000/");
    const others = [
      build(context({ "etc/extra.conf": "x\n" }, `${DOCKERFILE}# changed\n`)).tag,
      build(context({ "etc/extra.conf": "x\n" }), mirrored).tag,
      build(context({ "etc/extra.conf": "y\n" })).tag,
      build(context({ "etc/other.conf": "x\n" })).tag,
      build(executable).tag,
      build(linked).tag,
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it("keeps the tag of given inputs from release to release: an upgrade of dockyard alone never replaces the registry", () => {
    // A file, an executable in a folder, a link: every kind of entry, hashed as today's releases hash it.
    const fixed = context({ "etc/a.conf": "a\n", "etc/run.sh": "#!/bin/sh\n" }, "FROM scratch\n");
    chmodSync(path.join(fixed, "etc/run.sh"), 0o755);
    symlinkSync("a.conf", path.join(fixed, "etc/b.conf"));
    expect(build(fixed, `docker.io/library/registry@sha256:${"0".repeat(64)}`).tag).toBe(
      `${LOCAL_REGISTRY_REPOSITORY}:48a7aead5a82cb9d`,
    );
  });

  it("does not depend on the order the file system lists a folder in", () => {
    const names = ["b.conf", "a.conf", "c.conf"];
    const forward = context(Object.fromEntries(names.map((name) => [`etc/${name}`, `${name}\n`])));
    const backward = context(Object.fromEntries([...names].reverse().map((name) => [`etc/${name}`, `${name}\n`])));
    expect(build(backward).tag).toBe(build(forward).tag);
  });

  it("refuses a build context without a Dockerfile: a ComponentArgError on buildContext, before any image", async () => {
    const empty = path.join(scratch, "empty");
    mkdirSync(empty);
    for (const buildContext of [empty, path.join(scratch, "missing")]) {
      let thrown: unknown;
      const resources = await record(() => {
        try {
          new Registry("registry", { target: "docker", buildContext });
        } catch (error) {
          thrown = error;
        }
      });
      expect(thrown).toBeInstanceOf(ComponentArgError);
      expect((thrown as Error).message).toContain(
        `Registry "registry": buildContext must be a directory holding a Dockerfile, got "${buildContext}"`,
      );
      expect(resources.filter((r) => r.type === T.image)).toEqual([]);
    }
  });
});

describe("the registry's container runs the tag", () => {
  it("on Docker the service admits that tag (a local image, never pulled); on Kubernetes a tag stays refused", () => {
    const data = { logicalName: "registry-data", volumeName: "registry-data", accessMode: "ReadWriteOnce" as const };
    const docker = resolveRegistrySpec("registry", { target: "docker" });
    if (docker.mode !== "self-hosted") throw new Error("expected a self-hosted spec");
    const { tag } = registryImageBuild(docker);
    expect(resolveServiceSpec("registry", selfHostedServiceArgs(docker, tag, data, {})).image).toBe(tag);
    const kubernetes = { ...docker, target: "kubernetes" as const };
    expect(() => resolveServiceSpec("registry", selfHostedServiceArgs(kubernetes, tag, data, {}))).toThrow(
      "has no digest",
    );
  });
});

describe("dev declares it", () => {
  it("through the stack's docker-build provider, on the engine at endpoints.dockerHost, loaded, built on preview", async () => {
    const { resources } = await evaluate("dev");
    const builder = find(resources, T.dockerBuildProvider, "docker-build");
    expect(builder.inputs.host).toBe(platformOf("dev").endpoints.dockerHost);
    const image = find(resources, T.image, "registry-image");
    expect(image.provider).toContain(builder.urn);
    expect(image.inputs).toMatchObject({ push: false, load: true, buildOnPreview: true });
    expect(image.inputs.registries).toBeUndefined(); // nothing to push to, no credentials
    const container = find(resources, T.container, "registry");
    expect(container.inputs.image).toBe((image.inputs.tags as string[])[0]);
    expect(container.dependencies).toContain(image.urn);
    // No image resource of @pulumi/docker remains.
    expect(resources.filter((r) => r.type.startsWith("docker:index/") && /image/i.test(r.type))).toEqual([]);
  });
});
