import {
  PodMonitor,
  PrometheusRule,
  ServiceMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { BackendTLSPolicy, Gateway, HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { parse } from "yaml";

// oxlint-disable-next-line typescript/no-explicit-any -- each model takes its own kind's data
type Model = new (data: any) => { validate(): void };

/** Models of the ESM-only packages, imported here rather than required by name, by apiVersion and kind. */
const ESM_MODELS: Record<string, { package: string; kinds: Record<string, Model> }> = {
  "monitoring.coreos.com/v1": {
    package: "@kubernetes-models/prometheus-operator",
    kinds: { PodMonitor, PrometheusRule, ServiceMonitor },
  },
  "gateway.networking.k8s.io/v1": {
    package: "@kubernetes-models/gateway-api",
    kinds: { BackendTLSPolicy, Gateway, HTTPRoute },
  },
};

/**
 * Validates a Kubernetes object against the API schema with kubernetes-models (wrong types,
 * missing required fields, bad enums); cert-manager's, the Prometheus Operator's and Gateway API's
 * objects with the models their CRDs publish (@kubernetes-models/cert-manager, /prometheus-operator,
 * /gateway-api). Throws with the model's message when invalid,
 * and when no model exists for its apiVersion/kind (an unknown kind is a mistake too).
 */
export function validateKubernetesObject<T extends { readonly apiVersion?: unknown; readonly kind?: unknown }>(
  object: T,
): void {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const esm = ESM_MODELS[apiVersion];
  if (esm !== undefined) {
    const esmModel = esm.kinds[kind];
    if (esmModel === undefined) throw new Error(`no ${esm.package} schema for ${apiVersion} ${kind}`);
    return new esmModel(object).validate();
  }
  const modelPackage = /(^|\.)cert-manager\.io\//.test(apiVersion)
    ? "@kubernetes-models/cert-manager"
    : "kubernetes-models";
  let model: Model;
  try {
    // oxlint-disable-next-line typescript/no-require-imports
    model = (require(`${modelPackage}/${apiVersion}/${kind}`) as Record<string, typeof model>)[kind];
  } catch {
    throw new Error(`no ${modelPackage} schema for ${apiVersion} ${kind}`);
  }
  if (typeof model !== "function") throw new Error(`no ${modelPackage} schema for ${apiVersion} ${kind}`);
  new model(object).validate();
}

/** Parses one YAML document and validates it. */
export function validateKubernetesYaml(text: string): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} {
  const object = parse(text) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  validateKubernetesObject(object);
  return object;
}
