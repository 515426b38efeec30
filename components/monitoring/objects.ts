/**
 * Everything the monitoring of one namespace is made of, as plain Kubernetes objects: a
 * PrometheusRule holding every alert (and the recording rules its objectives need), a
 * ServiceMonitor or PodMonitor per service, and a NetworkPolicy per service admitting Prometheus
 * to its metrics port. Pure: the same input gives the same objects, offline.
 */
import { stringify } from "yaml";
import type { MonitoringArgs } from "./args";
import { certificateRuleGroup } from "./certificate-rules";
import { cronJobRuleGroup } from "./cronjob-rules";
import { workloadRuleGroup } from "./kubernetes-rules";
import {
  metricsNetworkPolicy,
  MONITORING_API_VERSION,
  monitoringLabels,
  type MonitorObject,
  monitorObject,
  type NetworkPolicyObject,
} from "./monitors";
import { type ResolvedMonitoring, resolveMonitoring } from "./resolve";
import type { RuleGroup } from "./rule-model";
import { serviceRuleGroups } from "./service-rules";
import { volumeRuleGroup } from "./volume-rules";

/** A PrometheusRule (monitoring.coreos.com/v1), as plain data. */
export interface PrometheusRuleObject {
  readonly apiVersion: typeof MONITORING_API_VERSION;
  readonly kind: "PrometheusRule";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly spec: { readonly groups: readonly RuleGroup[] };
}

/** The objects {@link monitoringObjects} renders. */
export interface MonitoringObjects {
  readonly prometheusRule: PrometheusRuleObject;
  /** One per service, named after it. */
  readonly monitors: readonly MonitorObject[];
  /** `<service>-metrics`, one per service. */
  readonly networkPolicies: readonly NetworkPolicyObject[];
}

/** Every rule group, in a stable order: per service, then workloads, CronJobs, Certificates, volumes. */
export function ruleGroups(spec: ResolvedMonitoring): RuleGroup[] {
  return [
    ...spec.services.flatMap((service) => serviceRuleGroups(spec, service)),
    workloadRuleGroup(spec),
    ...[cronJobRuleGroup(spec), certificateRuleGroup(spec), volumeRuleGroup(spec)].filter(
      (group): group is RuleGroup => group !== undefined,
    ),
  ];
}

/**
 * The monitoring objects of `args`, validated (a ComponentArgError lists every problem).
 * @param name the PrometheusRule's name (the Monitoring component's)
 */
export function monitoringObjects(name: string, args: MonitoringArgs): MonitoringObjects {
  const spec = resolveMonitoring(name, args);
  return {
    prometheusRule: {
      apiVersion: MONITORING_API_VERSION,
      kind: "PrometheusRule",
      metadata: { name: spec.name, namespace: spec.namespace, labels: monitoringLabels(spec, spec.name) },
      spec: { groups: ruleGroups(spec) },
    },
    monitors: spec.services.map((service) => monitorObject(spec, service)),
    networkPolicies: spec.services.map((service) => metricsNetworkPolicy(spec, service)),
  };
}

/**
 * The same rules as a Prometheus rule file (`rule_files:`), for a Prometheus without the
 * operator (beside the dev stack on Docker) and for `promtool check rules` / `promtool test rules`.
 */
export function prometheusRuleFile(name: string, args: MonitoringArgs): string {
  return stringify({ groups: monitoringObjects(name, args).prometheusRule.spec.groups }, { lineWidth: 0 });
}
