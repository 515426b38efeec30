/**
 * Every policy of the pack fires on a resource that breaks it — written as the components would
 * never write it, or by hand outside them — and passes what the committed stacks declare.
 */
// Walks every API group the SDK ships (workloadTypes), so it needs the package root.
// oxlint-disable-next-line no-restricted-imports
import * as k8s from "@pulumi/kubernetes";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IService } from "kubernetes-models/v1/Service";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadEnvironments } from "../../infra/environments";
import { type PackConfig, resolvePackConfig, runPolicies, type Violation } from "../../infra/policy/run";
import { dockyardPolicies, enforcedStacks, POLICY_NAMES } from "../../policy/policies";
import { evaluate, find, record, type RecordedResource } from "../support/pulumi-harness";
import { T } from "../support/types";

const MANDATORY: PackConfig = JSON.parse(readFileSync("policy/config/prod.json", "utf8")) as PackConfig;

/** The inputs of a Docker container these tests change. */
interface DockerInputs {
  user?: string;
  securityOpts?: string[];
  readOnly?: boolean;
  capabilities: { adds: string[]; drops: string[] };
  memory?: number;
  healthcheck?: { tests: string[] };
  image: string;
  ports: { ip?: string; external: number }[];
  envs: string[];
}

/** A copy of one committed resource, changed by `edit`. */
async function changed<T = Record<string, unknown>>(
  stack: string,
  type: string,
  name: string,
  edit: (inputs: T, r: RecordedResource) => void,
) {
  const resource = structuredClone(find((await evaluate(stack)).resources, type, name));
  edit(resource.inputs as T, resource);
  return resource;
}

type Workload = { spec: { template: { spec: IPodSpec } } };
/** The committed web StatefulSet of a stack, with its pod spec and first container changed. */
const web = (stack: string, edit: (pod: IPodSpec, container: IContainer) => void) =>
  changed<Workload>(stack, T.statefulSet, "web", (i) => edit(i.spec.template.spec, i.spec.template.spec.containers[0]));
/** A committed Docker container of dev, changed. */
const docker = (name: string, edit: (inputs: DockerInputs) => void) =>
  changed<DockerInputs>("dev", T.container, name, edit);

async function violations(resource: RecordedResource | RecordedResource[], config = MANDATORY): Promise<Violation[]> {
  return runPolicies([resource].flat(), config);
}
const named = (list: Violation[], policy: string) => list.filter((v) => v.policy === policy);

describe("the committed stacks", () => {
  it.each(["dev", "test", "prod"])("%s violates no policy, every policy mandatory", async (stack) => {
    const config = { all: "mandatory", "policy-enforcement": { stack } };
    expect(await runPolicies((await evaluate(stack)).resources, config)).toEqual([]);
  });
});

