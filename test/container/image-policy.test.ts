import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { checkedImage, type ImagePolicy, imagePolicyProblem } from "../../components/image-policy";
import { argsOf } from "../../components/args";
import { ComponentArgError } from "../../components/errors";

const DIGEST = `sha256:${"c3".repeat(32)}`;
const STRICT: ImagePolicy = { allowLatestTag: false, allowMutableImageTag: false };
const MUTABLE: ImagePolicy = { allowLatestTag: false, allowMutableImageTag: true };
const ANY: ImagePolicy = { allowLatestTag: true, allowMutableImageTag: true };

/** Pulumi's Output internals: its value and the promises derived with it. */
interface OutputInternals<T> {
  promise(): Promise<T>;
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  allResources(): Promise<unknown>;
}

/**
 * An Output's value as a promise, rejecting when the Output does. The Output's other promises
 * (known, secret, resources) reject with it; they are observed here so they are not unhandled.
 */
function settled<T>(output: pulumi.Input<T>): Promise<T> {
  const o = pulumi.output(output) as unknown as OutputInternals<T>;
  for (const derived of [o.isKnown, o.isSecret, o.allResources()]) derived.catch(() => undefined);
  return o.promise();
}

describe("imagePolicyProblem", () => {
  it.each([
    [`registry.local/web@${DIGEST}`, STRICT],
    [`registry.local/web:1.0@${DIGEST}`, STRICT],
    [`127.0.0.1:5000/team/web@${DIGEST}`, STRICT],
    ["registry.local/web:1.0", MUTABLE],
    ["registry.local/web:latest", ANY],
    ["web", ANY],
  ])("accepts %s under %j", (reference, policy) => {
    expect(imagePolicyProblem(reference, "kubernetes", policy)).toBeUndefined();
  });

  it("rejects a tag-only reference by default, naming the fix and the opt-out", () => {
    expect(imagePolicyProblem("registry.local/web:1.0", "docker", STRICT)).toBe(
      `"registry.local/web:1.0" has no digest: a tag can be moved to other bytes after review; ` +
        `deploy repo[:tag]@sha256:<digest> (ServiceImage.ref gives one) or set security.allowMutableImageTag: true`,
    );
  });

  it("rejects latest, explicit or implied by a missing tag, even where mutable tags are allowed", () => {
    expect(imagePolicyProblem("registry.local/web:latest", "docker", MUTABLE)).toMatch(
      /^"registry.local\/web:latest" is tagged "latest": .* set security.allowLatestTag: true$/,
    );
    expect(imagePolicyProblem("web", "docker", MUTABLE)).toMatch(/^"web" has no tag, which means "latest": /);
    // a digest pins the bytes, but a "latest" tag beside it still misleads a reader
    expect(imagePolicyProblem(`web:latest@${DIGEST}`, "docker", STRICT)).toMatch(/is tagged "latest"/);
    expect(imagePolicyProblem(`web@${DIGEST}`, "docker", STRICT)).toBeUndefined();
  });

  it("allowLatestTag alone does not admit a reference without digest", () => {
    expect(imagePolicyProblem("web:latest", "docker", { allowLatestTag: true, allowMutableImageTag: false })).toMatch(
      /has no digest/,
    );
  });

  it("accepts a local image ID on Docker only", () => {
    expect(imagePolicyProblem(DIGEST, "docker", STRICT)).toBeUndefined();
    expect(imagePolicyProblem(DIGEST, "kubernetes", STRICT)).toMatch(
      /is a local image ID .* which only the Docker target can run/,
    );
  });

  it("reports what does not parse", () => {
    expect(imagePolicyProblem("Registry.local/Web:1", "docker", ANY)).toMatch(
      /^has repository "Web", expected lowercase path components, got/,
    );
    expect(imagePolicyProblem("web@sha256:abc", "docker", ANY)).toMatch(
      /^has digest "sha256:abc", expected sha256:<64 lowercase hex>/,
    );
  });
});

describe("checkedImage", () => {
  const at = argsOf("ContainerService", "web").field("image");
  /** A plain string checked as a component checks it: its problems thrown at the end. */
  const checkedNow = (image: string) => {
    const now = argsOf("ContainerService", "web").field("image");
    return now.problems.done({ image: checkedImage(now, image, "docker", STRICT) }).image;
  };

  it("checks a plain string at once with a ComponentArgError naming the component and argument", () => {
    expect(() => checkedNow("web:1")).toThrow(ComponentArgError);
    expect(() => checkedNow("web:1")).toThrow(`ContainerService "web": image "web:1" has no digest`);
    expect(checkedNow(`web@${DIGEST}`)).toBe(`web@${DIGEST}`);
  });

  it("checks an output when it resolves: a compliant one passes through", async () => {
    await expect(settled(checkedImage(at, pulumi.output(`web@${DIGEST}`), "kubernetes", STRICT))).resolves.toBe(
      `web@${DIGEST}`,
    );
  });

  it("checks an output when it resolves: a tag-only one fails with the same error", async () => {
    const checked = settled(checkedImage(at, pulumi.output("registry.local/web:2"), "kubernetes", STRICT));
    await expect(checked).rejects.toThrow(ComponentArgError);
    await expect(checked).rejects.toThrow(`ContainerService "web": image "registry.local/web:2" has no digest`);
  });

  it("an output that resolves to a local image ID fails on Kubernetes", async () => {
    await expect(settled(checkedImage(at, pulumi.output(DIGEST), "kubernetes", STRICT))).rejects.toThrow(
      /local image ID/,
    );
  });
});
