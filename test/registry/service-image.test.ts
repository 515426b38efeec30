import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { ServiceImage, type ServiceImageArgs } from "../../components/service-image";
import { find, record, resolve, MASKED } from "../support/pulumi-harness";

const REGISTRY = { address: "127.0.0.1:5000", username: "dockyard", password: pulumi.secret("s3cret-pass") };
const BASE: ServiceImageArgs = { context: "apps/web", repository: "web", revision: "0123456789ab", registry: REGISTRY };

describe("ServiceImage", () => {
  it("defaults: builds the context for linux/amd64, tags with the revision, pushes with credentials, not on preview", async () => {
    let ref!: pulumi.Output<string>;
    const resources = await record(() => {
      ref = new ServiceImage("web", BASE).ref;
    });
    const image = find(resources, "docker:index/image:Image", "web");
    expect(image.parent).toBe(find(resources, "dockyard:image:ServiceImage", "web").urn);
    expect(image.inputs).toMatchObject({
      imageName: "127.0.0.1:5000/web:0123456789ab",
      build: { context: "apps/web", dockerfile: "apps/web/Dockerfile", args: {}, platform: "linux/amd64" },
      // The password makes the whole registry block secret: its fields are shown, none of its values.
      registry: MASKED,
      buildOnPreview: false,
      skipPush: false,
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
        buildOnPreview: true,
      });
    });
    expect(find(resources, "docker:index/image:Image", "api").inputs).toMatchObject({
      imageName: "127.0.0.1:5000/team/api:0123456789ab",
      build: {
        dockerfile: "apps/web/Containerfile",
        args: { BASE_IMAGE: "mirror.internal/distroless/nodejs24" },
        platform: "linux/arm64",
      },
      buildOnPreview: true,
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