describe("each policy fires on a resource that breaks it", () => {
  const cases: [string, string, () => Promise<RecordedResource>, RegExp][] = [
    [
      "no-workload-patches",
      "a Deployment patched",
      () => Promise.resolve(privileged("kubernetes:apps/v1:DeploymentPatch")),
      /a Deployment is patched \(kubernetes:apps\/v1:DeploymentPatch\): declare the Deployment whole/,
    ],
    [
      "restricted-pod-profile",
      "privileged container",
      () => web("prod", (_, c) => (c.securityContext!.privileged = true)),
      /container "web" is privileged/,
    ],
    [
      "restricted-pod-profile",
      "host network",
      () => web("prod", (pod) => (pod.hostNetwork = true)),
      /hostNetwork: true/,
    ],
    [
      "restricted-pod-profile",
      "host path volume",
      () => web("prod", (pod) => pod.volumes!.push({ name: "h", hostPath: { path: "/" } })),
      /volume "h" is of type hostPath/,
    ],
    ["restricted-pod-profile", "root on Docker", () => docker("web", (i) => (i.user = "0:0")), /runs as root/],
    [
      "restricted-pod-profile",
      "Docker without no-new-privileges",
      () => docker("web", (i) => (i.securityOpts = [])),
      /no-new-privileges/,
    ],
    [
      "read-only-root-filesystem",
      "writable root on Kubernetes",
      () => web("prod", (_, c) => (c.securityContext!.readOnlyRootFilesystem = false)),
      /container "web" does not set securityContext.readOnlyRootFilesystem: true/,
    ],
    [
      "read-only-root-filesystem",
      "writable root on Docker",
      () => docker("web", (i) => (i.readOnly = false)),
      /root filesystem is writable/,
    ],
    [
      "drop-all-capabilities",
      "kept capabilities",
      () => web("prod", (_, c) => (c.securityContext!.capabilities = { drop: ["NET_RAW"] })),
      /does not drop ALL/,
    ],
    [
      "drop-all-capabilities",
      "added capability on Docker",
      () => docker("web", (i) => (i.capabilities.adds = ["CAP_SYS_ADMIN"])),
      /adds capabilities SYS_ADMIN/,
    ],
    ["resource-limits", "no limits", () => web("prod", (_, c) => delete c.resources), /no cpu or memory limit/],
    ["resource-limits", "no memory limit on Docker", () => docker("web", (i) => delete i.memory), /no memory limit/],
    ["health-probes", "no liveness probe", () => web("prod", (_, c) => delete c.livenessProbe), /no livenessProbe/],
    [
      "health-probes",
      "health check disabled on Docker",
      () => docker("web", (i) => (i.healthcheck = { tests: ["NONE"] })),
      /no health check/,
    ],
    [
      "digest-pinned-images",
      "a tag in prod",
      () => web("prod", (_, c) => (c.image = "registry.example.internal/web:1.2.3")),
      /runs "registry.example.internal\/web:1.2.3", not an image pinned by digest/,
    ],
    [
      "protect-stateful-resources",
      "unprotected claim in prod",
      () => changed("prod", T.pvc, "web-data", (_, r) => (r.options.protect = false)),
      /not protected/,
    ],
    [
      "protect-stateful-resources",
      "claim not retained in prod",
      () => changed("prod", T.pvc, "web-data", (_, r) => (r.options.retainOnDelete = false)),
      /not retained on delete/,
    ],
    [
      "registry-tls-off-loopback",
      "plain-HTTP registry on all interfaces",
      () => docker("registry", (i) => delete i.ports[0].ip),
      /published on 0.0.0.0:5000 over plain HTTP/,
    ],
    [
      "registry-tls-off-loopback",
      "registry Service as a LoadBalancer",
      () => changed<IService>("prod", T.service, "registry", (i) => (i.spec!.type = "LoadBalancer")),
      /exposed outside the cluster \(LoadBalancer\)/,
    ],
    [
      "registry-tls-off-loopback",
      "http:// registry address",
      () =>
        changed<{ registries: { address: string }[] }>(
          "dev",
          T.image,
          "web",
          (i) => (i.registries[0].address = "http://registry.example.internal"),
        ),
      /plain HTTP off the local machine/,
    ],
    [
      "no-secret-in-plain-env",
      "a password in env",
      () => web("prod", (_, c) => c.env!.push({ name: "DB_PASSWORD", value: "hunter2" })),
      /DB_PASSWORD in its plain environment and its name says it holds a credential/,
    ],
    [
      "no-secret-in-plain-env",
      "a Pulumi secret in Docker env",
      () => docker("web", (i) => i.envs.push("UPSTREAM=[secret]")),
      /UPSTREAM in its plain environment and its value is a Pulumi secret/,
    ],
  ];

  it.each(cases)("%s: %s", async (policy, _what, make, why) => {
    const found = await violations(await make());
    expect(found.map((v) => v.policy)).toEqual([policy]);
    expect(found[0].level).toBe("mandatory");
    expect(found[0].message).toMatch(why);
  });

  it("every policy has a case above", () => {
    expect(new Set(cases.map(([policy]) => policy))).toEqual(
      new Set(POLICY_NAMES.filter((name) => name !== "policy-enforcement")),
    );
  });

  it("registry-tls-off-loopback: an Ingress to the registry without tls for its host", async () => {
    const ingress = structuredClone(find((await evaluate("prod")).resources, T.service, "registry"));
    const backend = { service: { name: "registry", port: { number: 5000 } } };
    const spec: NonNullable<IIngress["spec"]> = {
      rules: [{ host: "registry.example.internal", http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
    };
    Object.assign(ingress, { type: "kubernetes:networking.k8s.io/v1:Ingress", name: "registry", inputs: { spec } });
    expect(named(await violations(ingress), "registry-tls-off-loopback")[0].message).toMatch(
      /routes registry.example.internal to a registry without tls/,
    );
    spec.tls = [{ hosts: ["registry.example.internal"], secretName: "registry-tls" }];
    expect(await violations(ingress)).toEqual([]);
  });

  it("registry-tls-off-loopback: an HTTPRoute to the registry from every listener, plain HTTP included", async () => {
    const route = structuredClone(find((await evaluate("prod")).resources, T.httpRoute, "registry"));
    expect(await violations(route)).toEqual([]);
    const parents = (route.inputs as { spec: { parentRefs: { sectionName?: string }[] } }).spec.parentRefs;
    delete parents[0].sectionName;
    expect(named(await violations(route), "registry-tls-off-loopback")[0].message).toMatch(
      /routes to a registry from every listener of its Gateway, plain HTTP included/,
    );
  });

  it("no-secret-in-plain-env: locations of secrets and ordinary settings pass", async () => {
    const ok = await web("prod", (_, c) =>
      c.env!.push(
        { name: "DB_PASSWORD_FILE", value: "/run/secrets/db" },
        { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "api", key: "token" } } },
        { name: "KEYBOARD_LAYOUT", value: "us" },
      ),
    );
    expect(await violations(ok)).toEqual([]);
  });

  it("digest-pinned-images and protect-stateful-resources do not apply to dev (and protect not to test)", async () => {
    const tagged = await docker("web", (i) => (i.image = "127.0.0.1:5000/web:1.0"));
    expect(await violations(tagged)).toEqual([]);
    const claim = await changed("test", T.pvc, "web-data", (_, r) => (r.options.protect = false));
    expect(await violations(claim)).toEqual([]);
  });

  it("digest-pinned-images holds every Kubernetes workload to a digest, in any stack; a Docker container only in a protected one", async () => {
    // A stack named nowhere (a new CI environment): its Kubernetes workloads are CI's, pinned by digest.
    const tagged = await web("test", (_, c) => (c.image = "registry.staging.example.internal/web:1.2.3"));
    const staging = { ...tagged, urn: tagged.urn.replace("urn:pulumi:test::", "urn:pulumi:staging::") };
    expect(named(await violations(staging), "digest-pinned-images")).toHaveLength(1);
    const container = await docker("web", (i) => (i.image = "127.0.0.1:5000/web:1.0"));
    const inProd = { ...container, urn: container.urn.replace("urn:pulumi:dev::", "urn:pulumi:prod::") };
    expect(named(await violations(inProd), "digest-pinned-images").map((v) => v.message)).toEqual([
      'the container runs "127.0.0.1:5000/web:1.0", not an image pinned by digest (repo@sha256:<64 hex>)',
    ]);
    // Config `stacks` names the stacks instead: every container there, nothing elsewhere.
    const only = { all: "mandatory", "digest-pinned-images": { stacks: ["dev"] } };
    expect(named(await violations(container, only), "digest-pinned-images")).toHaveLength(1);
    expect(named(await violations(staging, only), "digest-pinned-images")).toEqual([]);
  });

  it("the protected stacks come from data: a pack told of none neither protects nor guards prod", async () => {
    const claim = await changed("prod", T.pvc, "web-data", (_, r) => (r.options.protect = false));
    const unaware = dockyardPolicies({ protectedStacks: [] });
    expect(await runPolicies([claim], MANDATORY, unaware)).toEqual([]);
    const staging = { ...claim, urn: claim.urn.replace("urn:pulumi:prod::", "urn:pulumi:staging::") };
    expect(
      named(await runPolicies([staging], {}, dockyardPolicies({ protectedStacks: ["staging"] })), "policy-enforcement"),
    ).toEqual([
      expect.objectContaining({
        level: "mandatory",
        message:
          "stack staging is protected and must run this pack with its enforcement config: --policy-pack policy --policy-pack-config policy/config/staging.json",
      }),
    ]);
  });

  it("policy-enforcement: prod without its config fails, even though every other policy is advisory then", async () => {
    const prod = (await evaluate("prod")).resources;
    expect(await runPolicies(prod, {})).toEqual([
      expect.objectContaining({ policy: "policy-enforcement", level: "mandatory", resource: "(stack)" }),
    ]);
    expect(await runPolicies((await evaluate("test")).resources, {})).toEqual([]);
  });
});

