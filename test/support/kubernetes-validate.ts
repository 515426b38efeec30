import {
  PodMonitor,
  PrometheusRule,
  ServiceMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { parse } from "yaml";

/** The Prometheus Operator's kinds dockyard declares. */
const PROMETHEUS_OPERATOR_MODELS = { PodMonitor, PrometheusRule, ServiceMonitor } as const;

/**
 * Validates a Kubernetes object against the API schema with kubernetes-models (wrong types,
 * missing required fields, bad enums), cert-manager's and the Prometheus Operator's objects with the
 * models their CRDs publish (@kubernetes-models/cert-manager, @kubernetes-models/prometheus-operator). Throws with the model's message when invalid,
 * and when no model exists for its apiVersion/kind (an unknown kind is a mistake too).
 */
export function validateKubernetesObject<T extends { readonly apiVersion?: unknown; readonly kind?: unknown }>(
  object: T,
): void {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  if (apiVersion === "monitoring.coreos.com/v1") {
    // An ESM-only package, imported above rather than required by name.
    const operatorModel = PROMETHEUS_OPERATOR_MODELS[kind as keyof typeof PROMETHEUS_OPERATOR_MODELS] as
      (new (data: unknown) => { validate(): void }) | undefined;
    if (operatorModel === undefined)
      throw new Error(`no @kubernetes-models/prometheus-operator schema for ${apiVersion} ${kind}`);
    return new operatorModel(object).validate();
  }
  const modelPackage = /(^|\.)cert-manager\.io\//.test(apiVersion)
    ? "@kubernetes-models/cert-manager"
    : "kubernetes-models";
  let model: new (data: unknown) => { validate(): void };
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
