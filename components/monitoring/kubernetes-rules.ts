/**
 * Alerts on the namespace's workloads from kube-state-metrics: containers restarting, Deployments
 * and StatefulSets without their replicas, and autoscalers that have run out of room. They cover
 * every workload of the namespace (the registry, the database and the backups' pods too), so a
 * service added to the topology is watched without a change here.
 * @see https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics/workload
 */
import { matchers, spoken } from "./promql";
import type { ResolvedMonitoring } from "./resolve";
import { alertingRule, holdFor, type RuleGroup } from "./rule-model";

/** Restarts within {@link RESTART_WINDOW} that make a container "restarting often". */
export const RESTARTS_THRESHOLD = 3;
/** The window restarts are counted over. */
export const RESTART_WINDOW = "30m";

const FOR = {
  PodRestartingOften: 0,
  DeploymentUnavailable: 300,
  DeploymentReplicasUnavailable: 900,
  StatefulSetUnavailable: 300,
  StatefulSetReplicasNotReady: 900,
  HorizontalPodAutoscalerAtMax: 900,
} as const;

/** The namespace's workload alerts. */
export function workloadRuleGroup(spec: ResolvedMonitoring): RuleGroup {
  const ns = matchers({ namespace: spec.namespace });
  const m = (metric: string) => `${metric}${ns}`;
  const hold = (alert: keyof typeof FOR) => holdFor(spec, alert, FOR[alert]);
  const t = {
    restart: hold("PodRestartingOften"),
    deployDown: hold("DeploymentUnavailable"),
    deployShort: hold("DeploymentReplicasUnavailable"),
    stsDown: hold("StatefulSetUnavailable"),
    stsShort: hold("StatefulSetReplicasNotReady"),
    hpa: hold("HorizontalPodAutoscalerAtMax"),
  };
  const deployment = "on (namespace, deployment)";
  const statefulset = "on (namespace, statefulset)";
  return {
    name: `${spec.namespace}.workloads`,
    rules: [
      alertingRule(spec, "PodRestartingOften", {
        // increase() extrapolates a little past the samples: two restarts can read as 2.07, never 3.
        expr: `increase(${m("kube_pod_container_status_restarts_total")}[${RESTART_WINDOW}]) >= ${RESTARTS_THRESHOLD}`,
        severity: "warning",
        forSeconds: t.restart,
        summary: `Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} keeps restarting`,
        description:
          `{{ $labels.container }} in {{ $labels.pod }} restarted {{ $value | printf "%.0f" }} times in the last 30 minutes ` +
          `(at least ${RESTARTS_THRESHOLD} alert): it crashes, runs out of memory, or fails its liveness probe.`,
      }),
      alertingRule(spec, "DeploymentUnavailable", {
        expr: `${m("kube_deployment_spec_replicas")} > 0\nand ${deployment}\n${m("kube_deployment_status_replicas_available")} == 0`,
        severity: "critical",
        forSeconds: t.deployDown,
        summary: `Deployment {{ $labels.deployment }} in {{ $labels.namespace }} has no available replica`,
        description:
          `{{ $labels.deployment }} wants {{ $value }} replica(s) and none has been available for ${spoken(t.deployDown)}: ` +
          `what it serves is down.`,
      }),
      alertingRule(spec, "DeploymentReplicasUnavailable", {
        expr:
          `${m("kube_deployment_status_replicas_available")}\n< ${deployment}\n${m("kube_deployment_spec_replicas")}\n` +
          `and ${deployment}\n${m("kube_deployment_status_replicas_available")} > 0`,
        severity: "warning",
        forSeconds: t.deployShort,
        summary: `Deployment {{ $labels.deployment }} in {{ $labels.namespace }} runs with fewer replicas than it wants`,
        description:
          `Only {{ $value }} replica(s) of {{ $labels.deployment }} have been available for ${spoken(t.deployShort)}, ` +
          `fewer than it wants: it serves with less headroom, and a rollout may be stuck.`,
      }),
      alertingRule(spec, "StatefulSetUnavailable", {
        expr: `${m("kube_statefulset_replicas")} > 0\nand ${statefulset}\n${m("kube_statefulset_status_replicas_ready")} == 0`,
        severity: "critical",
        forSeconds: t.stsDown,
        summary: `StatefulSet {{ $labels.statefulset }} in {{ $labels.namespace }} has no ready replica`,
        description:
          `{{ $labels.statefulset }} wants {{ $value }} replica(s) and none has been ready for ${spoken(t.stsDown)}: ` +
          `what it serves, and the data it owns, is unreachable.`,
      }),
      alertingRule(spec, "StatefulSetReplicasNotReady", {
        expr:
          `${m("kube_statefulset_status_replicas_ready")}\n< ${statefulset}\n${m("kube_statefulset_replicas")}\n` +
          `and ${statefulset}\n${m("kube_statefulset_status_replicas_ready")} > 0`,
        severity: "warning",
        forSeconds: t.stsShort,
        summary: `StatefulSet {{ $labels.statefulset }} in {{ $labels.namespace }} runs with fewer ready replicas than it wants`,
        description:
          `Only {{ $value }} replica(s) of {{ $labels.statefulset }} have been ready for ${spoken(t.stsShort)}, ` +
          `fewer than it wants.`,
      }),
      alertingRule(spec, "HorizontalPodAutoscalerAtMax", {
        expr:
          `${m("kube_horizontalpodautoscaler_status_current_replicas")}\n>= on (namespace, horizontalpodautoscaler)\n` +
          `${m("kube_horizontalpodautoscaler_spec_max_replicas")}`,
        severity: "warning",
        forSeconds: t.hpa,
        summary: `Autoscaler {{ $labels.horizontalpodautoscaler }} in {{ $labels.namespace }} is at its maximum`,
        description:
          `{{ $labels.horizontalpodautoscaler }} has run {{ $value }} replicas, its maximum, for ${spoken(t.hpa)}: ` +
          `it cannot add more if load grows, so latency and errors will follow.`,
      }),
    ],
  };
}
