import * as certManager from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import * as gatewayApi from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import * as prometheusOperator from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as batch from "kubernetes-models/batch/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as core from "kubernetes-models/v1";
import { parse } from "yaml";

// oxlint-disable-next-line typescript/no-explicit-any -- each model takes its own kind's data
type Model = new (data: any) => { validate(): void };

/**
 * The models of every apiVersion dockyard's objects use, by apiVersion (the packages are ES
 * modules only, so they are imported here, never required by name).
 */
const MODELS: Record<string, { package: string; kinds: object }> = {
  v1: { package: "kubernetes-models", kinds: core },
  "apps/v1": { package: "kubernetes-models", kinds: apps },
  "autoscaling/v2": { package: "kubernetes-models", kinds: autoscaling },
  "batch/v1": { package: "kubernetes-models", kinds: batch },
  "networking.k8s.io/v1": { package: "kubernetes-models", kinds: networking },
  "policy/v1": { package: "kubernetes-models", kinds: policy },
  "cert-manager.io/v1": { package: "@kubernetes-models/cert-manager", kinds: certManager },
  "gateway.networking.k8s.io/v1": { package: "@kubernetes-models/gateway-api", kinds: gatewayApi },
  "monitoring.coreos.com/v1": { package: "@kubernetes-models/prometheus-operator", kinds: prometheusOperator },
};

/**
 * Validates a Kubernetes object against the API schema with kubernetes-models (wrong types,
 * missing required fields, bad enums); cert-manager's, the Prometheus Operator's and Gateway API's
 * objects with the models their CRDs publish (@kubernetes-models/cert-manager, /prometheus-operator,
 * /gateway-api). Throws with the model's message when invalid, and when no model exists for its
 * apiVersion/kind (an unknown kind is a mistake too).
 */
export function validateKubernetesObject<T extends { readonly apiVersion?: unknown; readonly kind?: unknown }>(
  object: T,
): void {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const models = MODELS[apiVersion];
  const model = models && (models.kinds as Record<string, unknown>)[kind];
  if (typeof model !== "function")
    throw new Error(`no ${models?.package ?? "kubernetes-models"} schema for ${apiVersion} ${kind}`);
  new (model as Model)(object).validate();
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
