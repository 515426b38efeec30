/**
 * Translators of how a Kubernetes service is reached and what it reaches: NetworkPolicies (both
 * directions), the Ingress with TLS and its cert-manager Certificate, the HorizontalPodAutoscaler and
 * the replicated Deployment's spread. Every object passes its published schema.
 */
import { describe, expect, it } from "vitest";
import { Certificate, type ICertificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { type IIngress, Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { type INetworkPolicy, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { type IPodDisruptionBudget, PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { ContainerServiceArgs } from "../../components/container-service";
import { horizontalPodAutoscalerManifest } from "../../components/container-service/autoscaling";
import { certificateManifest, ingressManifest } from "../../components/container-service/ingress";
import { kubernetesManifests } from "../../components/container-service/kubernetes-objects";
import { defaultDenyPolicy, networkPolicyManifest } from "../../components/workload/network-policy";
import { resolveServiceSpec } from "../../components/workload/resolve";
import { AUTOSCALING_DEFAULTS } from "../../components/defaults";
import { ComponentArgError } from "../../components/errors";
import { MINIMAL, plain, serviceSpec, volumeRef } from "./support/fixtures";

const HTTP = { ports: [{ containerPort: 8080, name: "http" }] } satisfies Partial<ContainerServiceArgs>;
const CA = { name: "internal-ca" };
const labelsOf = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name });

describe("NetworkPolicy", () => {
  it("the namespace's default: every pod selected, nothing admitted in or out", () => {
    const policy = plain<INetworkPolicy>(defaultDenyPolicy("apps"));
    expect(() => new NetworkPolicy(policy).validate()).not.toThrow();
    expect(policy.metadata?.namespace).toBe("apps");
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
  });

  it("admits the ingress controller to its Ingress's port and allowFrom peers to every port; lets out DNS and allowTo destinations only", () => {
    const spec = serviceSpec({
      ...HTTP,
      ports: [...HTTP.ports, { containerPort: 9464, name: "metrics" }],
      ingress: { host: "app.example.com", certificateIssuer: CA },
      allowFrom: [{ service: "gateway", namespace: "edge" }],
      allowDns: true,
      allowTo: [
        { service: "web", ports: [{ port: 8080 }] },
        { cidr: "10.20.0.0/16", ports: [{ port: 8000 }, { port: 8443, protocol: "tcp" }] },
        { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12"], ports: [{ port: 443 }] },
        { namespace: "monitoring", ports: [{ port: 4317, protocol: "udp" }] },
      ],
    });
    const policy = plain<INetworkPolicy>(networkPolicyManifest(spec));
    expect(() => new NetworkPolicy(policy).validate()).not.toThrow();
    expect(policy.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec?.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
        ports: [{ port: 8080, protocol: "TCP" }],
      },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge" } },
            podSelector: { matchLabels: labelsOf("gateway") },
          },
        ],
        ports: [
          { port: 8080, protocol: "TCP" },
          { port: 9464, protocol: "TCP" },
        ],
      },
    ]);
    expect(policy.spec?.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
      { to: [{ podSelector: { matchLabels: labelsOf("web") } }], ports: [{ port: 8080, protocol: "TCP" }] },
      {
        to: [{ ipBlock: { cidr: "10.20.0.0/16" } }],
        ports: [
          { port: 8000, protocol: "TCP" },
          { port: 8443, protocol: "TCP" },
        ],
      },
      {
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12"] } }],
        ports: [{ port: 443, protocol: "TCP" }],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
        ports: [{ port: 4317, protocol: "UDP" }],
      },
    ]);
  });

  it("admits nobody to a service without ports, whatever allowFrom says", () => {
    const policy = plain<INetworkPolicy>(networkPolicyManifest(serviceSpec({ allowFrom: [{ service: "front" }] })));
    expect(policy.spec?.ingress).toEqual([]);
  });
});