describe("a resource written by hand outside the components", () => {
  it("a privileged Deployment with a tag, no limits and no probes is caught by every policy it breaks", async () => {
    const resources = await record(
      () =>
        new k8s.apps.v1.Deployment("rogue", {
          metadata: { namespace: "dockyard" },
          spec: {
            selector: { matchLabels: { app: "rogue" } },
            template: {
              metadata: { labels: { app: "rogue" } },
              spec: {
                containers: [
                  {
                    name: "rogue",
                    image: "docker.io/library/nginx:1.27",
                    securityContext: { privileged: true },
                    env: [{ name: "ADMIN_PASSWORD", value: "changeme" }],
                  },
                ],
              },
            },
          },
        }),
      "prod",
    );
    const found = await runPolicies(resources, MANDATORY);
    expect(new Set(found.map((v) => v.policy))).toEqual(
      new Set([
        "restricted-pod-profile",
        "read-only-root-filesystem",
        "drop-all-capabilities",
        "resource-limits",
        "health-probes",
        "digest-pinned-images",
        "no-secret-in-plain-env",
      ]),
    );
    expect(found.every((v) => v.resource === "kubernetes:apps/v1:Deployment::rogue" && v.level === "mandatory")).toBe(
      true,
    );
    // Without prod's config the same findings are advisory, and policy-enforcement fails the stack instead.
    const advisory = await runPolicies(resources, {});
    expect(advisory.filter((v) => v.level === "mandatory").map((v) => v.policy)).toEqual(["policy-enforcement"]);
    expect(advisory.filter((v) => v.level === "advisory")).toHaveLength(found.length);
  });
});

