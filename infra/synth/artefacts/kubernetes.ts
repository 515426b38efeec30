import { stringify } from "yaml";
import { autoName } from "../mock-outputs";
import { type RecordedResource, SECRET_MARKER } from "../recorder";

/** A Kubernetes object as synth writes it: appliable YAML, secrets masked. */
export interface KubernetesArtefact {
  /** File name, ordered for `kubectl apply -f <dir>`, e.g. `03-statefulset-web.yaml`. */
  file: string;
  object: Record<string, unknown>;
}

/** Apply order by kind: what others refer to first. Dependencies order objects of one rank. */
const KIND_RANK: Record<string, number> = {
  Namespace: 0,
  ServiceAccount: 1,
  Secret: 1,
  ConfigMap: 1,
  PersistentVolumeClaim: 2,
  Certificate: 2,
  Service: 3,
  NetworkPolicy: 3,
  Deployment: 4,
  StatefulSet: 4,
  CronJob: 4,
  Job: 4,
  PodDisruptionBudget: 5,
  HorizontalPodAutoscaler: 5,
  BackendTLSPolicy: 5,
  Gateway: 5,
  HTTPRoute: 6,
};

// Core and API groups (`apps`, `networking.k8s.io`) and custom resources' (`cert-manager.io`).
const KUBERNETES_TYPE = /^kubernetes:([a-z0-9.-]+\/)?([a-z0-9]+):([A-Za-z]+)$/;

/**
 * The Kubernetes objects a stack declares, in dependency order, with the namespace their
 * provider puts them in and the logical name where Pulumi would auto-name.
 */
export function kubernetesArtefacts(resources: readonly RecordedResource[]): KubernetesArtefact[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const objects = resources.filter((resource) => KUBERNETES_TYPE.test(resource.type));
  const ordered = dependencyOrder(objects, byUrn);
  return ordered.map((resource, index) => {
    const object = toObject(resource, byUrn);
    const metadata = object.metadata as { name: string };
    const kind = String(object.kind);
    return {
      file: `${String(index + 1).padStart(2, "0")}-${kind.toLowerCase()}-${fileNamePart(metadata.name)}.yaml`,
      object,
    };
  });
}

/**
 * The YAML text of one object. Written for YAML 1.1 readers too (kubectl's): strings such as
 * `off`, `yes`, `true` or `0755` are quoted, so a label value like cert-manager's
 * `acme.cert-manager.io/http01-solver: "true"` stays a string instead of becoming a boolean.
 */
export function kubernetesYaml(artefact: KubernetesArtefact): string {
  return stringify(artefact.object, { sortMapEntries: false, version: "1.1" });
}

function toObject(resource: RecordedResource, byUrn: Map<string, RecordedResource>): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = resource.inputs as {
    apiVersion: string;
    kind: string;
    metadata?: Record<string, unknown>;
  };
  const namespaced = kind !== "Namespace";
  const providerNamespace = resource.provider
    ? byUrn.get(resource.provider.split("::").slice(0, -1).join("::"))?.inputs.namespace
    : undefined;
  return {
    apiVersion,
    kind,
    metadata: {
      ...metadata,
      // The provider auto-names objects without a name; synth's mocks give the same name to references.
      name: metadata?.name ?? autoName(resource.name),
      ...(namespaced && metadata?.namespace === undefined && typeof providerNamespace === "string"
        ? { namespace: providerNamespace }
        : {}),
    },
    ...rest,
  };
}

/** Kind rank first, then a stable topological order over declared dependencies. */
function dependencyOrder(objects: RecordedResource[], byUrn: Map<string, RecordedResource>): RecordedResource[] {
  const rank = (resource: RecordedResource) => KIND_RANK[String(resource.inputs.kind)] ?? 3;
  const sorted = [...objects].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const placed = new Set<string>();
  const result: RecordedResource[] = [];
  const visit = (resource: RecordedResource, trail: Set<string>) => {
    if (placed.has(resource.urn) || trail.has(resource.urn)) return;
    trail.add(resource.urn);
    for (const dependency of resource.dependencies) {
      const target = byUrn.get(dependency);
      if (target && objects.includes(target)) visit(target, trail);
    }
    placed.add(resource.urn);
    result.push(resource);
  };
  for (const resource of sorted) visit(resource, new Set());
  return result;
}

/** A name as part of a file name: a masked (secret) name never shows, and nothing can leave the directory. */
export function fileNamePart(name: unknown): string {
  if (typeof name !== "string" || name.includes(SECRET_MARKER)) return "secret";
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return safe === "" ? "unnamed" : safe;
}