describe("Ingress and Certificate", () => {
  it("cert-manager: a Certificate awaited until Ready, its Secret in the Ingress's TLS, every path to the port", () => {
    const spec = serviceSpec({
      ...HTTP,
      namespace: "apps",
      ingress: { host: "app.example.com", certificateIssuer: CA },
    });
    const certificate = plain<ICertificate>(certificateManifest(spec));
    expect(() => new Certificate(certificate).validate()).not.toThrow();
    expect(certificate.metadata).toMatchObject({
      name: "web",
      namespace: "apps",
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    });
    expect(certificate.spec).toMatchObject({
      secretName: "web-tls",
      dnsNames: ["app.example.com"],
      issuerRef: { name: "internal-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    });
    const ingress = plain<IIngress>(ingressManifest(spec));
    expect(() => new Ingress(ingress).validate()).not.toThrow();
    expect(ingress.metadata?.annotations).toBeUndefined();
    expect(ingress.spec).toEqual({
      ingressClassName: "nginx",
      tls: [{ hosts: ["app.example.com"], secretName: "web-tls" }],
      rules: [
        {
          host: "app.example.com",
          http: {
            paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }],
          },
        },
      ],
    });
    expect(kubernetesManifests(spec).certificate).toEqual(certificateManifest(spec));
  });

  it("a given TLS Secret: no Certificate; controller settings become ingress-nginx annotations", () => {
    const spec = serviceSpec({
      ...HTTP,
      ingress: {
        host: "registry.example.com",
        className: "nginx-internal",
        controllerNamespace: "ingress-internal",
        tlsSecretName: "wildcard-tls",
        maxBodyMiB: 0,
        timeoutSeconds: 900,
        streamRequests: true,
      },
    });
    expect(certificateManifest(spec)).toBeUndefined();
    expect(kubernetesManifests(spec).certificate).toBeUndefined();
    const ingress = plain<IIngress>(ingressManifest(spec));
    expect(() => new Ingress(ingress).validate()).not.toThrow();
    expect(ingress.spec?.ingressClassName).toBe("nginx-internal");
    expect(ingress.spec?.tls).toEqual([{ hosts: ["registry.example.com"], secretName: "wildcard-tls" }]);
    expect(ingress.metadata?.annotations).toEqual({
      "nginx.ingress.kubernetes.io/proxy-body-size": "0",
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "900",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "900",
      "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
    });
    const limited = serviceSpec({ ...HTTP, ingress: { host: "a.example.com", tlsSecretName: "t", maxBodyMiB: 64 } });
    expect(plain<IIngress>(ingressManifest(limited)).metadata?.annotations).toEqual({
      "nginx.ingress.kubernetes.io/proxy-body-size": "64m",
    });
    expect(plain<INetworkPolicy>(networkPolicyManifest(spec)).spec?.ingress?.[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-internal" } } },
    ]);
  });

  it("Docker ignores ingress, autoscaling and peers (loopback ports publish it there)", () => {
    const spec = serviceSpec({
      target: "docker",
      ports: [{ containerPort: 8080, hostPort: 8080 }],
      ingress: { host: "app.example.com", certificateIssuer: CA },
      autoscaling: { minReplicas: 3 },
      allowDns: true,
    });
    expect(spec.ingress).toBeUndefined();
    expect(spec.autoscaling).toBeUndefined();
    expect(spec.replicas).toBe(1);
  });
});

describe("autoscaled Deployment", () => {
  const spec = serviceSpec({ ...HTTP, namespace: "apps", autoscaling: { minReplicas: 2, maxReplicas: 8 } });

  it("declares no replica count (the autoscaler's), spreads its pods and keeps one up in a drain", () => {
    const objects = kubernetesManifests(spec);
    const deployment = plain<IDeployment>(objects.workload);
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    expect(deployment.spec?.replicas).toBeUndefined();
    expect(deployment.spec?.template.spec?.topologySpreadConstraints).toEqual(
      ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: labelsOf("web") },
        matchLabelKeys: ["pod-template-hash"],
      })),
    );
    const pdb = plain<IPodDisruptionBudget>(objects.podDisruptionBudget);
    expect(() => new PodDisruptionBudget(pdb).validate()).not.toThrow();
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: labelsOf("web") } });
  });

  it("the HorizontalPodAutoscaler targets the Deployment on CPU, between the bounds, scaling down slowly", () => {
    const hpa = plain<IHorizontalPodAutoscaler>(horizontalPodAutoscalerManifest(spec, "web-1a2b3c"));
    expect(() => new HorizontalPodAutoscaler(hpa).validate()).not.toThrow();
    expect(hpa.metadata).toMatchObject({ name: "web", namespace: "apps" });
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web-1a2b3c" },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
    });
    expect(hpa.spec?.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(300);
  });

  it("autoscaling: {} means the documented defaults", () => {
    const defaults = serviceSpec({ ...HTTP, autoscaling: {} });
    const hpa = plain<IHorizontalPodAutoscaler>(horizontalPodAutoscalerManifest(defaults, "web-1a2b3c"));
    expect(hpa.spec).toMatchObject({
      minReplicas: AUTOSCALING_DEFAULTS.minReplicas,
      maxReplicas: AUTOSCALING_DEFAULTS.maxReplicas,
      metrics: [
        {
          resource: {
            target: { type: "Utilization", averageUtilization: AUTOSCALING_DEFAULTS.targetCpuUtilization },
          },
        },
      ],
    });
    expect(plain<IDeployment>(kubernetesManifests(defaults).workload).spec?.replicas).toBeUndefined();
  });

  it("spreads its pods even when its minimum is one pod: the autoscaler may add more", () => {
    const one = serviceSpec({ ...HTTP, autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    const deployment = plain<IDeployment>(kubernetesManifests(one).workload);
    expect(deployment.spec?.template.spec?.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([
      "kubernetes.io/hostname",
      "topology.kubernetes.io/zone",
    ]);
    expect(plain<IHorizontalPodAutoscaler>(horizontalPodAutoscalerManifest(one, "web-1a2b3c")).spec?.minReplicas).toBe(
      1,
    );
  });
});

const BAD: { name: string; args: Partial<ContainerServiceArgs> | Record<string, unknown>; line: string }[] = [
  {
    name: "ingress without a certificate source",
    args: { ...HTTP, ingress: { host: "app.example.com" } },
    line: "ingress needs tlsSecretName (a kubernetes.io/tls Secret) or certificateIssuer (cert-manager): TLS is always on off loopback",
  },
  {
    name: "ingress with two certificate sources",
    args: { ...HTTP, ingress: { host: "app.example.com", tlsSecretName: "t", certificateIssuer: CA } },
    line: "ingress takes tlsSecretName or certificateIssuer, not both: one source of the certificate",
  },
  {
    name: "ingress host an IP address",
    args: { ...HTTP, ingress: { host: "10.0.0.1", certificateIssuer: CA } },
    line: `ingress.host must be a DNS name like "app.example.com", not an IP address (an Ingress routes names only), got "10.0.0.1"`,
  },
  {
    name: "ingress host with a port",
    args: { ...HTTP, ingress: { host: "app.example.com:8443", certificateIssuer: CA } },
    line: `ingress.host must be a DNS name like "app.example.com" without a port (the Ingress serves 443), got "app.example.com:8443"`,
  },
  {
    name: "ingress without a tcp port",
    args: { ingress: { host: "app.example.com", certificateIssuer: CA } },
    line: "ingress needs a tcp port to route to: the service declares none",
  },
  {
    name: "issuer of an unknown kind",
    args: { ...HTTP, ingress: { host: "a.example.com", certificateIssuer: { name: "ca", kind: "Vault" } } },
    line: `ingress.certificateIssuer.kind must be "ClusterIssuer" or "Issuer", got "Vault"`,
  },
  {
    name: "autoscaling with replicas",
    args: { ...HTTP, replicas: 3, autoscaling: {} },
    line: "replicas must be left out with autoscaling on Kubernetes: the HorizontalPodAutoscaler owns the count (minReplicas)",
  },
  {
    name: "autoscaling a single writer",
    args: { ...HTTP, volumes: [{ volume: volumeRef("data"), mountPath: "/data" }], autoscaling: {} },
    line: `autoscaling cannot scale a single writer: volume "data" is mounted writable by one pod only`,
  },
  {
    name: "autoscaling bounds reversed",
    args: { ...HTTP, autoscaling: { minReplicas: 4, maxReplicas: 3 } },
    line: "autoscaling.maxReplicas must be at least minReplicas (4), got 3",
  },
  {
    name: "empty peer",
    args: { allowFrom: [{}] },
    line: "allowFrom[0] must name a service, a namespace or both (an empty peer would admit every pod)",
  },
  {
    name: "egress to pods and a block at once",
    args: { allowTo: [{ service: "web", cidr: "10.0.0.0/8", ports: [{ port: 80 }] }] },
    line: "allowTo[0] must name either an IP block (cidr) or pods (service, namespace), not both",
  },
  {
    name: "egress exceptions without a block",
    args: { allowTo: [{ service: "web", except: ["10.0.0.0/8"], ports: [{ port: 80 }] }] },
    line: "allowTo[0].except applies only with cidr",
  },
  {
    name: "egress without ports",
    args: { allowTo: [{ service: "web", ports: [] }] },
    line: "allowTo[0].ports must list at least one port",
  },
  {
    name: "egress to a malformed block",
    args: { allowTo: [{ cidr: "10.0.0.0/33", ports: [{ port: 80 }] }] },
    line: `allowTo[0].cidr must be an IP block in CIDR notation like "10.0.0.0/8", got "10.0.0.0/33"`,
  },
];

describe("argument errors", () => {
  it.each(BAD)("$name", ({ args, line }) => {
    const attempt = () => resolveServiceSpec("web", { ...MINIMAL, ...args });
    expect(attempt).toThrow(ComponentArgError);
    expect(attempt).toThrow(`ContainerService "web": ${line}`);
  });
});
