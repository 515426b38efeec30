import { describe, expect, it } from "vitest";
import { type IPodSpec, PodSpec } from "kubernetes-models/v1/PodSpec";
import { SCRATCH_VOLUME, podSpec, podTemplate } from "../../components/workload/pod-spec";
import { IMAGE, plain, serviceSpec, volumeRef } from "./support/fixtures";
import { restrictedViolations } from "./support/pod-security";

describe("podSpec", () => {
  it("defaults: restricted, read-only root, scratch emptyDir on /tmp, no token, requests = limits", () => {
    const pod = plain<IPodSpec>(podSpec(serviceSpec()));
    expect(() => new PodSpec(pod).validate()).not.toThrow();
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    const [container] = pod.containers;
    expect(container.image).toBe(IMAGE);
    expect(container.command).toBeUndefined();
    expect(container.resources).toEqual({
      requests: { cpu: "500m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    expect(container.volumeMounts).toEqual([{ name: SCRATCH_VOLUME, mountPath: "/tmp" }]);
    expect(pod.volumes).toEqual([{ name: SCRATCH_VOLUME, emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }]);
    expect(container.readinessProbe).toBeUndefined();
  });

  it("custom: command, args, ports, env, secrets by secretKeyRef, volumes, probes, resources", () => {
    const spec = serviceSpec({
      command: ["/nodejs/bin/node"],
      args: ["/app/main.ts"],
      ports: [{ containerPort: 8080, name: "http" }],
      environment: { LOG_LEVEL: "debug" },
      secrets: { API_TOKEN: "s3cret" },
      volumes: [
        { volume: volumeRef("web-data"), mountPath: "/data" },
        { volume: volumeRef("seed", "ReadOnlyMany"), mountPath: "/seed", readOnly: true },
      ],
      healthCheck: { path: "/healthz" },
      resources: { cpu: "1", memory: "1Gi", cpuRequest: "250m", memoryRequest: "512Mi" },
      scratchSize: "16Mi",
      stopGracePeriodSeconds: 5,
    });
    const pod = plain<IPodSpec>(podSpec(spec, "web-secrets-abc"));
    expect(() => new PodSpec(pod).validate()).not.toThrow();
    expect(restrictedViolations(pod)).toEqual([]);
    const [c] = pod.containers;
    expect(c.command).toEqual(["/nodejs/bin/node"]);
    expect(c.args).toEqual(["/app/main.ts"]);
    expect(c.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(c.env).toEqual([
      { name: "LOG_LEVEL", value: "debug" },
      { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "web-secrets-abc", key: "API_TOKEN" } } },
    ]);
    expect(JSON.stringify(pod)).not.toContain("s3cret");
    expect(c.resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
    expect(c.volumeMounts).toEqual([
      { name: SCRATCH_VOLUME, mountPath: "/tmp" },
      { name: "web-data", mountPath: "/data", readOnly: false },
      { name: "seed", mountPath: "/seed", readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: SCRATCH_VOLUME, emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
      { name: "web-data", persistentVolumeClaim: { claimName: "web-data", readOnly: false } },
      { name: "seed", persistentVolumeClaim: { claimName: "seed", readOnly: true } },
    ]);
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: 8080, scheme: "HTTP" });
    expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(c.startupProbe?.httpGet?.path).toBe("/healthz");
    expect(pod.terminationGracePeriodSeconds).toBe(5);
  });

  it("an added capability outside restricted is reported by the policy pack's check", () => {
    const pod = plain<IPodSpec>(podSpec(serviceSpec({ security: { addCapabilities: ["NET_ADMIN"] } })));
    expect(restrictedViolations(pod)).toEqual([expect.stringContaining("NET_ADMIN")]);
  });

  it("refuses to render secrets without the Secret's name", () => {
    expect(() => podSpec(serviceSpec({ secrets: { TOKEN: "x" } }))).toThrow("no Secret name");
  });

  it("labels the pod template with the recommended labels", () => {
    const template = plain<{ metadata: { labels: Record<string, string> } }>(
      podTemplate(serviceSpec({ component: "frontend", labels: { team: "platform" } })),
    );
    expect(template.metadata.labels).toEqual({
      team: "platform",
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/instance": "web",
      "app.kubernetes.io/component": "frontend",
      "app.kubernetes.io/part-of": "dockyard",
      "app.kubernetes.io/managed-by": "pulumi",
    });
  });
});
