import { Provider } from "@pulumi/kubernetes/provider";
import { describe, expect, it } from "vitest";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { type IStatefulSet, StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { ContainerService, type ContainerServiceArgs } from "../../components/container-service";
import { ComponentArgError } from "../../components/errors";
import { PersistentVolume } from "../../components/persistent-volume";
import { type RecordedResource, MASKED, find, ofType, record, resolve } from "../support/pulumi-harness";
import { dockerHardeningViolations } from "./support/docker-hardening";
import { IMAGE, digestRef } from "./support/fixtures";
import { restrictedViolations } from "./support/pod-security";
import { T } from "../support/types";

const WORKLOADS = [T.deployment, T.statefulSet];

/** Hardening holds for every container and pod declared, whatever the case. */
function expectAllHardened(resources: RecordedResource[]): void {
  const containers = ofType(resources, T.container);
  for (const c of containers) expect(dockerHardeningViolations(c.inputs), c.name).toEqual([]);
  const pods = resources
    .filter((r) => WORKLOADS.includes(r.type))
    .map((r) => (r.inputs as { spec: { template: { spec: IPodSpec } } }).spec.template.spec);
  for (const pod of pods) expect(restrictedViolations(pod)).toEqual([]);
  expect(containers.length + pods.length).toBeGreaterThan(0);
}

function childrenOf(resources: RecordedResource[], parentType: string): RecordedResource[] {
  const parent = resources.find((r) => r.type === parentType);
  return resources.filter((r) => r.parent === parent?.urn);
}

describe("ContainerService on Docker", () => {
  it("defaults: one hardened container on a network of its own, nothing published", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => (service = new ContainerService("web", { target: "docker", image: IMAGE })));
    expectAllHardened(resources);
    expect(
      childrenOf(resources, T.containerService)
        .map((r) => r.type)
        .sort(),
    ).toEqual([T.command, T.container, T.dockerNetwork]);
    const container = find(resources, T.container, "web");
    expect(container.inputs).toMatchObject({
      image: IMAGE,
      restart: "unless-stopped",
      wait: false,
      networksAdvanced: [{ aliases: ["web"] }],
    });
    expect(container.inputs.ports).toEqual([]);
    expect(container.inputs.healthcheck).toBeUndefined();
    expect(container.dependencies).toContain(find(resources, T.dockerNetwork, "web").urn);
    expect(await resolve(service!.workloadKind)).toBe("DockerContainer");
    expect(await resolve(service!.hostname)).toBe("web");
    expect(await resolve(service!.publishedPorts)).toEqual([]);
  });

  it("custom: every option reaches the container, secrets stay secret, replicas become containers", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => {
      const data = new PersistentVolume("web-data", { target: "docker" });
      service = new ContainerService("web", {
        target: "docker",
        image: digestRef("web"),
        command: ["/nodejs/bin/node"],
        args: ["/app/main.ts"],
        ports: [{ containerPort: 8080, hostPort: 18080 }],
        environment: { LOG_LEVEL: "debug" },
        secrets: { API_TOKEN: "s3cret" },
        volumes: [{ volume: data, mountPath: "/data" }],
        healthCheck: {
          path: "/healthz",
          command: ["/nodejs/bin/node", "/app/healthcheck.ts"],
          intervalSeconds: 2,
          timeoutSeconds: 1,
          retries: 2,
          startPeriodSeconds: 3,
        },
        resources: { cpu: "250m", memory: "128Mi", pids: 64 },
        restartPolicy: "always",
        labels: { team: "platform" },
        component: "frontend",
        partOf: "shop",
        runAsUser: 1000,
        runAsGroup: 1001,
        scratchSize: "8Mi",
        stopGracePeriodSeconds: 5,
        network: "shared-net",
      });
    });
    expectAllHardened(resources);
    expect(ofType(resources, T.dockerNetwork)).toEqual([]);
    const c = find(resources, T.container, "web").inputs;
    expect(c).toMatchObject({
      image: digestRef("web"),
      entrypoints: ["/nodejs/bin/node"],
      command: ["/app/main.ts"],
      envs: MASKED,
      user: "1000:1001",
      tmpfs: { "/tmp": `rw,noexec,nosuid,nodev,size=${8 * 2 ** 20}` },
      memory: 128,
      cpus: "0.25",
      ports: [{ internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" }],
      volumes: [{ volumeName: "web-data", containerPath: "/data", readOnly: false }],
      networksAdvanced: [{ name: "shared-net", aliases: ["web"] }],
      healthcheck: {
        tests: ["CMD", "/nodejs/bin/node", "/app/healthcheck.ts"],
        interval: "2s",
        timeout: "1s",
        retries: 2,
        startPeriod: "3s",
      },
      wait: true,
      waitTimeout: 3 + 3 * 3 + 10,
      restart: "always",
      stopTimeout: 5,
      destroyGraceSeconds: 5,
    });
    expect(JSON.stringify(resources)).not.toContain("s3cret");
    expect(c.labels).toEqual(
      expect.arrayContaining([
        { label: "team", value: "platform" },
        { label: "app.kubernetes.io/component", value: "frontend" },
        { label: "app.kubernetes.io/part-of", value: "shop" },
      ]),
    );
    expect(await resolve(service!.publishedPorts)).toEqual([
      { containerPort: 8080, hostAddress: "127.0.0.1", hostPort: 18080, protocol: "tcp" },
    ]);
    expect(await resolve(service!.networkName)).toBe("shared-net");
  });

  it("one container per replica, all on the service's alias", async () => {
    const resources = await record(
      () => new ContainerService("api", { target: "docker", image: digestRef("api"), replicas: 3 }),
    );
    expectAllHardened(resources);
    expect(ofType(resources, T.container).map((r) => r.name)).toEqual(["api", "api-1", "api-2"]);
  });

  it("publishing beyond loopback needs the named opt-out, and shows in the inputs", async () => {
    const resources = await record(
      () =>
        new ContainerService("web", {
          target: "docker",
          image: IMAGE,
          ports: [{ containerPort: 80, hostPort: 8080 }],
          security: { publishAddress: "0.0.0.0" },
        }),
    );
    expect(dockerHardeningViolations(find(resources, T.container, "web").inputs)).toEqual([
      "port published on 0.0.0.0",
    ]);
  });
});

