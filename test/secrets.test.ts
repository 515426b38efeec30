// Which strings the program treats as secret (infra/secrets.ts): a secret value itself, and the
// host and user of a secret URI or address; and how inputs holding one become Pulumi secrets.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { markSecrets, protectSecretValues, secretFragments } from "../infra/secrets";
import { isSecret, record, resolve } from "./support/pulumi-harness";

/** Whether `value` became a Pulumi secret. */
async function marked(value: unknown): Promise<boolean> {
  return pulumi.Output.isInstance(value) && (await isSecret(value));
}

describe("secret fragments", () => {
  it("a plain value is its own fragment", () => {
    expect(secretFragments(["s3cr3t-password"])).toEqual(["s3cr3t-password"]);
  });

  it("a URI adds its user and host, an address its host", () => {
    expect(secretFragments(["qemu+ssh://deploy@vm-host.internal:2222/system"])).toEqual([
      "qemu+ssh://deploy@vm-host.internal:2222/system",
      "deploy",
      "vm-host.internal",
    ]);
    expect(secretFragments(["registry.example.com:5000"])).toEqual([
      "registry.example.com:5000",
      "registry.example.com",
    ]);
    expect(secretFragments(["tcp://[fd00::1]:2375"])).toEqual(["tcp://[fd00::1]:2375", "[fd00::1]"]);
  });

  it("leaves out parts shorter than four characters (they would mask half the stack), keeps four", () => {
    expect(secretFragments(["ssh://ops@abc/x"])).toEqual(["ssh://ops@abc/x"]);
    expect(secretFragments(["ssh://opsy@abcd/x"])).toEqual(["ssh://opsy@abcd/x", "opsy", "abcd"]);
  });

  it("takes nothing from a path: its first segment is not a host", () => {
    expect(secretFragments(["/data/keys/id_ed25519"])).toEqual(["/data/keys/id_ed25519"]);
  });
});

describe("marking inputs that hold a secret", () => {
  it("a string holding a fragment of four characters or more becomes a secret; a shorter one only when whole", async () => {
    const result = markSecrets(
      { url: "https://x-s3cr3t-y", short: "xabcx", exact: "abc", four: "xwxyzx", plain: "nothing" },
      ["s3cr3t", "abc", "wxyz"],
    ) as Record<string, unknown>;
    expect(await marked(result.url)).toBe(true);
    expect(result.short).toBe("xabcx");
    expect(await marked(result.exact)).toBe(true);
    expect(await marked(result.four)).toBe(true);
    expect(result.plain).toBe("nothing");
  });

  it("leaves everything as it is without fragments, and never the provider of a dynamic resource", () => {
    const value = { a: "s3cr3t", list: ["s3cr3t"] };
    expect(markSecrets(value, [])).toBe(value);
    const provider = markSecrets({ __provider: "code mentioning s3cr3t" }, ["s3cr3t"]) as Record<string, unknown>;
    expect(provider.__provider).toBe("code mentioning s3cr3t");
  });

  it("leaves numbers, booleans, null, assets, archives and resources alone", async () => {
    const asset = new pulumi.asset.StringAsset("s3cr3t");
    const archive = new pulumi.asset.AssetArchive({ file: asset });
    expect(markSecrets(5, ["s3cr3t"])).toBe(5);
    expect(markSecrets(null, ["s3cr3t"])).toBe(null);
    expect(markSecrets(true, ["s3cr3t"])).toBe(true);
    expect(markSecrets(asset, ["s3cr3t"])).toBe(asset);
    expect(markSecrets(archive, ["s3cr3t"])).toBe(archive);
    await record(() => {
      const resource = new pulumi.ComponentResource("test:index:Holder", "s3cr3t-holder");
      expect(markSecrets(resource, ["s3cr3t"])).toBe(resource);
    });
  });

  it("reaches strings inside outputs and promises", async () => {
    const fromOutput = markSecrets(pulumi.output({ url: "x-s3cr3t" }), ["s3cr3t"]) as pulumi.Output<unknown>;
    expect(await isSecret(fromOutput)).toBe(true);
    expect(await resolve(fromOutput)).toEqual({ url: "x-s3cr3t" });
    const fromPromise = markSecrets(Promise.resolve(["s3cr3t"]), ["s3cr3t"]) as pulumi.Output<unknown>;
    expect(await isSecret(fromPromise)).toBe(true);
  });

  it("registers nothing without secret values (and so needs no stack)", () => {
    expect(() => protectSecretValues([])).not.toThrow();
  });
});
