/**
 * dockyard's policy pack: what the components promise, enforced on every resource a program
 * declares — inside the components or written by hand beside them — at `pulumi preview`/`up`
 * (`--policy-pack policy`) and offline (`npm run policy -- <stack>`).
 *
 * No environment is named here. What the pack knows of the environments comes from data
 * ({@link PackEnvironments}): offline from the stack files (infra/environments.ts), under the
 * engine from the enforcement configs next to the pack (`policy/config/<stack>.json`, one per
 * protected stack, which infra/environments.ts requires). Every policy is advisory by default. A
 * protected stack runs the pack with `--policy-pack-config policy/config/<stack>.json`, which makes
 * them all mandatory; the `policy-enforcement` policy (mandatory itself) fails the stack when that
 * file was not given. See docs/decisions/0009-delivery.md and 0021-environments-as-data.md.
 *
 * This module only declares policies: `policy/index.ts` constructs the PolicyPack (which starts
 * a gRPC server and never returns), tests and the offline runner import this module.
 */
import type {
  Policies,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { existsSync, readdirSync } from "node:fs";
import { containerPolicies } from "./container-policies";
import { secretInEnvironment } from "./secret-shapes";
import {
  DOCKER_CONTAINER,
  type Props,
  dockerContainerOf,
  field,
  isLoopback,
  isProps,
  items,
  kubernetesKind,
  labelsOf,
  plainEnvironment,
  podOf,
  stackOfUrn,
  text,
} from "./workloads";

/** The pack's name, as `pulumi preview --policy-pack policy` reports it. */
export const PACK_NAME = "dockyard";

/**
 * What the pack knows of the environments, derived from data, never written here: which stacks are
 * protected (`dockyard:protect: true` on a CI environment). Each runs every policy mandatory with
 * its enforcement config `policy/config/<stack>.json`, and its stateful resources must be protected.
 */
export interface PackEnvironments {
  readonly protectedStacks: readonly string[];
}

/**
 * The stacks with an enforcement config in `dir` (`<stack>.json`): the protected stacks, as the
 * pack sees them under the engine, where it cannot read the stack files' validated config.
 * infra/environments.ts holds the two to each other: a protected stack without its file, or a file
 * of a stack that is not protected, is an error there (and in `npm run policy`).
 */
export function enforcedStacks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => /^([A-Za-z0-9][A-Za-z0-9_.-]*)\.json$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

const stacksSchema = {
  properties: { stacks: { type: "array" as const, items: { type: "string" as const } } },
};

/** The stacks a policy's config names (`stacks`), if it names any: they replace the derived ones. */
function configuredStacks(args: { getConfig<T extends object>(): T }): readonly string[] | undefined {
  const stacks = args.getConfig<{ stacks?: string[] }>().stacks;
  return Array.isArray(stacks) ? stacks : undefined;
}

const DIGEST_REF = /@sha256:[a-f0-9]{64}$/;

/**
 * Every CI environment runs images pinned by digest. CI environments are the stacks on Kubernetes
 * (`dockyard:target: kubernetes`), so every container of a Kubernetes workload is held to it,
 * wherever it is declared; so is every container of a protected stack. A Docker container is the
 * local target's (dev), which may run a version tag. Config `stacks` names the stacks instead.
 */
function digestPinnedImages(environments: PackEnvironments): ResourceValidationPolicy {
  return {
    name: "digest-pinned-images",
    description:
      "In every CI environment (Kubernetes) and every protected stack, each container runs an image pinned by digest (repo@sha256:<64 hex>), never a tag.",
    configSchema: stacksSchema,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      const props = args.props as Props;
      const stack = stackOfUrn(args.urn);
      const named = configuredStacks(args);
      const kubernetes = named === undefined || named.includes(stack);
      const docker = named === undefined ? environments.protectedStacks.includes(stack) : named.includes(stack);
      const images: [string, unknown][] = [
        ...(kubernetes ? (podOf(args.type, props)?.containers ?? []) : []).map((c): [string, unknown] => [
          c.label,
          c.spec.image,
        ]),
        ...(docker && dockerContainerOf(args.type, props) ? [["the container", props.image] as [string, unknown]] : []),
      ];
      for (const [label, image] of images) {
        if (typeof image !== "string" || !DIGEST_REF.test(image))
          report(`${label} runs ${JSON.stringify(image)}, not an image pinned by digest (repo@sha256:<64 hex>)`);
      }
    },
  };
}

