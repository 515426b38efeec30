import { describe, expect, it } from "vitest";
import { imageIdentity, stackConfigSchema } from "../infra/config-schema";
import { catalog } from "../infra/platform";
import { markedPaths } from "../infra/schema-marks";

describe("config schema marks", () => {
  const schema = stackConfigSchema(catalog);

  it("lists the environment knobs: sizes, endpoints, schedules, retention, protection", () => {
    expect(markedPaths(schema, "knob").sort()).toEqual(
      [
        "backup.check.readDataPercent",
        "backup.image",
        "backup.check.schedule",
        "backup.drill.maxSnapshotAgeHours",
        "backup.drill.schedule",
        "backup.keep.daily",
        "backup.keep.hourly",
        "backup.keep.last",
        "backup.keep.monthly",
        "backup.keep.weekly",
        "backup.keep.yearly",
        "backup.repository.password",
        "backup.repository.restPassword",
        "backup.repository.restUsername",
        "backup.repository.s3AccessKeyId",
        "backup.repository.s3SecretAccessKey",
        "backup.repository.sshKnownHosts",
        "backup.repository.sshPrivateKey",
        "backup.repository.url",
        "backup.schedule",
        "endpoints.dockerHost",
        "endpoints.kubeContext",
        "endpoints.libvirtUri",
        "endpoints.namespace",
        "protect",
        "promotion.from",
        "registry.mirror",
        "registry.password",
        "registry.address",
        "registry.username",
        ...Object.entries(catalog.services).flatMap(([name, service]) =>
          [
            "cpu",
            "memory",
            "replicas",
            ...(service.builds === false ? [] : ["image"]),
            ...(service.exposed ? ["host"] : []),
            ...(service.minReplicas === undefined
              ? []
              : ["autoscaling.minReplicas", "autoscaling.maxReplicas", "autoscaling.targetCpuUtilization"]),
          ].map((knob) => `services.${name}.${knob}`),
        ),
        "gateway.className",
        "monitoring.namespace",
        "monitoring.release",
        "gateway.dataPlane.namespace",
        "gateway.dataPlane.podLabels",
        "gateway.tls.issuer",
        "gateway.tls.issuerKind",
        "gateway.tls.certificate",
        "gateway.tls.key",
        "vms.legacy.diskSizeGiB",
        "vms.legacy.memoryMiB",
        "vms.legacy.sshAuthorizedKeys",
        "vms.legacy.vcpus",
        ...catalog.volumes.flatMap((name) => [`volumes.${name}.sizeGiB`, `volumes.${name}.storageClass`]),
      ].sort(),
    );
  });

  it("a backup repository's kind is not a knob: parity compares its backend and transport", () => {
    expect(markedPaths(schema, "shape")).toContain("backup.repository.url");
  });

  it("does not let topology differ: target, registry mode, VM presence, opt-outs are not knobs", () => {
    const knobs = markedPaths(schema, "knob");
    for (const key of [
      "target",
      "registry.mode",
      "vms.legacy.enabled",
      "services.web.security.allowWritableRootFilesystem",
      "services.web.security.allowPrivilegeEscalation",
      "gateway.tls.source",
      "unsafe.allowLatestTag",
    ]) {
      expect(knobs).not.toContain(key);
    }
  });

  it("an image is a knob only for the registry serving it: parity compares its digest", () => {
    expect(markedPaths(schema, "shape")).toEqual(
      expect.arrayContaining(["services.web.image", "services.front.image", "backup.image"]),
    );
    const digest = `sha256:${"a".repeat(64)}`;
    expect(imageIdentity(`registry.test.example.internal/web@${digest}`)).toBe(digest);
    expect(imageIdentity(`registry.example.internal/team/web@${digest}`)).toBe(digest);
    expect(imageIdentity("127.0.0.1:5000/web:1.0")).toBe("127.0.0.1:5000/web:1.0");
    expect(imageIdentity(undefined)).toBe("built by the stack from source");
  });

  it("lists the secrets", () => {
    expect(markedPaths(schema, "secret")).toEqual([
      "registry.password",
      "gateway.tls.certificate",
      "gateway.tls.key",
      "backup.repository.password",
      "backup.repository.restUsername",
      "backup.repository.restPassword",
      "backup.repository.s3AccessKeyId",
      "backup.repository.s3SecretAccessKey",
      "backup.repository.sshPrivateKey",
    ]);
  });
});
