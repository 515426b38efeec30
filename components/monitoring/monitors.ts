/**
 * How Prometheus (the Prometheus Operator's) finds each service's metrics: a ServiceMonitor on
 * its Service's metrics port, or a PodMonitor on its pods' metrics port; and a NetworkPolicy
 * admitting Prometheus' pods, from the monitoring namespace only, to that port only. Policies add
 * up: the service's own policy keeps admitting its peers to its own ports.
 * @see https://prometheus-operator.dev/docs/developer/getting-started/
 */
import { DOCKYARD_LABELS } from "../kubernetes-labels";
import { podLabelsOf } from "../workload";
import { METRICS_PATH } from "./defaults";
import type { ResolvedMonitoredService, ResolvedMonitoring } from "./resolve";

/** The API group and version of the Prometheus Operator's objects. */
export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
/** Label every namespace carries with its own name (Kubernetes ≥ 1.22). */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** The pod label whose value becomes the `job` label: the service's name, as the rules expect. */
export const JOB_LABEL = "app.kubernetes.io/instance";

/** A ServiceMonitor or PodMonitor (monitoring.coreos.com/v1), as plain data. */
export interface MonitorObject {
  readonly apiVersion: typeof MONITORING_API_VERSION;
  readonly kind: "ServiceMonitor" | "PodMonitor";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

type Selector = { readonly matchLabels: Record<string, string> };

/** A NetworkPolicy admitting traffic in (networking.k8s.io/v1), as plain data. */
export interface NetworkPolicyObject {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly podSelector: Selector;
    readonly policyTypes: "Ingress"[];
    readonly ingress: {
      readonly from: { readonly namespaceSelector: Selector; readonly podSelector: Selector }[];
      readonly ports: { readonly port: number; readonly protocol: "TCP" }[];
    }[];
  };
}

/** Labels of every monitoring object: dockyard's, the service's name, and the release the operator selects by. */
export function monitoringLabels(spec: ResolvedMonitoring, name: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": "monitoring",
    ...DOCKYARD_LABELS,
    release: spec.release,
  };
}

/**
 * The service's ServiceMonitor (its Service `<name>` must list the metrics port under its name)
 * or PodMonitor (the container port of that name), scraping `/metrics` every scrapeInterval, the
 * target's `job` label being the service's name.
 */
export function monitorObject(spec: ResolvedMonitoring, service: ResolvedMonitoredService): MonitorObject {
  const endpoint = {
    port: service.metricsPortName,
    path: METRICS_PATH,
    scheme: "http",
    interval: spec.scrapeInterval,
  };
  const common = {
    jobLabel: JOB_LABEL,
    selector: { matchLabels: podLabelsOf(service.name) },
    namespaceSelector: { matchNames: [spec.namespace] },
  };
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: service.monitor,
    metadata: { name: service.name, namespace: spec.namespace, labels: monitoringLabels(spec, service.name) },
    spec:
      service.monitor === "ServiceMonitor"
        ? { ...common, endpoints: [endpoint] }
        : { ...common, podMetricsEndpoints: [endpoint] },
  };
}

/** Admits Prometheus' pods, from the monitoring namespace only, to the service's metrics port only. */
export function metricsNetworkPolicy(spec: ResolvedMonitoring, service: ResolvedMonitoredService): NetworkPolicyObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: `${service.name}-metrics`,
      namespace: spec.namespace,
      labels: monitoringLabels(spec, service.name),
    },
    spec: {
      podSelector: { matchLabels: podLabelsOf(service.name) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: spec.monitoringNamespace } },
              podSelector: { matchLabels: { ...spec.prometheusPodLabels } },
            },
          ],
          ports: [{ port: service.metricsPort, protocol: "TCP" }],
        },
      ],
    },
  };
}