/** Resources holding data, by type: whether the components also promise `retainOnDelete`. */
const STATEFUL: Record<string, { retain: boolean }> = {
  "kubernetes:core/v1:PersistentVolumeClaim": { retain: true },
  "kubernetes:core/v1:PersistentVolume": { retain: true },
  "docker:index/volume:Volume": { retain: true },
  "pulumi-nodejs:dynamic/libvirt:Volume": { retain: false },
};

/** A protected stack's resources holding data are protected (config `stacks` names the stacks instead). */
function protectStatefulResources(environments: PackEnvironments): ResourceValidationPolicy {
  return {
    name: "protect-stateful-resources",
    description:
      "In a protected stack, resources holding data (volume claims, volumes, VM disks) are protected, and data volumes retained on delete.",
    configSchema: stacksSchema,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      const stateful = STATEFUL[args.type];
      const stacks = configuredStacks(args) ?? environments.protectedStacks;
      if (stateful === undefined || !stacks.includes(stackOfUrn(args.urn))) return;
      if (args.opts.protect !== true) report("holds data but is not protected (set the protect resource option)");
      // The engine does not report retainOnDelete to policies (policy SDK 1.21); offline runs do.
      const retain = (args.opts as { retainOnDelete?: unknown }).retainOnDelete;
      if (stateful.retain && retain === false) report("holds data but is not retained on delete (set retainOnDelete)");
    },
  };
}

/** Whether a resource is (or fronts) a container registry: dockyard's labels, or the image's repository name. */
function isRegistry(type: string, props: Props): boolean {
  if (labelsOf(type, props)["app.kubernetes.io/component"] === "registry") return true;
  const image = typeof props.image === "string" ? props.image : "";
  const repository = image.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  const segments = repository.split("/");
  if (segments[segments.length - 1] === "registry") return true;
  const selector = field(props, "spec", "selector");
  return isProps(selector) && Object.values(selector).includes("registry");
}

