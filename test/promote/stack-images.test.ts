import { describe, expect, it } from "vitest";
import { withPinnedImages } from "../../infra/promote/stack-images";

const REF = `registry.example.internal/web@sha256:${"a".repeat(64)}`;

describe("withPinnedImages", () => {
  it("replaces an existing image in place, keeping its comment and the file's layout", () => {
    const text = "config:\n  dockyard:services:\n    web:\n      image: old # pinned by CI\n\n      cpu: 1\n";
    expect(withPinnedImages(text, "f.yaml", { "services.web": REF })).toBe(
      `config:\n  dockyard:services:\n    web:\n      image: ${REF} # pinned by CI\n\n      cpu: 1\n`,
    );
  });

  it("adds the services block or the service entry when the file has none, and follows a bare `services` key", () => {
    expect(withPinnedImages("# dev\nconfig:\n  dockyard:target: docker\n", "f.yaml", { "services.web": REF })).toBe(
      `# dev\nconfig:\n  dockyard:target: docker\n  dockyard:services:\n    web:\n      image: ${REF}\n`,
    );
    expect(withPinnedImages("config:\n  services:\n    web:\n", "f.yaml", { "services.web": REF })).toBe(
      `config:\n  services:\n    web:\n      image: ${REF}\n`,
    );
  });

  it("pins the backup tool under backup.image, beside the section's other keys", () => {
    const tool = `registry.example.internal/backup@sha256:${"b".repeat(64)}`;
    expect(withPinnedImages("config:\n  dockyard:backup:\n    schedule: 0 2 * * *\n", "f.yaml", { backup: tool })).toBe(
      `config:\n  dockyard:backup:\n    schedule: 0 2 * * *\n    image: ${tool}\n`,
    );
  });

  it("refuses to overwrite a secret image or a service that is not a mapping", () => {
    expect(() =>
      withPinnedImages("config:\n  dockyard:services:\n    web:\n      image:\n        secure: AAAA\n", "f.yaml", {
        "services.web": REF,
      }),
    ).toThrow("f.yaml: dockyard:services.web.image is a secret");
    expect(() =>
      withPinnedImages("config:\n  dockyard:services:\n    web: [1]\n", "f.yaml", { "services.web": REF }),
    ).toThrow("f.yaml: dockyard:services.web is not a mapping");
  });
});
