/**
 * ContainerService under mocks, reached from outside the cluster through a Gateway and scaled by an
 * autoscaler: what it declares, and the order the provider creates it in (the route after the
 * Gateway and its listener's certificate, all before `url` resolves).
 */
import { describe, expect, it } from "vitest";
import { ContainerService } from "../../components/container-service";
import { Gateway } from "../../components/gateway";
import { find, ofType, record, resolve } from "../support/pulumi-harness";
import { IMAGE } from "./support/fixtures";
import { T } from "../support/types";

const DATA_PLANE = {
  namespace: "envoy-gateway-system",
  podLabels: { "gateway.envoyproxy.io/owning-gateway-name": "edge" },
};

describe("ContainerService behind a Gateway, and scaled by an autoscaler", () => {
  it("cert-manager: the route after the Gateway and its listener's Ready Certificate; url waits for the route; the HPA owns the count", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => {
      const gateway = new Gateway("edge", {
        namespace: "apps",
        listeners: [{ name: "front", host: "app.example.com" }],
        certificateIssuer: { name: "internal-ca" },
        dataPlane: DATA_PLANE,
      });
      service = new ContainerService("front", {
        target: "kubernetes",
        image: IMAGE,
        namespace: "apps",
        ports: [{ containerPort: 8080, name: "http" }],
        healthCheck: { path: "/healthz", readinessPath: "/readyz" },
        route: { listener: gateway.listener("front") },
        autoscaling: { minReplicas: 2, maxReplicas: 5 },
        allowDns: true,
      });
    });
    const certificate = find(resources, T.certificate, "edge-front");
    expect(certificate.inputs).toMatchObject({
      metadata: { name: "front", namespace: "apps", annotations: { "pulumi.com/waitFor": "condition=Ready" } },
      spec: { secretName: "front-tls", dnsNames: ["app.example.com"] },
    });
    const gateway = find(resources, T.gateway, "edge");
    // The Gateway does not wait for the certificates: an ACME HTTP-01 challenge is answered through it.
    expect(gateway.dependencies).not.toContain(certificate.urn);
    expect(gateway.inputs).toMatchObject({
      metadata: { annotations: { "pulumi.com/waitFor": "condition=Programmed" } },
    });
    const route = find(resources, T.httpRoute, "front");
    expect(route.dependencies).toEqual(
      expect.arrayContaining([gateway.urn, certificate.urn, find(resources, T.service, "front").urn]),
    );
    expect(find(resources, T.httpRoute, "edge-https-redirect").dependencies).toContain(gateway.urn);
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

  it("a given TLS Secret: no Certificate; a TLS backend's policy before its route; without a route, url is undefined", async () => {
    const resources = await record(() => {
      const gateway = new Gateway("edge", {
        namespace: "apps",
        listeners: [{ name: "registry", host: "registry.example.com" }],
        tlsSecretName: "wildcard-tls",
        dataPlane: DATA_PLANE,
      });
      new ContainerService("registry", {
        target: "kubernetes",
        image: IMAGE,
        ports: [{ containerPort: 5000 }],
        route: { listener: gateway.listener("registry"), backendCaCertificate: "-----BEGIN CERTIFICATE-----\n" },
      });
    });
    expect(ofType(resources, T.certificate)).toEqual([]);
    expect(find(resources, T.gateway, "edge").inputs).toMatchObject({
      spec: {
        listeners: [{ name: "http" }, { name: "registry", tls: { certificateRefs: [{ name: "wildcard-tls" }] } }],
      },
    });
    const policy = find(resources, T.backendTlsPolicy, "registry-backend-tls");
    const bundle = find(resources, T.configMap, "registry-backend-ca");
    expect(find(resources, T.httpRoute, "registry").dependencies).toEqual(
      expect.arrayContaining([policy.urn, bundle.urn]),
    );
    let plain: ContainerService | undefined;
    await record(() => (plain = new ContainerService("web", { target: "kubernetes", image: IMAGE })));
    expect(await resolve(plain!.url)).toBeUndefined();
  });
});
