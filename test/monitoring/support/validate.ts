/**
 * Validates the monitoring objects: the Prometheus Operator's kinds against the schemas its CRDs
 * publish (@kubernetes-models/prometheus-operator), everything else as test/support does (a
 * NetworkPolicy against kubernetes-models). Throws with the model's message when invalid, and for
 * a monitoring.coreos.com kind it has no model for.
 */
import {
  PodMonitor,
  PrometheusRule,
  ServiceMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { validateKubernetesObject } from "../../support/kubernetes-validate";

const MODELS = { PodMonitor, PrometheusRule, ServiceMonitor } as const;

export function validateMonitoringObject<T extends { readonly apiVersion?: unknown; readonly kind?: unknown }>(
  object: T,
): void {
  if (object.apiVersion !== "monitoring.coreos.com/v1") return validateKubernetesObject(object);
  const model = MODELS[String(object.kind) as keyof typeof MODELS] as
    (new (data: unknown) => { validate(): void }) | undefined;
  if (model === undefined)
    throw new Error(`no @kubernetes-models/prometheus-operator schema for ${String(object.kind)}`);
  new model(object).validate();
}
