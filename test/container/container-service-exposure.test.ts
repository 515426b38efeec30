/**
 * ContainerService under mocks, reached from outside the cluster and scaled by an autoscaler: what
 * it declares, and the order the provider creates it in (the certificate before the Ingress, both
 * before `url` resolves).
 */
import { describe, expect, it } from "vitest";
import { ContainerService } from "../../components/container-service";
import { find, ofType, record, resolve } from "../support/pulumi-harness";
import { IMAGE } from "./support/fixtures";

const T = {
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
};

describe("ContainerService with an Ingress and an autoscaler", () => {
  it("cert-manager: Certificate awaited until Ready, then the Ingress; url waits for both; the HPA owns the count", async () => {
    let service: ContainerService | undefined;
    const resources = await record(
      () =>
        (service = new ContainerService("front", {
          target: "kubernetes",
          image: IMAGE,
          namespace: "apps",
          ports: [{ containerPort: 8080, name: "http" }],
          healthCheck: { path: "/healthz", readinessPath: "/readyz" },
          ingress: { host: "app.example.com", certificateIssuer: { name: "internal-ca" } },
          autoscaling: { minReplicas: 2, maxReplicas: 5 },
          allowDns: true,
        })),
    );
    const certificate = find(resources, T.certificate, "front");
    expect(certificate.inputs).toMatchObject({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "front", namespace: "apps", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
      spec: { secretName: "front-tls", dnsNames: ["app.example.com"] },
    });
    const ingress = find(resources, T.ingress, "front");
    expect(ingress.dependencies).toEqual(
      expect.arrayContaining([certificate.urn, find(resources, T.service, "front").urn]),
    );
    expect(ingress.inputs).toMatchObject({ spec: { tls: [{ secretName: "front-tls" }] } });
    expect(await resolve(service!.url)).toBe("https://app.example.com/");

    const deployment = find(resources, T.deployment, "front");
    expect((deployment.inputs as { spec: Record<string, unknown> }).spec.replicas).toBeUndefined();
    const hpa = find(resources, T.hpa, "front");
    const target = (hpa.inputs as { spec: { scaleTargetRef: { kind: string; name: string } } }).spec.scaleTargetRef;
    expect(target.kind).toBe("Deployment");
    expect(target.name).toMatch(/^front-[0-9a-f]{7}$/);
    expect(hpa.dependencies).toContain(deployment.urn);
    expect(ofType(resources, T.pdb)).toHaveLength(1);
  });

  it("a given TLS Secret: no Certificate; without an Ingress, url is undefined", async () => {
    const resources = await record(
      () =>
        new ContainerService("registry", {
          target: "kubernetes",
          image: IMAGE,
          ports: [{ containerPort: 5000 }],
          ingress: { host: "registry.example.com", tlsSecretName: "wildcard-tls" },
        }),
    );
    expect(ofType(resources, T.certificate)).toEqual([]);
    expect(find(resources, T.ingress, "registry").inputs).toMatchObject({
      spec: { tls: [{ hosts: ["registry.example.com"], secretName: "wildcard-tls" }] },
    });
    let plain: ContainerService | undefined;
    await record(() => (plain = new ContainerService("web", { target: "kubernetes", image: IMAGE })));
    expect(await resolve(plain!.url)).toBeUndefined();
  });
});
