// runtimeConfigSource: config as the engine hands it to `pulumi up` (primed here with the SDK's
// setAllConfig, as the engine primes it), and which of its values are secrets. The engine names
// only the top-level keys that hold a secret somewhere; the committed stack file tells which
// values inside them are public already.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { runtimeConfigSource } from "../infra/config-source";
import { writeStackFile } from "./support/stack-files";

const REGISTRY_FILE = {
  "dockyard:target": "kubernetes",
  "dockyard:registry": {
    mode: "external",
    address: "registry.example.com",
    username: "ci",
    password: { secure: "v1:AAAAAAAAAAAAAAAA:ciphertext" },
  },
};

/** The engine's config: objects as JSON, and the keys it knows hold a secret. */
function engine(config: Record<string, unknown>, secretKeys: string[]): void {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    ),
    secretKeys,
  );
}

afterEach(() => pulumi.runtime.setAllConfig({}, []));

describe("config from the engine", () => {
  it("keys values without the namespace, accepts the engine's own keys and names every foreign one", () => {
    engine(
      {
        "dockyard:target": "docker",
        "pulumi:tags": "{}",
        "dockyrd:protect": "true",
        "kubernetes:context": "x",
        nocolon: "1",
      },
      [],
    );
    const source = runtimeConfigSource("stacks/Pulumi.dev.yaml");
    expect(source).toEqual({
      file: "stacks/Pulumi.dev.yaml",
      values: { target: "docker" },
      secretPaths: [],
      uncertainSecretKeys: [],
      offline: false,
      problems: [
        {
          file: "stacks/Pulumi.dev.yaml",
          key: "dockyrd:protect",
          message: 'is in namespace "dockyrd", which dockyard does not read: did you mean dockyard:protect?',
        },
        {
          file: "stacks/Pulumi.dev.yaml",
          key: "kubernetes:context",
          message:
            "configures the default kubernetes provider, which dockyard never uses (its providers come from dockyard:endpoints): remove it",
        },
        {
          file: "stacks/Pulumi.dev.yaml",
          key: "nocolon",
          message: `is in namespace "", which dockyard does not read: remove it (dockyard's keys are dockyard:<key>)`,
        },
      ],
    });
  });

  it("reads the stack's own file by default", () => {
    engine({}, []);
    expect(runtimeConfigSource().file).toBe(`stacks/Pulumi.${pulumi.getStack()}.yaml`);
  });

  it("inside a secret key, treats as plain only what the committed file holds in plaintext with the same value", () => {
    const file = writeStackFile(REGISTRY_FILE);
    const registry = { mode: "external", address: "registry.example.com", username: "ci", password: "s3cr3t-pw" };
    engine({ "dockyard:target": "kubernetes", "dockyard:registry": registry, "other:token": "x" }, [
      "dockyard:registry",
      "other:token",
    ]);
    expect(runtimeConfigSource(file).secretPaths).toEqual([["registry", "password"]]);

    // Changed locally since the commit: no longer public, so secret.
    engine({ "dockyard:registry": { ...registry, address: "private.example.com" } }, ["dockyard:registry"]);
    expect(runtimeConfigSource(file).secretPaths).toEqual([
      ["registry", "address"],
      ["registry", "password"],
    ]);
  });

  it("keeps a value secret where the committed file has it secure, even if it reads the same as the offline stand-in", () => {
    const file = writeStackFile(REGISTRY_FILE);
    engine({ "dockyard:registry": { username: "ci", password: "offline-secret-value" } }, ["dockyard:registry"]);
    expect(runtimeConfigSource(file).secretPaths).toEqual([["registry", "password"]]);
  });

  it("takes a whole key as secret when the committed file does not have it, a scalar included", () => {
    const file = writeStackFile({ "dockyard:target": "kubernetes" });
    engine({ "dockyard:registry": { password: "pw" }, "dockyard:protect": "true" }, [
      "dockyard:registry",
      "dockyard:protect",
    ]);
    expect(runtimeConfigSource(file).secretPaths).toEqual([["registry"], ["protect"]]);
  });

  it("a scalar the committed file holds in plaintext with the same value is not a secret", () => {
    const file = writeStackFile({ "dockyard:target": "kubernetes" });
    engine({ "dockyard:target": "kubernetes" }, ["dockyard:target"]);
    expect(runtimeConfigSource(file).secretPaths).toEqual([]);
  });

  it("without a readable committed file, says which keys hold secrets somewhere", () => {
    engine({ "dockyard:registry": { password: "pw" }, "dockyard:target": "docker" }, ["dockyard:registry"]);
    const source = runtimeConfigSource("/nonexistent/Pulumi.case.yaml");
    expect(source.secretPaths).toEqual([]);
    expect(source.uncertainSecretKeys).toEqual(["registry"]);
  });
});