function hostOfAddress(address: string): string {
  return address
    .replace(/^[a-z]+:\/\//i, "")
    .split("/")[0]
    .replace(/:\d+$/, "");
}

export const registryTlsOffLoopback: ResourceValidationPolicy = {
  name: "registry-tls-off-loopback",
  description:
    "A registry reached from anywhere but the local machine is reached over TLS: no plain-HTTP registry published off-loopback, no http:// registry address, HTTPRoutes to a registry attach to one (HTTPS) Gateway listener, Ingresses to a registry terminate TLS.",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const props = args.props as Props;
    const kind = kubernetesKind(args.type);
    if (args.type === DOCKER_CONTAINER && isRegistry(args.type, props)) {
      const tls =
        plainEnvironment(args.type, props).some((env) => env.name === "REGISTRY_HTTP_TLS_CERTIFICATE") ||
        items(field(props, "healthcheck", "tests")).some((test) => String(test).startsWith("https://"));
      for (const port of items(props.ports).filter(isProps)) {
        const ip = typeof port.ip === "string" && port.ip !== "" ? port.ip : "0.0.0.0";
        if (!isLoopback(ip) && !tls)
          report(
            `the registry is published on ${ip}:${String(port.external)} over plain HTTP: publish it on 127.0.0.1 or give it TLS`,
          );
      }
    }
    if (kind === "Service" && isRegistry(args.type, props)) {
      const type = field(props, "spec", "type");
      if (type === "LoadBalancer" || type === "NodePort" || items(field(props, "spec", "externalIPs")).length > 0)
        report(
          `the registry's Service is exposed outside the cluster (${String(type)}): expose it through an HTTPS Gateway listener`,
        );
    }
    if (kind === "HTTPRoute") {
      const toRegistry = items(field(props, "spec", "rules")).some((rule) =>
        items(field(rule, "backendRefs")).some((ref) => /registry/.test(text(field(ref, "name") ?? ""))),
      );
      // Without a sectionName a route attaches to every listener of its Gateway, the plain-HTTP one too.
      if (
        toRegistry &&
        items(field(props, "spec", "parentRefs")).some((parent) => field(parent, "sectionName") === undefined)
      )
        report(
          "the HTTPRoute routes to a registry from every listener of its Gateway, plain HTTP included: attach it to the registry's HTTPS listener (sectionName)",
        );
    }
    if (kind === "Ingress") {
      const tlsHosts = new Set(items(field(props, "spec", "tls")).flatMap((entry) => items(field(entry, "hosts"))));
      const toRegistry = (backend: unknown) => /registry/.test(text(field(backend, "service", "name") ?? ""));
      if (toRegistry(field(props, "spec", "defaultBackend")) && tlsHosts.size === 0)
        report("the Ingress routes to a registry without tls");
      for (const rule of items(field(props, "spec", "rules"))) {
        const paths = items(field(rule, "http", "paths"));
        const host = text(field(rule, "host") ?? "*");
        if (paths.some((path) => toRegistry(field(path, "backend"))) && !tlsHosts.has(host))
          report(`the Ingress routes ${host} to a registry without tls for that host`);
      }
    }
    const addresses: unknown[] = [
      ...(args.type === "pulumi:providers:docker"
        ? items(props.registryAuth).map((auth) => field(auth, "address"))
        : []),
      ...(args.type === "docker-build:index:Image" ? items(props.registries).map((r) => field(r, "address")) : []),
    ];
    for (const address of addresses) {
      if (typeof address === "string" && /^http:\/\//i.test(address) && !isLoopback(hostOfAddress(address)))
        report(`registry address ${address} is plain HTTP off the local machine: use the registry's TLS address`);
    }
  },
};

export const noSecretInPlainEnv: ResourceValidationPolicy = {
  name: "no-secret-in-plain-env",
  description:
    "No credential in a container's plain environment: secrets reach containers as files or Kubernetes secretKeyRef.",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const props = args.props as Props;
    const containers: [string, Props][] = [
      ...(podOf(args.type, props)?.containers ?? []).map((c): [string, Props] => [c.label, c.spec]),
      ...(dockerContainerOf(args.type, props) ? [["the container", props] as [string, Props]] : []),
    ];
    for (const [label, container] of containers) {
      for (const { name, value } of plainEnvironment(args.type, container)) {
        const why = secretInEnvironment(name, value);
        if (why !== undefined)
          report(`${label} has ${name} in its plain environment and ${why}: mount it as a file or use a secretKeyRef`);
      }
    }
  },
};

/** Fails a protected stack that runs the pack without its enforcement config (so advisory). */
function policyEnforcement(environments: PackEnvironments): StackValidationPolicy {
  return {
    name: "policy-enforcement",
    description:
      "A protected stack runs this pack with its enforcement config policy/config/<stack>.json, which makes every policy mandatory.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { stack: { type: "string" } } },
    validateStack: (args, report) => {
      const stack = stackOfUrn(args.resources[0]?.urn ?? "");
      if (!environments.protectedStacks.includes(stack)) return;
      if (args.getConfig<{ stack?: string }>().stack !== stack)
        report(
          `stack ${stack} is protected and must run this pack with its enforcement config: --policy-pack policy --policy-pack-config policy/config/${stack}.json`,
        );
    },
  };
}

/** Every policy of the pack, in the order they are reported, for the given environments. */
export function dockyardPolicies(environments: PackEnvironments): Policies {
  return [
    ...containerPolicies,
    digestPinnedImages(environments),
    protectStatefulResources(environments),
    registryTlsOffLoopback,
    noSecretInPlainEnv,
    policyEnforcement(environments),
  ];
}

/** The policies' names, in the order they are reported (whatever the environments). */
export const POLICY_NAMES: readonly string[] = dockyardPolicies({ protectedStacks: [] }).map((policy) => policy.name);
