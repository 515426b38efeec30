/**
 * What the Kubernetes stacks declare to be reached and to reach nothing else: the registry and the
 * user-facing service behind the stack's Gateway with TLS, the Gateway awaited before anything pushes,
 * traffic denied both ways unless a workload's policy names the peer, a replicated stateless service
 * under an autoscaler, and probes that differ. Every object is checked in `synth-artefacts.test.ts`
 * against its published schema.
 */
import { admittedPeers, backupJobNames, platformOf } from "./support/topology";

type PeerSelector = { podSelector: { matchLabels: Record<string, string> } };
import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { synthFiles } from "../infra/synth/write";
import { AliasRecorder } from "../infra/synth/alias-recorder";
import { MASKED, evaluate, find, ofType, type RecordedResource } from "./support/pulumi-harness";
import { committedConfig, writeStackFile } from "./support/stack-files";
import { T } from "./support/types";

const SECURE = { secure: "v1:AAAAAAAAAAAAAAAA:Y2lwaGVydGV4dA==" };

type Spec = Record<string, unknown>;
const specOf = (resource: RecordedResource) => (resource.inputs as { spec: Spec }).spec;
const policy = (resources: RecordedResource[], prefix: string) =>
  specOf(ofType(resources, T.networkPolicy).find((p) => p.name === prefix)!);

function pods(resources: RecordedResource[]): [string, IPodSpec][] {
  return [
    ...[T.deployment, T.statefulSet].flatMap((type) =>
      ofType(resources, type).map((r): [string, IPodSpec] => [
        r.name,
        (specOf(r) as { template: { spec: IPodSpec } }).template.spec,
      ]),
    ),
    ...ofType(resources, T.cronJob).map((r): [string, IPodSpec] => [
      r.name,
      (specOf(r) as { jobTemplate: { spec: { template: { spec: IPodSpec } } } }).jobTemplate.spec.template.spec,
    ]),
  ];
}