/** Workload kinds of the Kubernetes API (its "Workload Resources"): each runs pods from a template. */
const POD_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Every resource type of the Kubernetes SDK, in every API version it ships, that is one of those kinds or a patch of one. */
function workloadTypes(): string[] {
  const types: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (node === null || (typeof node !== "object" && typeof node !== "function") || depth > 3) return;
    const token = (node as { __pulumiType?: unknown }).__pulumiType;
    if (typeof token === "string") {
      const kind = /:([A-Za-z]+)$/.exec(token)?.[1]?.replace(/Patch$/, "") ?? "";
      if (token.startsWith("kubernetes:") && Object.hasOwn(POD_PATHS, kind)) types.push(token);
      return;
    }
    for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key], depth + 1);
  };
  visit(k8s, 0);
  return [...new Set(types)].sort();
}

/** A hand-written resource of `type` whose pod runs a privileged container. */
function privileged(type: string): RecordedResource {
  const kind = /:([A-Za-z]+?)(Patch)?$/.exec(type)![1];
  const inputs: Record<string, unknown> = {};
  let node = inputs;
  for (const key of POD_PATHS[kind]) node = node[key] = {} as Record<string, unknown>;
  node.containers = [{ name: "rogue", image: "busybox", securityContext: { privileged: true } }];
  return {
    urn: `urn:pulumi:prod::dockyard::${type}::rogue`,
    type,
    name: "rogue",
    parent: null,
    dependencies: [],
    inputs,
    custom: true,
    options: {
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
    },
  };
}

describe("every workload kind the Kubernetes API has, written by hand", () => {
  const types = workloadTypes();

  it("covers each kind in every API version the SDK ships, and its patch", () => {
    expect(types.length).toBeGreaterThanOrEqual(40);
    expect(types).toContain("kubernetes:apps/v1:DaemonSet");
    expect(types).toContain("kubernetes:core/v1:PodTemplate");
    expect(types).toContain("kubernetes:extensions/v1beta1:DaemonSetPatch");
  });

  it.each(types.filter((type) => !type.endsWith("Patch")))(
    "%s with a privileged container is refused",
    async (type) => {
      const found = named(await violations(privileged(type)), "restricted-pod-profile");
      expect(found.map((v) => v.message)).toContain('container "rogue" is privileged');
    },
  );

  it.each(types.filter((type) => type.endsWith("Patch")))(
    "%s is refused: a patch changes a pod the pack cannot see whole",
    async (type) => {
      const found = await violations(privileged(type));
      expect(named(found, "no-workload-patches")).toHaveLength(1);
    },
  );
});

describe("enforcement", () => {
  it("is advisory by default and mandatory for every policy under prod's config", () => {
    for (const { level } of resolvePackConfig(MANDATORY).values()) expect(level).toBe("mandatory");
    const defaults = resolvePackConfig({});
    for (const [name, { level }] of defaults)
      expect(level).toBe(name === "policy-enforcement" ? "mandatory" : "advisory");
  });

  it("each protected stack has a config naming it, and the engine's pack sees exactly those; a config naming no policy of the pack is refused", () => {
    const protectedStacks = loadEnvironments().protected.map((environment) => environment.stack);
    expect(protectedStacks.length).toBeGreaterThan(0);
    // policy/index.ts gives the pack the stacks with an enforcement config beside it.
    expect(enforcedStacks("policy/config")).toEqual(protectedStacks);
    for (const stack of protectedStacks) {
      const config = JSON.parse(readFileSync(`policy/config/${stack}.json`, "utf8")) as {
        all: string;
        "policy-enforcement": { stack: string };
      };
      expect(config.all).toBe("mandatory");
      expect(config["policy-enforcement"].stack).toBe(stack);
    }
    expect(() => resolvePackConfig({ "no-such-policy": "mandatory" })).toThrow(/"no-such-policy" is not a policy/);
    expect(() => resolvePackConfig({ all: "strict" })).toThrow(/all must be one of/);
  });

  it("the pack's own package.json pins the SDK versions the project uses", () => {
    type Manifest = { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const root = JSON.parse(readFileSync("package.json", "utf8")) as Manifest;
    const pack = JSON.parse(readFileSync("policy/package.json", "utf8")) as Manifest;
    for (const [name, version] of Object.entries({ ...pack.dependencies, ...pack.devDependencies }))
      expect(version, name).toBe(root.dependencies[name] ?? root.devDependencies[name]);
  });
});
