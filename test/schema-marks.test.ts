import { describe, expect, it } from "vitest";
import { stackConfigSchema } from "../infra/config-schema";
import { catalog } from "../infra/platform";
import { markedPaths } from "../infra/schema-marks";

describe("config schema marks", () => {
  const schema = stackConfigSchema(catalog);

  it("lists the environment knobs: sizes, endpoints, schedules, retention, protection", () => {
    expect(markedPaths(schema, "knob").sort()).toEqual(
      [
        "backup.retentionDays",
        "backup.schedule",
        "endpoints.dockerHost",
        "endpoints.kubeContext",
        "endpoints.libvirtUri",
        "endpoints.namespace",
        "protect",
        "registry.mirror",
        "registry.password",
        "registry.address",
        "registry.username",
        "services.web.cpu",
        "services.web.memory",
        "services.web.replicas",
        "services.front.cpu",
        "services.front.memory",
        "services.front.replicas",
        "services.front.host",
        "services.front.autoscaling.minReplicas",
        "services.front.autoscaling.maxReplicas",
        "services.front.autoscaling.targetCpuUtilization",
        "ingress.className",
        "ingress.controllerNamespace",
        "ingress.tls.issuer",
        "ingress.tls.issuerKind",
        "ingress.tls.certificate",
        "ingress.tls.key",
        "vms.legacy.diskSizeGiB",
        "vms.legacy.memoryMiB",
        "vms.legacy.sshAuthorizedKeys",
        "vms.legacy.vcpus",
        "volumes.web-data.sizeGiB",
        "volumes.web-data.storageClass",
      ].sort(),
    );
  });

  it("does not let topology or images differ: target, registry mode, VM presence, images, opt-outs are not knobs", () => {
    const knobs = markedPaths(schema, "knob");
    for (const key of [
      "target",
      "registry.mode",
      "vms.legacy.enabled",
      "services.web.image",
      "services.web.security.allowWritableRootFilesystem",
      "services.web.security.allowPrivilegeEscalation",
      "services.front.image",
      "ingress.tls.source",
      "unsafe.allowLatestTag",
    ]) {
      expect(knobs).not.toContain(key);
    }
  });

  it("lists the secrets", () => {
    expect(markedPaths(schema, "secret")).toEqual(["registry.password", "ingress.tls.certificate", "ingress.tls.key"]);
  });
});