describe.each(["test", "prod"])("%s", (stack) => {
  it("the registry and front are reached over TLS through the Gateway's listeners, each route after its Ready certificate", async () => {
    const { resources } = await evaluate(stack);
    const config = committedConfig(stack) as {
      "dockyard:registry": { address: string };
      "dockyard:services": { front: { host: string } };
    };
    const hosts = {
      registry: config["dockyard:registry"].address,
      front: config["dockyard:services"].front.host,
    };
    const gateway = find(resources, T.gateway, "dockyard");
    const listeners = (specOf(gateway) as { listeners: { name: string; hostname?: string; protocol: string }[] })
      .listeners;
    expect(listeners.map((l) => [l.name, l.protocol, l.hostname])).toEqual([
      ["http", "HTTP", undefined],
      ...Object.entries(hosts).map(([name, host]) => [name, "HTTPS", host]),
    ]);
    expect(
      ofType(resources, T.httpRoute)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["dockyard-https-redirect", "front", "registry"]);
    for (const [name, host] of Object.entries(hosts)) {
      expect(specOf(find(resources, T.httpRoute, name))).toMatchObject({
        parentRefs: [{ name: "dockyard", sectionName: name }],
        hostnames: [host],
      });
      const certificate = find(resources, T.certificate, `dockyard-${name}`);
      expect(certificate.inputs).toMatchObject({
        metadata: { annotations: { "pulumi.com/waitFor": "condition=Ready" } },
        spec: { dnsNames: [host], secretName: `${name}-tls` },
      });
      expect(find(resources, T.httpRoute, name).dependencies).toEqual(
        expect.arrayContaining([gateway.urn, certificate.urn]),
      );
    }
  });

  it("nothing is pushed before the Gateway is Programmed, the registry's certificate Ready and its route accepted; the pull Secret waits for none of them", async () => {
    const { resources } = await evaluate(stack);
    const waitedOn = [
      find(resources, T.gateway, "dockyard").urn,
      find(resources, T.certificate, "dockyard-registry").urn,
      ...[T.httpRoute, T.statefulSet].map((type) => find(resources, type, "registry").urn),
    ];
    const pushes = ofType(resources, T.image);
    expect(pushes.map((p) => p.name).sort()).toEqual(["backup", "front", "web"]);
    for (const push of pushes) expect(push.dependencies, push.name).toEqual(expect.arrayContaining(waitedOn));
    // The pull Secret holds credentials only: it waits for the generated password, not for the registry.
    const pull = ofType(resources, T.secret).find((s) =>
      (s.inputs as { type?: string }).type?.endsWith("dockerconfigjson"),
    );
    expect(pull!.dependencies).toEqual(
      [find(resources, T.password, "registry-password").urn, find(resources, T.namespace, "namespace").urn].sort(),
    );
  });

  it("traffic is denied both ways unless a workload's policy names the peer", async () => {
    const { resources } = await evaluate(stack);
    const policies = ofType(resources, T.networkPolicy);
    // A workload's own policy names both directions; the monitoring's admits Prometheus to metrics only, in addition.
    for (const p of policies)
      expect(specOf(p).policyTypes, p.name).toEqual(p.name.endsWith("-metrics") ? ["Ingress"] : ["Ingress", "Egress"]);
    expect(policy(resources, "default-deny")).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
    // The data plane of the stack's Gateway: Envoy Gateway's proxies of this Gateway, in their namespace.
    const controller = {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
      podSelector: {
        matchLabels: {
          "gateway.envoyproxy.io/owning-gateway-name": "dockyard",
          "gateway.envoyproxy.io/owning-gateway-namespace": platformOf(stack).endpoints.namespace,
        },
      },
    };
    const podsOf = (name: string) => ({
      podSelector: { matchLabels: { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name } },
    });
    // registry: in from the Gateway's data plane only; out nowhere (its blobs are on its volume)
    expect(policy(resources, "registry")).toMatchObject({ ingress: [{ from: [controller] }], egress: [] });
    // front: in from the Gateway's data plane; out to DNS and web only
    const front = policy(resources, "front") as { ingress: unknown[]; egress: { to: unknown[] }[] };
    expect(front.ingress).toEqual([{ from: [controller], ports: [{ port: 8080, protocol: "TCP" }] }]);
    expect(front.egress.map((rule) => rule.to)).toEqual([
      [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      [podsOf("web")],
    ]);
    // web: in from front only; out nowhere
    expect(policy(resources, "web")).toMatchObject({ ingress: [{ from: [podsOf("front")] }], egress: [] });
    // the backup jobs reach their volume by mounts and the off-site repository by its port (and DNS): nothing in
    for (const job of ["web-data-backup", "web-data-backup-check", "web-data-backup-drill"]) {
      const rules = policy(resources, job) as {
        ingress: unknown[];
        egress: { to: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[];
      };
      expect(rules.ingress, job).toEqual([]);
      const blocks = rules.egress.filter((rule) => rule.to.some((peer) => peer.ipBlock !== undefined));
      expect(blocks.map((rule) => rule.to[0].ipBlock!.cidr).sort(), job).toEqual(["0.0.0.0/0", "::/0"]);
      for (const rule of blocks)
        expect(
          rule.ports.map((p) => p.port),
          job,
        ).toEqual([443]);
    }
    const platform = platformOf(stack);
    expect(policies.map((p) => p.name).sort()).toEqual(
      [
        "acme-http01-solver",
        "default-deny",
        "registry",
        ...platform.services.map((service) => service.name),
        ...platform.services
          .filter((service) => service.metrics !== undefined)
          .map((service) => `dockyard-${service.name}-metrics`),
        ...backupJobNames(platform),
      ].sort(),
    );
    // A service that serves no user admits exactly its callers (and the jobs dumping its database).
    for (const service of platform.services.filter((s) => s.host === undefined)) {
      const rules = (policy(resources, service.name) as { ingress: { from: PeerSelector[] }[] }).ingress;
      const admitted = rules.flatMap((rule) =>
        rule.from.map((peer) => peer.podSelector.matchLabels["app.kubernetes.io/instance"]),
      );
      expect(admitted.sort(), service.name).toEqual(admittedPeers(platform, service.name).sort());
    }
  });

  it("front is a replicated Deployment its autoscaler owns, spread over nodes, one pod kept in a drain", async () => {
    const { resources } = await evaluate(stack);
    const config = committedConfig(stack) as Record<string, Record<string, Record<string, Record<string, number>>>>;
    const bounds = config["dockyard:services"].front.autoscaling;
    const deployment = find(resources, T.deployment, "front");
    const spec = specOf(deployment) as { replicas?: number; template: { spec: IPodSpec } };
    expect(spec.replicas).toBeUndefined();
    expect(spec.template.spec.topologySpreadConstraints?.[0]).toMatchObject({ topologyKey: "kubernetes.io/hostname" });
    expect(specOf(find(resources, T.hpa, "front"))).toMatchObject({
      minReplicas: bounds.minReplicas,
      maxReplicas: bounds.maxReplicas,
      scaleTargetRef: { kind: "Deployment" },
    });
    expect(bounds.minReplicas).toBeGreaterThanOrEqual(2);
    expect(specOf(find(resources, T.pdb, "front"))).toMatchObject({ maxUnavailable: 1 });
  });

  it("no pod's readiness and liveness probes are the same", async () => {
    const { resources } = await evaluate(stack);
    for (const [name, pod] of pods(resources))
      for (const container of pod.containers)
        if (container.livenessProbe !== undefined)
          expect(container.readinessProbe, `${name}/${container.name}`).not.toEqual(container.livenessProbe);
  });
});

describe("a stack deployed before the Gateway", () => {
  it("keeps its Certificates: each, and nothing else, is aliased to where its service or the registry declared it", async () => {
    const recorder = new AliasRecorder();
    const { resources } = await evaluate("prod", undefined, recorder);
    // The SDK's classes add aliases of their own, to former API versions: only the program's are asked about.
    const adopted = Object.entries(recorder.aliases).flatMap(([urn, aliases]) =>
      aliases
        .filter((alias) => typeof alias !== "object" || Object.keys(alias).join() !== "type")
        .map((alias) => [urn, alias]),
    );
    const certificate = (listener: string) => find(resources, T.certificate, `dockyard-${listener}`).urn;
    expect(Object.fromEntries(adopted)).toEqual({
      [certificate("registry")]: {
        name: "registry",
        parent: "urn:pulumi:prod::dockyard::dockyard:registry:Registry$dockyard:container:ContainerService::registry",
      },
      [certificate("front")]: {
        name: "front",
        parent: "urn:pulumi:prod::dockyard::dockyard:container:ContainerService::front",
      },
    });
    expect(adopted).toHaveLength(2);
  });
});

describe("an external registry", () => {
  it("gets no listener, Certificate or route on the stack's Gateway: only the services' hosts do", async () => {
    const config = structuredClone(committedConfig("prod"));
    config["dockyard:registry"] = {
      mode: "external",
      address: "registry.example.com",
      username: "ci",
      password: SECURE,
    };
    const { resources } = await evaluate("prod", writeStackFile(config));
    const listeners = (specOf(find(resources, T.gateway, "dockyard")) as { listeners: { name: string }[] }).listeners;
    expect(listeners.map((l) => l.name)).toEqual(["http", "front"]);
    expect(ofType(resources, T.certificate).map((c) => c.name)).toEqual(["dockyard-front"]);
    expect(
      ofType(resources, T.httpRoute)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["dockyard-https-redirect", "front"]);
  });
});

describe("TLS from a pair given as secrets", () => {
  it("one kubernetes.io/tls Secret, masked, serves every listener; no Certificate, no solver policy", async () => {
    const config = structuredClone(committedConfig("prod"));
    config["dockyard:gateway"] = { tls: { source: "secret", certificate: SECURE, key: SECURE } };
    const evaluation = await evaluate("prod", writeStackFile(config));
    const { resources } = evaluation;
    const tls = ofType(resources, T.secret).filter((s) => (s.inputs as { type?: string }).type === "kubernetes.io/tls");
    expect(tls.map((s) => s.name)).toEqual(["gateway-tls"]);
    expect(tls[0].inputs.stringData).toEqual(MASKED);
    expect(ofType(resources, T.certificate)).toEqual([]);
    const listeners = (specOf(find(resources, T.gateway, "dockyard")) as { listeners: { tls?: unknown }[] }).listeners;
    for (const listener of listeners.slice(1))
      expect(listener.tls).toMatchObject({
        certificateRefs: [{ name: expect.stringMatching(/^gateway-tls-/) as string }],
      });
    expect(ofType(resources, T.networkPolicy).map((p) => p.name)).not.toContain("acme-http01-solver");
    expect(Object.values(synthFiles(evaluation)).join("\n")).not.toContain("offline-secret-value");
  });
});

describe("a data plane in the stack's namespace (Istio, NGINX Gateway Fabric)", () => {
  it("its pods get a policy of their own: in from anywhere, out to the cluster's pods only", async () => {
    const config = structuredClone(committedConfig("prod"));
    const plane = { "gateway.networking.k8s.io/gateway-name": "dockyard" };
    config["dockyard:gateway"] = {
      ...(config["dockyard:gateway"] as object),
      dataPlane: { namespace: "dockyard", podLabels: plane },
    };
    const { resources } = await evaluate("prod", writeStackFile(config));
    expect(policy(resources, "gateway-data-plane")).toEqual({
      podSelector: { matchLabels: plane },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{}],
      egress: [{ to: [{ namespaceSelector: {} }] }],
    });
    const admitted = {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dockyard" } },
      podSelector: { matchLabels: plane },
    };
    expect(policy(resources, "front")).toMatchObject({ ingress: [{ from: [admitted] }] });
  });
});
