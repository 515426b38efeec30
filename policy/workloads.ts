/**
 * What the policies look at, read from a resource's type and inputs alone: the pod spec of any
 * Kubernetes workload and the settings of any Docker container, whoever declared them (a
 * dockyard component or a resource written by hand). No SDK imports: the pack, the offline
 * runner and the tests share this module.
 */

/** A plain object of unknown shape (resource inputs). */
export type Props = Record<string, unknown>;

/** Path from a workload kind's inputs to its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Kinds whose pods run until stopped: they need health probes. Jobs run to completion. */
const LONG_RUNNING = new Set(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"]);

export const DOCKER_CONTAINER = "docker:index/container:Container";

/**
 * The workload kind a Kubernetes patch resource changes (`Deployment` for
 * `kubernetes:apps/v1:DeploymentPatch`), or undefined for anything else.
 */
export function patchedWorkloadKind(type: string): string | undefined {
  const kind = kubernetesKind(type);
  const patched = kind?.endsWith("Patch") ? kind.slice(0, -"Patch".length) : undefined;
  return patched !== undefined && Object.hasOwn(POD_SPEC_PATHS, patched) ? patched : undefined;
}

/** `Deployment` from `kubernetes:apps/v1:Deployment`; undefined for other providers. */
export function kubernetesKind(type: string): string | undefined {
  return /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(type)?.[1];
}

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::…`. */
export function stackOfUrn(urn: string): string {
  return urn.startsWith("urn:pulumi:") ? urn.slice("urn:pulumi:".length).split("::")[0] : "";
}

export function isProps(value: unknown): value is Props {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function at(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isProps(node) ? node[key] : undefined), value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** One container of a pod, with what it is called in messages. */
export interface PodContainer {
  /** `container "web"`, `init container "setup"`, `ephemeral container "debug"`. */
  label: string;
  role: "container" | "init" | "ephemeral";
  spec: Props;
}

/** A Kubernetes workload's pod: its spec, its containers, and whether it runs until stopped. */
export interface Pod {
  kind: string;
  longRunning: boolean;
  spec: Props;
  containers: PodContainer[];
}

/** The pod a Kubernetes workload runs, or undefined for any other resource. */
export function podOf(type: string, props: Props): Pod | undefined {
  const kind = kubernetesKind(type);
  const path = kind === undefined ? undefined : POD_SPEC_PATHS[kind];
  if (kind === undefined || path === undefined) return undefined;
  const spec = at(props, path);
  if (!isProps(spec)) return undefined;
  const containers: PodContainer[] = [];
  const add = (key: string, role: PodContainer["role"], prefix: string) => {
    for (const container of list(spec[key])) {
      if (!isProps(container)) continue;
      containers.push({ label: `${prefix}container "${String(container.name)}"`, role, spec: container });
    }
  };
  add("initContainers", "init", "init ");
  add("containers", "container", "");
  add("ephemeralContainers", "ephemeral", "ephemeral ");
  return { kind, longRunning: LONG_RUNNING.has(kind), spec, containers };
}

/** A Docker container's inputs, or undefined for any other resource. */
export function dockerContainerOf(type: string, props: Props): Props | undefined {
  return type === DOCKER_CONTAINER ? props : undefined;
}

/** Whether a Docker container is created but never started (a files carrier): runtime checks do not apply. */
export function neverStarts(container: Props): boolean {
  return container.start === false;
}

/** A pod or container security-context field, the container's value winning over the pod's. */
export function effective(pod: Pod, container: PodContainer, key: string): unknown {
  const own = at(container.spec, ["securityContext", key]);
  return own !== undefined ? own : at(pod.spec, ["securityContext", key]);
}

export function field(value: unknown, ...path: string[]): unknown {
  return at(value, path);
}

export function items(value: unknown): unknown[] {
  return list(value);
}

/** Labels of a resource: Kubernetes `metadata.labels`, Docker `labels: [{label, value}]`. */
export function labelsOf(type: string, props: Props): Record<string, string> {
  if (type === DOCKER_CONTAINER) {
    return Object.fromEntries(
      list(props.labels)
        .filter(isProps)
        .map((entry) => [String(entry.label), String(entry.value)]),
    );
  }
  const labels = at(props, ["metadata", "labels"]);
  return isProps(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : {};
}

/** `name=value` entries of a container's plain environment (Kubernetes `env[].value`, Docker `envs`). */
export function plainEnvironment(type: string, container: Props): { name: string; value: string }[] {
  if (type === DOCKER_CONTAINER) {
    return list(container.envs)
      .filter((entry): entry is string => typeof entry === "string")
      .map((entry) => {
        const eq = entry.indexOf("=");
        return eq < 0 ? { name: entry, value: "" } : { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
      });
  }
  return list(container.env)
    .filter(isProps)
    .filter((entry) => entry.value !== undefined && entry.valueFrom === undefined)
    .map((entry) => ({ name: String(entry.name), value: String(entry.value) }));
}

/** Whether a host is the local machine: `127.x.x.x`, `::1`, `localhost`. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** A value as text for a message: strings as they are, anything else as JSON. */
export function text(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
