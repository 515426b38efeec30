import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { ServiceImage, type ServiceImageArgs } from "../../components/service-image";
import { find, record, resolve, MASKED } from "../support/pulumi-harness";
import { T } from "../support/types";

const REGISTRY = { address: "127.0.0.1:5000", username: "dockyard", password: pulumi.secret("s3cret-pass") };
const BASE: ServiceImageArgs = { context: "apps/web", repository: "web", revision: "0123456789ab", registry: REGISTRY };

describe("ServiceImage", () => {
  it("defaults: BuildKit builds the context for linux/amd64 on preview too, tags with the revision, pushes with credentials, caches in the registry", async () => {
    let ref!: pulumi.Output<string>;
    const resources = await record(() => {
      ref = new ServiceImage("web", BASE).ref;
    });
    const image = find(resources, T.image, "web");
    expect(image.parent).toBe(find(resources, "dockyard:image:ServiceImage", "web").urn);
    const cache = "127.0.0.1:5000/web:buildcache";
    expect(image.inputs).toMatchObject({
      tags: ["127.0.0.1:5000/web:0123456789ab"],
      context: { location: "apps/web" },
      dockerfile: { location: "apps/web/Dockerfile" },
      buildArgs: {},
      platforms: ["linux/amd64"],
      push: true,
      // The password makes each registry entry secret: its fields are shown, none of its values.
      registries: [MASKED],
      cacheFrom: [{ registry: { ref: cache } }],
      cacheTo: [{ registry: { ref: cache, mode: "max", ignoreError: true } }],
      buildOnPreview: true,
    });
    expect(JSON.stringify(resources)).not.toContain("s3cret-pass");
    expect(await resolve(ref)).toMatch(/^127\.0\.0\.1:5000\/web@sha256:[a-f0-9]{64}$/);
  });

  it("custom: every option reaches the build", async () => {
    const resources = await record(() => {
      new ServiceImage("api", {
        ...BASE,
        repository: "team/api",
        dockerfile: "Containerfile",
        buildArgs: { BASE_IMAGE: "mirror.internal/distroless/nodejs24" },
        platform: "linux/arm64",
        buildOnPreview: false,
      });
    });
    expect(find(resources, T.image, "api").inputs).toMatchObject({
      tags: ["127.0.0.1:5000/team/api:0123456789ab"],
      dockerfile: { location: "apps/web/Containerfile" },
      buildArgs: { BASE_IMAGE: "mirror.internal/distroless/nodejs24" },
      platforms: ["linux/arm64"],
      buildOnPreview: false,
    });
  });

  it.each([
    [{ repository: "Web" }, `ServiceImage "x": repository must be lowercase path components, got "Web"`],
    [{ revision: "latest" }, `ServiceImage "x": revision must name a source revision, not "latest"`],
    [{ revision: "bad tag" }, `ServiceImage "x": revision must be a valid tag`],
    [{ context: "" }, `ServiceImage "x": context must be a build context directory`],
  ])("rejects %j", async (change, message) => {
    await expect(record(() => new ServiceImage("x", { ...BASE, ...change }))).rejects.toThrow(message);
  });
});
