import { describe, expect, it } from "vitest";
import {
  formatImageRef,
  digestPinned,
  isImageRef,
  parseImageRef,
  throughMirror,
} from "../../components/registry/image-ref";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageRef", () => {
  it.each([
    ["registry", { registry: "docker.io", repository: "library/registry" }],
    ["registry:2", { registry: "docker.io", repository: "library/registry", tag: "2" }],
    ["team/web:1.2.3", { registry: "docker.io", repository: "team/web", tag: "1.2.3" }],
    ["127.0.0.1:5000/web:abc123", { registry: "127.0.0.1:5000", repository: "web", tag: "abc123" }],
    ["localhost/web", { registry: "localhost", repository: "web" }],
    [
      `registry.example.com/team/web@${DIGEST}`,
      { registry: "registry.example.com", repository: "team/web", digest: DIGEST },
    ],
    [
      `gcr.io/distroless/nodejs24-debian12:nonroot@${DIGEST}`,
      { registry: "gcr.io", repository: "distroless/nodejs24-debian12", tag: "nonroot", digest: DIGEST },
    ],
  ])("%s", (reference, expected) => {
    expect(parseImageRef(reference)).toEqual(expected);
  });

  it.each([
    ["", "non-empty"],
    ["Web:1", "repository"],
    ["web:bad tag", "has tag"],
    [" web", "without spaces"],
    ["web:-x", "has tag"],
    ["web@sha256:abc", "has digest"],
    ["web@md5:" + "a".repeat(32), "has digest"],
    ["reg..example.com/web", "registry"],
  ])("rejects %j", (reference, reason) => {
    const parsed = parseImageRef(reference);
    expect(isImageRef(parsed)).toBe(false);
    expect((parsed as { error: string }).error).toContain(reason);
  });

  it("round-trips through formatImageRef", () => {
    const ref = parseImageRef(`127.0.0.1:5000/team/web:v1@${DIGEST}`);
    expect(isImageRef(ref) && formatImageRef(ref)).toBe(`127.0.0.1:5000/team/web:v1@${DIGEST}`);
  });

  it("knows a digest-pinned reference from a tag, a bare digest and a look-alike", () => {
    expect(digestPinned(`web:1@${DIGEST}`)).toEqual({
      registry: "docker.io",
      repository: "library/web",
      tag: "1",
      digest: DIGEST,
    });
    for (const text of [
      "web:1",
      DIGEST,
      `@${DIGEST}`,
      `Web@${DIGEST}`,
      `web@${DIGEST} `,
      `web@${DIGEST.toUpperCase()}`,
    ])
      expect(digestPinned(text), text).toBeUndefined();
  });

  it("rewrites any registry to the mirror, keeping repository, tag and digest", () => {
    const ref = parseImageRef(`registry:2@${DIGEST}`);
    if (!isImageRef(ref)) throw new Error("parse failed");
    expect(formatImageRef(throughMirror(ref, "mirror.internal:5000"))).toBe(
      `mirror.internal:5000/library/registry:2@${DIGEST}`,
    );
    expect(throughMirror(ref, undefined)).toEqual(ref);
  });
});
