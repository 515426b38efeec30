/**
 * No data is lost by an update or a `pulumi destroy` in prod: every resource that holds state
 * or a credential others depend on is protected (and, where it holds data, kept on delete).
 * A change that drops `protect` anywhere in that list fails here.
 */
import { generatedSecretNames, platformOf } from "./support/topology";
import { describe, expect, it } from "vitest";
import { PersistentVolume } from "../components";
import { evaluate, find, ofType, record, type RecordedResource } from "./support/pulumi-harness";
import { T } from "./support/types";

/** Types whose loss loses data or locks clients out, and whether deleting them must also keep them. */
const STATEFUL: Record<string, { retain: boolean }> = {
  [T.pvc]: { retain: true },
  [T.dockerVolume]: { retain: true },
  [T.namespace]: { retain: true },
  [T.password]: { retain: false },
  "pulumi-nodejs:dynamic/libvirt:Volume": { retain: false },
  "pulumi-nodejs:dynamic/libvirt:Domain": { retain: false },
  "pulumi-nodejs:dynamic/libvirt:CloudInitSeed": { retain: false },
};

function stateful(resources: readonly RecordedResource[]): RecordedResource[] {
  return resources.filter((resource) => STATEFUL[resource.type] !== undefined);
}

describe("prod protects every stateful resource", () => {
  it("volumes, the backup repository's Secret, VM disks and seed, the domain, registry data and password, the namespace", async () => {
    const { resources } = await evaluate("prod");
    const found = stateful(resources);
    // The list itself: what prod holds (a resource dropped from it would drop its protection unseen).
    const platform = platformOf("prod");
    expect(found.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
      [
        "kubernetes:core/v1:Namespace::namespace",
        "kubernetes:core/v1:PersistentVolumeClaim::registry-data",
        ...platform.volumes.map(({ name }) => `kubernetes:core/v1:PersistentVolumeClaim::${name}`),
        "pulumi-nodejs:dynamic/libvirt:CloudInitSeed::legacy-seed",
        "pulumi-nodejs:dynamic/libvirt:Domain::legacy",
        "pulumi-nodejs:dynamic/libvirt:Volume::legacy-root",
        "random:index/randomPassword:RandomPassword::registry-password",
        ...generatedSecretNames(platform).map((name) => `random:index/randomPassword:RandomPassword::${name}`),
      ].sort(),
    );
    for (const resource of found) {
      expect(resource.options.protect, `${resource.type}::${resource.name} protect`).toBe(true);
      if (STATEFUL[resource.type].retain)
        expect(resource.options.retainOnDelete, `${resource.name} retainOnDelete`).toBe(true);
    }
    // The snapshots are off-site; the key to them is the backup's Secret, protected and kept.
    expect(find(resources, T.secret, "web-data-backup-repository").options).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
  });

  it.each(["dev", "test"])(
    "%s leaves them unprotected (protect is an environment knob) but keeps volumes on delete",
    async (stack) => {
      const { resources } = await evaluate(stack);
      for (const resource of stateful(resources)) {
        expect(resource.options.protect, `${resource.name}`).toBe(false);
        // A `-files` volume holds config files the program writes again, a `-scratch` volume a
        // backup's working space; data volumes are kept.
        const data =
          resource.type.endsWith("PersistentVolumeClaim") ||
          (resource.type === T.dockerVolume && !/-(files|scratch)$/.test(resource.name));
        if (data) {
          expect(resource.options.retainOnDelete, `${resource.name}`).toBe(true);
        }
      }
    },
  );
});

describe("PersistentVolume", () => {
  it.each([
    ["docker", T.dockerVolume],
    ["kubernetes", T.pvc],
  ] as const)(
    "%s: protect on the component reaches the volume, and data is kept on delete by default",
    async (target, type) => {
      const guarded = await record(() => new PersistentVolume("data", { target }, { protect: true }));
      expect(find(guarded, type, "data").options).toMatchObject({ protect: true, retainOnDelete: true });
      const plain = await record(() => new PersistentVolume("data", { target }));
      expect(find(plain, type, "data").options).toMatchObject({ protect: false, retainOnDelete: true });
      const dropped = await record(() => new PersistentVolume("data", { target, retainOnDelete: false }));
      expect(ofType(dropped, type)[0].options.retainOnDelete).toBe(false);
    },
  );
});
