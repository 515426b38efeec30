/**
 * The stack program's wiring (infra/): what a stack file says reaches the resources it is meant
 * for — the cluster and namespace deployed to, each service's size and count, the registry pushes
 * go to, the backup jobs' scratch space — and nothing lands where the stack does not deploy.
 * Each test reads what the committed stacks (or a copy with distinctive values) declare.
 */
import { describe, expect, it } from "vitest";
import * as front from "../apps/front/contract";
import { envoyGatewayPodLabels } from "../components";
import { MASKED, evaluate, find, ofType, type RecordedResource } from "./support/pulumi-harness";
import { committedConfig, writeStackFile } from "./support/stack-files";
import { platformOf } from "./support/topology";
import { T } from "./support/types";

type Tree = Record<string, unknown>;
const section = (config: Tree, key: string) => config[`dockyard:${key}`] as Tree;
const metadataOf = (resource: RecordedResource) => (resource.inputs as { metadata?: Tree }).metadata ?? {};
const containerOf = (resource: RecordedResource) =>
  (resource.inputs as { spec: { template: { spec: { containers: Tree[] } } } }).spec.template.spec.containers[0];

describe.each(["test", "prod"])("%s on Kubernetes", (stack) => {
  const endpoints = section(committedConfig(stack), "endpoints") as { kubeContext: string; namespace: string };

  it("deploys to the kubeconfig context and namespace its stack file names, with server-side apply", async () => {
    const { resources } = await evaluate(stack);
    const providers = ofType(resources, T.kubernetesProvider);
    expect(providers).toHaveLength(1);
    expect(providers[0].inputs).toMatchObject({ context: endpoints.kubeContext, namespace: endpoints.namespace });
    expect(String(providers[0].inputs.enableServerSideApply)).toBe("true");
    for (const object of resources.filter((r) => r.type.startsWith("kubernetes:")))
      expect(object.provider, `${object.type} ${object.name}`).toContain(providers[0].urn);
  });

  it("places every object in the stack's namespace by name, created after the namespace and deleted before it", async () => {
    const { resources } = await evaluate(stack);
    const namespace = find(resources, T.namespace, "namespace");
    expect(metadataOf(namespace).name).toBe(endpoints.namespace);
    const objects = resources.filter((r) => r.type.startsWith("kubernetes:") && r !== namespace);
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) {
      expect(metadataOf(object).namespace, `${object.type} ${object.name}`).toBe(endpoints.namespace);
      expect(object.dependencies, `${object.type} ${object.name}`).toContain(namespace.urn);
    }
  });

  it("runs no container on a Docker engine: images are only built and pushed there", async () => {
    const { resources } = await evaluate(stack);
    const onDocker = resources.filter((r) => /^docker(-build)?:/.test(r.type)).map((r) => r.type);
    expect([...new Set(onDocker)]).toEqual([T.image]);
  });

  it("pushes with the registry's credentials, as a secret", async () => {
    const { resources } = await evaluate(stack);
    const builder = find(resources, T.dockerBuildProvider, "docker-build");
    expect(builder.inputs.host).toBe(platformOf(stack).endpoints.dockerHost);
    const address = section(committedConfig(stack), "registry").address as string;
    expect(find(resources, T.httpRoute, "registry").inputs).toMatchObject({
      spec: { hostnames: [address] },
    });
    const images = ofType(resources, T.image);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(image.provider, image.name).toContain(builder.urn);
      // Each push carries the registry's credentials itself, as a secret.
      expect(image.inputs.registries, image.name).toEqual([MASKED]);
      expect((image.inputs.tags as string[])[0], image.name).toMatch(
        new RegExp(`^${address.replaceAll(".", "\\.")}/${image.name}:`),
      );
    }
  });

  it("each service gets the cpu and memory its stack file gives", async () => {
    const config = structuredClone(committedConfig(stack));
    const services = section(config, "services") as Record<string, Tree>;
    Object.assign(services.web, { cpu: "750m", memory: "384Mi" });
    Object.assign(services.front, { cpu: "300m", memory: "192Mi" });
    const { resources } = await evaluate(stack, writeStackFile(config));
    const web = containerOf(find(resources, T.statefulSet, "web"));
    const frontDeployment = find(resources, T.deployment, "front");
    expect(web.resources).toMatchObject({ limits: { cpu: "750m", memory: "384Mi" } });
    expect(containerOf(frontDeployment).resources).toMatchObject({ limits: { cpu: "300m", memory: "192Mi" } });
  });

  it("front is ready only when its own readiness path answers, and alive while its health path does", async () => {
    const { resources } = await evaluate(stack);
    const container = containerOf(find(resources, T.deployment, "front"));
    expect(container).toMatchObject({
      readinessProbe: { httpGet: { path: front.READY_PATH } },
      livenessProbe: { httpGet: { path: front.HEALTH_PATH } },
    });
    expect(front.READY_PATH).not.toBe(front.HEALTH_PATH);
  });

  it("a restore drill gets scratch space the size of its volume, of the volume's storage class", async () => {
    const config = committedConfig(stack);
    const volume = (section(config, "volumes") as Record<string, { sizeGiB: number; storageClass?: string }>)[
      "web-data"
    ];
    const { resources } = await evaluate(stack);
    const drill = find(resources, T.cronJob, "web-data-backup-drill");
    const volumes = (
      drill.inputs as {
        spec: { jobTemplate: { spec: { template: { spec: { volumes: { name: string; ephemeral?: Tree }[] } } } } };
      }
    ).spec.jobTemplate.spec.template.spec.volumes;
    const scratch = volumes.find((v) => v.name === "backup-scratch")!.ephemeral as {
      volumeClaimTemplate: { spec: { resources: { requests: { storage: string } }; storageClassName?: string } };
    };
    expect(scratch.volumeClaimTemplate.spec.resources.requests.storage).toBe(`${volume.sizeGiB}Gi`);
    expect(scratch.volumeClaimTemplate.spec.storageClassName).toBe(volume.storageClass);
  });

  it("admits cert-manager's ACME solver pods from the Gateway's data plane only, on the solver's port", async () => {
    const { resources } = await evaluate(stack);
    const plane = (section(committedConfig(stack), "gateway") as { dataPlane: { namespace: string } }).dataPlane;
    const policy = find(resources, T.networkPolicy, "acme-http01-solver");
    expect((policy.inputs as { spec: unknown }).spec).toEqual({
      podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": plane.namespace } },
              podSelector: { matchLabels: envoyGatewayPodLabels("dockyard", platformOf(stack).endpoints.namespace) },
            },
          ],
          ports: [{ port: 8089, protocol: "TCP" }],
        },
      ],
      egress: [],
    });
  });
});

describe("dev on Docker", () => {
  it("declares nothing on Kubernetes", async () => {
    const { resources } = await evaluate("dev");
    expect(resources.filter((r) => r.type.includes("kubernetes")).map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });

  it("pushes to its registry with the registry's credentials, as a secret", async () => {
    const { resources } = await evaluate("dev");
    expect(find(resources, T.dockerProvider, "docker-registry-auth").inputs.registryAuth).toEqual(MASKED);
  });
});
