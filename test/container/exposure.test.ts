/**
 * Translators of how a Kubernetes service is reached and what it reaches: NetworkPolicies (both
 * directions), the HTTPRoute from a Gateway listener (and the BackendTLSPolicy of a service serving
 * TLS), the HorizontalPodAutoscaler and the replicated Deployment's spread. Every object passes its
 * published schema.
 */
import { describe, expect, it } from "vitest";
import {
  BackendTLSPolicy,
  type IBackendTLSPolicy,
} from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/BackendTLSPolicy";
import { HTTPRoute, type IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { ConfigMap, type IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { type INetworkPolicy, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { type IPodDisruptionBudget, PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { ContainerServiceArgs } from "../../components/container-service";
import { horizontalPodAutoscalerManifest } from "../../components/container-service/autoscaling";
import { backendTlsManifests, httpRouteManifest } from "../../components/container-service/route";
import { kubernetesManifests } from "../../components/container-service/kubernetes-objects";
import { defaultDenyPolicy, networkPolicyManifest } from "../../components/workload/network-policy";
import { resolveServiceSpec } from "../../components/workload/resolve";
import { AUTOSCALING_DEFAULTS } from "../../components/defaults";
import { ComponentArgError } from "../../components/errors";
import { MINIMAL, plain, serviceSpec, volumeRef } from "./support/fixtures";

const HTTP = { ports: [{ containerPort: 8080, name: "http" }] } satisfies Partial<ContainerServiceArgs>;
const DATA_PLANE = { namespace: "edge-system", podLabels: { "gateway.example/owner": "edge" } };
const LISTENER = { gateway: "edge", listener: "web", host: "app.example.com", dataPlane: DATA_PLANE };
const labelsOf = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name });

describe("NetworkPolicy", () => {
  it("the namespace's default: every pod selected, nothing admitted in or out", () => {
    const policy = plain<INetworkPolicy>(defaultDenyPolicy("apps"));
    expect(() => new NetworkPolicy(policy).validate()).not.toThrow();
    expect(policy.metadata?.namespace).toBe("apps");
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
  });

  it("admits the Gateway's data plane to its route's port and allowFrom peers to every port; lets out DNS and allowTo destinations only", () => {
    const spec = serviceSpec({
      ...HTTP,
      ports: [...HTTP.ports, { containerPort: 9464, name: "metrics" }],
      route: { listener: LISTENER },
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
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge-system" } },
            podSelector: { matchLabels: { "gateway.example/owner": "edge" } },
          },
        ],
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

describe("HTTPRoute and BackendTLSPolicy", () => {
  it("attaches to its listener, serves its host only, routes every path to the port; awaited until accepted", () => {
    const spec = serviceSpec({ ...HTTP, namespace: "apps", route: { listener: { ...LISTENER, namespace: "apps" } } });
    const route = plain<IHTTPRoute>(httpRouteManifest(spec));
    expect(() => new HTTPRoute(route).validate()).not.toThrow();
    expect(route.metadata).toMatchObject({
      name: "web",
      namespace: "apps",
      annotations: {
        "pulumi.com/waitFor": 'jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True',
      },
    });
    expect(route.spec).toEqual({
      parentRefs: [
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "apps", sectionName: "web" },
      ],
      hostnames: ["app.example.com"],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ group: "", kind: "Service", name: "web", port: 8080 }],
        },
      ],
    });
    expect(kubernetesManifests(spec).route).toEqual(httpRouteManifest(spec));
    expect(kubernetesManifests(spec).backendTls).toBeUndefined();
  });

  it("a request timeout in Gateway API's duration; a TLS backend verified for the listener's host", () => {
    const spec = serviceSpec({
      ...HTTP,
      route: { listener: LISTENER, timeoutSeconds: 900, backendCaCertificate: "-----BEGIN CERTIFICATE-----\n" },
    });
    const route = plain<IHTTPRoute>(httpRouteManifest(spec));
    expect(() => new HTTPRoute(route).validate()).not.toThrow();
    expect(route.spec?.rules?.[0].timeouts).toEqual({ request: "900s" });
    const tls = backendTlsManifests(spec);
    const policy = plain<IBackendTLSPolicy>(tls?.policy);
    expect(() => new BackendTLSPolicy(policy).validate()).not.toThrow();
    expect(policy.spec).toEqual({
      targetRefs: [{ group: "", kind: "Service", name: "web", sectionName: "http" }],
      validation: {
        caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "web-backend-ca" }],
        hostname: "app.example.com",
      },
    });
    const bundle = plain<IConfigMap>(tls?.caBundle);
    expect(() => new ConfigMap(bundle).validate()).not.toThrow();
    expect(bundle.metadata?.name).toBe("web-backend-ca");
    expect(bundle.data).toEqual({ "ca.crt": "-----BEGIN CERTIFICATE-----\n" });
    expect(kubernetesManifests(spec).backendTls).toEqual(tls);
  });

  it("Docker ignores route, autoscaling and peers (loopback ports publish it there)", () => {
    const spec = serviceSpec({
      target: "docker",
      ports: [{ containerPort: 8080, hostPort: 8080 }],
      route: { listener: LISTENER },
      autoscaling: { minReplicas: 3 },
      allowDns: true,
    });
    expect(spec.route).toBeUndefined();
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
    name: "route without a gateway",
    args: { ...HTTP, route: { listener: { ...LISTENER, gateway: undefined } } },
    line: "route.listener.gateway is required: the Gateway's name",
  },
  {
    name: "route host an IP address",
    args: { ...HTTP, route: { listener: { ...LISTENER, host: "10.0.0.1" } } },
    line: `route.listener.host must be a DNS name like "app.example.com", not an IP address (a Gateway listener routes names only), got "10.0.0.1"`,
  },
  {
    name: "route host with a port",
    args: { ...HTTP, route: { listener: { ...LISTENER, host: "app.example.com:8443" } } },
    line: `route.listener.host must be a DNS name like "app.example.com" without a port (the Gateway listener serves 443), got "app.example.com:8443"`,
  },
  {
    name: "route without a tcp port",
    args: { route: { listener: LISTENER } },
    line: "route needs a tcp port to route to: the service declares none",
  },
  {
    name: "route with an unknown key (an ingress-nginx setting)",
    args: { ...HTTP, route: { listener: LISTENER, maxBodyMiB: 0 } },
    line: "route.maxBodyMiB is not a known key (allowed here: listener, timeoutSeconds, backendCaCertificate)",
  },
  {
    name: "route timeout of zero",
    args: { ...HTTP, route: { listener: LISTENER, timeoutSeconds: 0 } },
    line: "route.timeoutSeconds must be an integer from 1 to 86400, got 0",
  },
  {
    name: "data plane selected by no label",
    args: { ...HTTP, route: { listener: { ...LISTENER, dataPlane: { namespace: "edge-system", podLabels: {} } } } },
    line: "route.listener.dataPlane.podLabels must name at least one label: an empty selector would admit every pod of the namespace, got {}",
  },
  {
    name: "data plane in a malformed namespace",
    args: { ...HTTP, route: { listener: { ...LISTENER, dataPlane: { ...DATA_PLANE, namespace: "Edge" } } } },
    line: `route.listener.dataPlane.namespace must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Edge"`,
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
