import { describe, expect, it } from "vitest";
import { ContainerService } from "../../components/container-service";
import { PersistentVolume } from "../../components/persistent-volume";
import { find, record, resolve } from "../support/pulumi-harness";
import { IMAGE } from "./support/fixtures";
import { T } from "../support/types";

describe("PersistentVolume on Docker", () => {
  it("defaults: a local named volume called after the volume, retained on delete", async () => {
    let volume: PersistentVolume | undefined;
    const resources = await record(() => (volume = new PersistentVolume("web-data", { target: "docker" })));
    const child = find(resources, T.dockerVolume, "web-data");
    expect(child.inputs).toMatchObject({ name: "web-data", driver: "local" });
    expect(child.options).toMatchObject({ retainOnDelete: true, protect: false });
    expect(child.parent).toBe(find(resources, "dockyard:storage:PersistentVolume", "web-data").urn);
    expect(await resolve(volume!.volumeName)).toBe("web-data");
    expect(volume!.accessMode).toBe("ReadWriteOnce");
  });

  it("custom: retainOnDelete off, protect passed through, labels", async () => {
    const resources = await record(
      () =>
        new PersistentVolume(
          "scratch-data",
          { target: "docker", retainOnDelete: false, labels: { team: "platform" } },
          { protect: true },
        ),
    );
    const child = find(resources, T.dockerVolume, "scratch-data");
    expect(child.options).toMatchObject({ retainOnDelete: false, protect: true });
    expect(child.inputs.labels).toContainEqual({ label: "team", value: "platform" });
  });
});

describe("PersistentVolume on Kubernetes", () => {
  it("defaults: a 1 GiB ReadWriteOnce claim named after the volume, retained", async () => {
    let volume: PersistentVolume | undefined;
    const resources = await record(() => (volume = new PersistentVolume("web-data", { target: "kubernetes" })));
    const claim = find(resources, T.pvc, "web-data");
    expect(claim.inputs).toMatchObject({
      metadata: { name: "web-data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    });
    expect((claim.inputs as { spec: Record<string, unknown> }).spec.storageClassName).toBeUndefined();
    expect(claim.options).toMatchObject({ retainOnDelete: true, protect: false });
    expect(await resolve(volume!.volumeName)).toBe("web-data");
  });

  it("custom: size, class, access mode, namespace, protect", async () => {
    const resources = await record(
      () =>
        new PersistentVolume(
          "web-data",
          {
            target: "kubernetes",
            sizeGiB: 50,
            storageClass: "fast-ssd",
            accessMode: "ReadWriteMany",
            namespace: "apps",
          },
          { protect: true },
        ),
    );
    const claim = find(resources, T.pvc, "web-data");
    expect(claim.inputs).toMatchObject({
      metadata: { name: "web-data", namespace: "apps" },
      spec: {
        accessModes: ["ReadWriteMany"],
        storageClassName: "fast-ssd",
        resources: { requests: { storage: "50Gi" } },
      },
    });
    expect(claim.options.protect).toBe(true);
  });

  it("keeps its name whichever service mounts it", async () => {
    const claimNames: string[] = [];
    for (const serviceName of ["web", "web-v2"]) {
      const resources = await record(() => {
        const data = new PersistentVolume("web-data", { target: "kubernetes" });
        new ContainerService(serviceName, {
          target: "kubernetes",
          image: IMAGE,
          volumes: [{ volume: data, mountPath: "/data" }],
        });
      });
      const set = find(resources, T.statefulSet, serviceName).inputs as {
        spec: { template: { spec: { volumes: { persistentVolumeClaim?: { claimName: string } }[] } } };
      };
      const claim = find(resources, T.pvc, "web-data").inputs as { metadata: { name: string } };
      claimNames.push(
        claim.metadata.name,
        ...set.spec.template.spec.volumes.flatMap((v) =>
          v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
        ),
      );
    }
    expect(claimNames).toEqual(["web-data", "web-data", "web-data", "web-data"]);
  });
});
