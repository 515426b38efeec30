import { describe, expect, it } from "vitest";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { type IStatefulSet, StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { type IService, Service } from "kubernetes-models/v1/Service";
import { type ISecret, Secret } from "kubernetes-models/v1/Secret";
import { type IPodDisruptionBudget, PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { type INetworkPolicy, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { ContainerServiceArgs } from "../../components/container-service";
import type { WorkloadKind } from "../../components/workload/spec";
import { kubernetesManifests, workloadKind } from "../../components/container-service/kubernetes-objects";
import { secretManifest } from "../../components/workload/secrets";
import { plain, serviceSpec, volumeRef } from "./support/fixtures";
import { restrictedViolations } from "./support/pod-security";

const KINDS: [string, Partial<ContainerServiceArgs>, WorkloadKind][] = [
  ["no volume", {}, "Deployment"],
  [
    "a read-only volume",
    { volumes: [{ volume: volumeRef("seed"), mountPath: "/seed", readOnly: true }] },
    "Deployment",
  ],
  [
    "a shared ReadWriteMany volume",
    { volumes: [{ volume: volumeRef("shared", "ReadWriteMany"), mountPath: "/shared" }] },
    "Deployment",
  ],
  ["a writable ReadWriteOnce volume", { volumes: [{ volume: volumeRef("data"), mountPath: "/data" }] }, "StatefulSet"],
  [
    "a writable ReadWriteOncePod volume",
    { volumes: [{ volume: volumeRef("data", "ReadWriteOncePod"), mountPath: "/data" }] },
    "StatefulSet",
  ],
];

describe("workloadKind", () => {
  it.each(KINDS)("Kubernetes service with %s → %s", (_label, args, kind) => {
    expect(workloadKind(serviceSpec(args))).toBe(kind);
  });

  it("Docker services are containers", () => {
    expect(workloadKind(serviceSpec({ target: "docker" }))).toBe("DockerContainer");
  });
});

describe("kubernetesManifests", () => {
  it("defaults: one Deployment, no Service without ports, no PDB for one replica, every connection denied", () => {
    const objects = kubernetesManifests(serviceSpec());
    const deployment = plain<IDeployment>(objects.workload);
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    expect(deployment.kind).toBe("Deployment");
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.spec?.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/instance": "web",
    });
    expect(restrictedViolations(deployment.spec!.template.spec!)).toEqual([]);
    expect(objects.service).toBeUndefined();
    expect(objects.podDisruptionBudget).toBeUndefined();
    const policy = plain<INetworkPolicy>(objects.networkPolicy);
    expect(() => new NetworkPolicy(policy).validate()).not.toThrow();
    expect(policy.spec).toEqual({
      podSelector: deployment.spec?.selector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
    expect(deployment.spec?.template.spec?.topologySpreadConstraints).toBeUndefined();
    expect(secretManifest(serviceSpec())).toBeUndefined();
  });

  it("custom: Service on the service's stable name, PDB and spread with replicas > 1, NetworkPolicy admitting the peers to the declared ports only", () => {
    const spec = serviceSpec({
      replicas: 3,
      namespace: "apps",
      ports: [
        { containerPort: 8080, servicePort: 80, name: "http" },
        { containerPort: 9090, protocol: "udp" },
      ],
      component: "frontend",
      allowFrom: [{ service: "gateway" }, { namespace: "monitoring" }],
    });
    const objects = kubernetesManifests(spec);
    const deployment = plain<IDeployment>(objects.workload);
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    expect(deployment.spec?.replicas).toBe(3);
    expect(deployment.metadata?.namespace).toBe("apps");
    expect(deployment.metadata?.labels?.["app.kubernetes.io/component"]).toBe("frontend");

    const service = plain<IService>(objects.service);
    expect(() => new Service(service).validate()).not.toThrow();
    expect(service.metadata).toMatchObject({ name: "web", namespace: "apps" });
    expect(service.spec).toEqual({
      type: "ClusterIP",
      selector: deployment.spec?.selector.matchLabels,
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        { name: "udp-9090", port: 9090, targetPort: "udp-9090", protocol: "UDP" },
      ],
    });

    const pdb = plain<IPodDisruptionBudget>(objects.podDisruptionBudget);
    expect(() => new PodDisruptionBudget(pdb).validate()).not.toThrow();
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: deployment.spec?.selector });

    const policy = plain<INetworkPolicy>(objects.networkPolicy);
    expect(() => new NetworkPolicy(policy).validate()).not.toThrow();
    expect(policy.spec?.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: { "app.kubernetes.io/name": "gateway", "app.kubernetes.io/instance": "gateway" },
            },
          },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
        ],
        ports: [
          { port: 8080, protocol: "TCP" },
          { port: 9090, protocol: "UDP" },
        ],
      },
    ]);
    expect(policy.spec?.egress).toEqual([]);
    expect(deployment.spec?.template.spec?.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([
      "kubernetes.io/hostname",
      "topology.kubernetes.io/zone",
    ]);
  });

  it("a service owning a ReadWriteOnce volume is a one-replica StatefulSet mounting that claim", () => {
    const spec = serviceSpec({
      ports: [{ containerPort: 8080 }],
      volumes: [{ volume: volumeRef("web-data"), mountPath: "/data" }],
    });
    const set = plain<IStatefulSet>(kubernetesManifests(spec).workload);
    expect(() => new StatefulSet(set).validate()).not.toThrow();
    expect(set.kind).toBe("StatefulSet");
    expect(set.spec).toMatchObject({
      replicas: 1,
      serviceName: "web",
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
    });
    expect(set.spec?.volumeClaimTemplates).toBeUndefined();
    expect(set.spec?.template.spec?.volumes).toContainEqual({
      name: "web-data",
      persistentVolumeClaim: { claimName: "web-data", readOnly: false },
    });
    expect(restrictedViolations(set.spec!.template.spec!)).toEqual([]);
  });

  it("secrets: an Opaque Secret keyed by variable name, referenced from the pod", () => {
    const spec = serviceSpec({ secrets: { API_TOKEN: "s3cret", DB_PASSWORD: "pw" }, environment: { MODE: "prod" } });
    const secret = plain<ISecret>(secretManifest(spec));
    expect(() => new Secret(secret).validate()).not.toThrow();
    expect(secret.type).toBe("Opaque");
    expect(secret.stringData).toEqual({ API_TOKEN: "s3cret", DB_PASSWORD: "pw" });
    const deployment = plain<IDeployment>(kubernetesManifests(spec, "web-secrets-x").workload);
    expect(JSON.stringify(deployment)).not.toContain("s3cret");
    expect(deployment.spec?.template.spec?.containers[0].env).toContainEqual({
      name: "DB_PASSWORD",
      valueFrom: { secretKeyRef: { name: "web-secrets-x", key: "DB_PASSWORD" } },
    });
  });
});
