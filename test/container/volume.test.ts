import { describe, expect, it } from "vitest";
import { type IPersistentVolumeClaim, PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import {
  dockerVolumeSettings,
  persistentVolumeClaim,
  resolveVolumeSpec,
} from "../../components/persistent-volume/resolve";
import { ComponentArgError } from "../../components/errors";
import type { PersistentVolumeArgs } from "../../components/persistent-volume";
import { plain } from "./support/fixtures";

describe("resolveVolumeSpec", () => {
  it("defaults: 1 GiB, ReadWriteOnce, retained, cluster default class", () => {
    expect(resolveVolumeSpec("web-data", { target: "kubernetes" })).toEqual({
      name: "web-data",
      target: "kubernetes",
      sizeGiB: 1,
      accessMode: "ReadWriteOnce",
      storageClass: undefined,
      namespace: undefined,
      labels: {},
      retainOnDelete: true,
    });
  });

  it.each([
    ["size zero", { sizeGiB: 0 }, "sizeGiB must be an integer from 1 to 65536, got 0"],
    ["fractional size", { sizeGiB: 1.5 }, "sizeGiB must be an integer from 1 to 65536, got 1.5"],
    [
      "unknown access mode",
      { accessMode: "ReadWriteSometimes" },
      `accessMode must be one of "ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany", got "ReadWriteSometimes"`,
    ],
    [
      "bad storage class",
      { storageClass: "Fast SSD" },
      `storageClass must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "Fast SSD"`,
    ],
    ["retainOnDelete not a boolean", { retainOnDelete: "yes" }, `retainOnDelete must be true or false, got "yes"`],
    ["unknown target", { target: "nfs" }, `target must be "docker" or "kubernetes", got "nfs"`],
  ])("%s → ComponentArgError", (_name, change, message) => {
    const attempt = () => resolveVolumeSpec("web-data", { target: "kubernetes", ...change } as PersistentVolumeArgs);
    expect(attempt).toThrow(ComponentArgError);
    expect(attempt).toThrow(`PersistentVolume "web-data": ${message}`);
  });

  it("rejects a name that cannot be a volume or claim name", () => {
    expect(() => resolveVolumeSpec("Web Data", { target: "docker" })).toThrow(
      `PersistentVolume "Web Data": name must be a DNS label`,
    );
  });
});

describe("volume translators", () => {
  it("a Docker named volume called after the volume itself", () => {
    const s = dockerVolumeSettings(resolveVolumeSpec("web-data", { target: "docker", labels: { team: "platform" } }));
    expect(s.name).toBe("web-data");
    expect(s.driver).toBe("local");
    expect(s.labels).toEqual([
      { label: "team", value: "platform" },
      { label: "app.kubernetes.io/name", value: "web-data" },
      { label: "app.kubernetes.io/component", value: "storage" },
      { label: "app.kubernetes.io/part-of", value: "dockyard" },
      { label: "app.kubernetes.io/managed-by", value: "pulumi" },
    ]);
  });

  it("a PVC named after the volume, with size, class, access mode and namespace", () => {
    const pvc = plain<IPersistentVolumeClaim>(
      persistentVolumeClaim(
        resolveVolumeSpec("web-data", {
          target: "kubernetes",
          sizeGiB: 20,
          storageClass: "fast-ssd",
          accessMode: "ReadWriteOncePod",
          namespace: "apps",
        }),
      ),
    );
    expect(() => new PersistentVolumeClaim(pvc).validate()).not.toThrow();
    expect(pvc.metadata).toMatchObject({ name: "web-data", namespace: "apps" });
    expect(pvc.spec).toEqual({
      accessModes: ["ReadWriteOncePod"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: "20Gi" } },
      storageClassName: "fast-ssd",
    });
  });

  it("leaves the class to the cluster's default when none is given", () => {
    const pvc = plain<IPersistentVolumeClaim>(
      persistentVolumeClaim(resolveVolumeSpec("web-data", { target: "kubernetes" })),
    );
    expect(() => new PersistentVolumeClaim(pvc).validate()).not.toThrow();
    expect(pvc.spec?.storageClassName).toBeUndefined();
  });
});