describe("ContainerService on Kubernetes", () => {
  it("defaults: a restricted Deployment and a NetworkPolicy denying every connection in and out, nothing else", async () => {
    let service: ContainerService | undefined;
    const resources = await record(
      () => (service = new ContainerService("web", { target: "kubernetes", image: IMAGE })),
    );
    expectAllHardened(resources);
    expect(
      childrenOf(resources, T.containerService)
        .map((r) => r.type)
        .sort(),
    ).toEqual([T.deployment, T.networkPolicy].sort());
    const deployment = find(resources, T.deployment, "web").inputs;
    expect(() =>
      new Deployment({ apiVersion: "apps/v1", kind: "Deployment", ...deployment } as IDeployment).validate(),
    ).not.toThrow();
    expect(find(resources, T.networkPolicy, "web").inputs).toMatchObject({
      spec: { policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] },
    });
    expect(await resolve(service!.workloadKind)).toBe("Deployment");
    expect(await resolve(service!.hostname)).toBeUndefined();
  });

  it("custom: Secret by reference, Service, PDB, probes, resources, namespace and the given provider", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => {
      const provider = new Provider("cluster", { context: "test" });
      const shared = new PersistentVolume(
        "shared",
        { target: "kubernetes", accessMode: "ReadWriteMany", namespace: "apps" },
        { provider },
      );
      service = new ContainerService(
        "web",
        {
          target: "kubernetes",
          image: digestRef("web"),
          namespace: "apps",
          replicas: 3,
          ports: [{ containerPort: 8080, servicePort: 80, name: "http" }],
          environment: { LOG_LEVEL: "info" },
          secrets: { API_TOKEN: "s3cret" },
          volumes: [{ volume: shared, mountPath: "/shared" }],
          healthCheck: { path: "/healthz" },
          resources: { cpu: "1", memory: "512Mi", cpuRequest: "100m", memoryRequest: "256Mi" },
          labels: { team: "platform" },
          allowFrom: [{ service: "front" }],
        },
        { providers: [provider] },
      );
    });
    expectAllHardened(resources);
    const provider = resources.find((r) => r.type === T.kubernetesProvider);
    for (const child of childrenOf(resources, T.containerService))
      expect(child.provider, child.type).toBe(`${provider?.urn}::${provider?.name}-id`);

    const secret = find(resources, T.secret, "web-secrets").inputs;
    // the Kubernetes SDK marks all of stringData secret, on top of the component wrapping each value
    expect(secret).toMatchObject({ type: "Opaque", stringData: MASKED, metadata: { namespace: "apps" } });
    expect(JSON.stringify(resources)).not.toContain("s3cret");

    const deployment = find(resources, T.deployment, "web");
    expect(() =>
      new Deployment({ apiVersion: "apps/v1", kind: "Deployment", ...deployment.inputs } as IDeployment).validate(),
    ).not.toThrow();
    const pod = (deployment.inputs as { spec: { replicas: number; template: { spec: IPodSpec } } }).spec;
    expect(pod.replicas).toBe(3);
    const [c] = pod.template.spec.containers;
    expect(c.image).toBe(digestRef("web"));
    expect(c.env?.[0]).toEqual({ name: "LOG_LEVEL", value: "info" });
    // The Secret's name is computed by the provider (auto-naming), so the mocks leave it unset;
    // the reference's key and the dependency on the Secret are what the component decides.
    expect(c.env?.[1]).toMatchObject({ name: "API_TOKEN", valueFrom: { secretKeyRef: { key: "API_TOKEN" } } });
    expect(c.env?.[1].value).toBeUndefined();
    expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    expect(c.readinessProbe?.httpGet?.path).toBe("/healthz");
    expect(pod.template.spec.volumes).toContainEqual({
      name: "shared",
      persistentVolumeClaim: { claimName: "shared", readOnly: false },
    });
    expect(deployment.dependencies).toContain(find(resources, T.secret, "web-secrets").urn);

    expect(find(resources, T.service, "web").inputs).toMatchObject({
      metadata: { name: "web", namespace: "apps" },
      spec: { ports: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    expect(find(resources, T.pdb, "web").inputs).toMatchObject({ spec: { maxUnavailable: 1 } });
    expect(find(resources, T.networkPolicy, "web").inputs).toMatchObject({
      spec: {
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "front" } } }],
            ports: [{ port: 8080, protocol: "TCP" }],
          },
        ],
        egress: [],
      },
    });
    expect(find(resources, T.deployment, "web").inputs).toMatchObject({
      metadata: { namespace: "apps", labels: { team: "platform", "app.kubernetes.io/managed-by": "pulumi" } },
    });
    expect(await resolve(service!.hostname)).toBe("web.apps.svc");
  });

  it("a service owning a ReadWriteOnce volume is a StatefulSet mounting the volume's own claim", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => {
      const data = new PersistentVolume("web-data", { target: "kubernetes" });
      service = new ContainerService("shop-web", {
        target: "kubernetes",
        image: IMAGE,
        ports: [{ containerPort: 8080 }],
        volumes: [{ volume: data, mountPath: "/data" }],
      });
    });
    expectAllHardened(resources);
    expect(ofType(resources, T.deployment)).toEqual([]);
    const set = find(resources, T.statefulSet, "shop-web");
    expect(() =>
      new StatefulSet({ apiVersion: "apps/v1", kind: "StatefulSet", ...set.inputs } as IStatefulSet).validate(),
    ).not.toThrow();
    expect((set.inputs as { spec: { template: { spec: IPodSpec } } }).spec.template.spec.volumes).toContainEqual({
      name: "web-data",
      persistentVolumeClaim: { claimName: "web-data", readOnly: false },
    });
    expect(set.dependencies).toContain(find(resources, T.pvc, "web-data").urn);
    expect(await resolve(service!.workloadKind)).toBe("StatefulSet");
  });
});

describe("ContainerService argument errors", () => {
  it("are thrown before any child exists", async () => {
    const bad: ContainerServiceArgs = { target: "kubernetes", image: IMAGE, ports: [{ containerPort: 0 }] };
    let thrown: unknown;
    const resources = await record(() => {
      try {
        new ContainerService("web", bad);
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(ComponentArgError);
    expect((thrown as Error).message).toBe(
      `ContainerService "web": ports[0].containerPort must be an integer from 1 to 65535, got 0`,
    );
    expect(resources.filter((r) => r.type !== T.containerService)).toEqual([]);
  });
});
