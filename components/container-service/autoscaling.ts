import type * as Input from "@pulumi/kubernetes/types/input";
import type * as pulumi from "@pulumi/pulumi";
import { type ResolvedService, selectorLabels, serviceLabels } from "../workload";

type TopologySpreadConstraint = Input.core.v1.TopologySpreadConstraint;

/**
 * A replicated Deployment: its pods spread over nodes and zones, and the HorizontalPodAutoscaler
 * that owns its replica count.
 */

/** Node labels the replicas spread over: hosts first, then zones where the cluster has them. */
export const SPREAD_TOPOLOGY_KEYS = ["kubernetes.io/hostname", "topology.kubernetes.io/zone"] as const;

/**
 * Spread constraints of a workload that may run more than one pod: at most one pod more on any
 * node (or zone) than on another, counted per rollout (`pod-template-hash`). `ScheduleAnyway`: a
 * drain of a small cluster still reschedules instead of leaving pods pending.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export function topologySpread(spec: ResolvedService): TopologySpreadConstraint[] {
  return SPREAD_TOPOLOGY_KEYS.map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: selectorLabels(spec) },
    matchLabelKeys: ["pod-template-hash"],
  }));
}

/**
 * The HorizontalPodAutoscaler (autoscaling/v2) `<service>` of the Deployment named
 * `deploymentName`: CPU utilization of the requests, between min and max replicas; scale-down one
 * pod a minute after five quiet minutes, so a short lull does not drop capacity.
 */
export function horizontalPodAutoscalerManifest(
  spec: ResolvedService,
  deploymentName: pulumi.Input<string>,
): Input.autoscaling.v2.HorizontalPodAutoscaler {
  if (spec.autoscaling === undefined) throw new Error(`service "${spec.name}" has no autoscaling`);
  const { minReplicas, maxReplicas, targetCpuUtilization } = spec.autoscaling;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: {
      name: spec.name,
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      labels: serviceLabels(spec),
    },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
      minReplicas,
      maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: targetCpuUtilization } },
        },
      ],
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
      },
    },
  };
}
