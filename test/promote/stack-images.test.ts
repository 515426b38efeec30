import { describe, expect, it } from "vitest";
import { withServiceImages } from "../../infra/promote/stack-images";

const REF = `registry.example.internal/web@sha256:${"a".repeat(64)}`;

describe("withServiceImages", () => {
  it("replaces an existing image in place, keeping its comment and the file's layout", () => {
    const text = "config:\n  dockyard:services:\n    web:\n      image: old # pinned by CI\n\n      cpu: 1\n";
    expect(withServiceImages(text, "f.yaml", { web: REF })).toBe(
      `config:\n  dockyard:services:\n    web:\n      image: ${REF} # pinned by CI\n\n      cpu: 1\n`,
    );
  });

  it("adds the services block or the service entry when the file has none, and follows a bare `services` key", () => {
    expect(withServiceImages("# dev\nconfig:\n  dockyard:target: docker\n", "f.yaml", { web: REF })).toBe(
      `# dev\nconfig:\n  dockyard:target: docker\n  dockyard:services:\n    web:\n      image: ${REF}\n`,
    );
    expect(withServiceImages("config:\n  services:\n    web:\n", "f.yaml", { web: REF })).toBe(
      `config:\n  services:\n    web:\n      image: ${REF}\n`,
    );
  });

  it("refuses to overwrite a secret image or a service that is not a mapping", () => {
    expect(() =>
      withServiceImages("config:\n  dockyard:services:\n    web:\n      image:\n        secure: AAAA\n", "f.yaml", {
        web: REF,
      }),
    ).toThrow("f.yaml: dockyard:services.web.image is a secret");
    expect(() => withServiceImages("config:\n  dockyard:services:\n    web: [1]\n", "f.yaml", { web: REF })).toThrow(
      "f.yaml: dockyard:services.web is not a mapping",
    );
  });
});
