/**
 * How long `pulumi up` waits for a Kubernetes workload: bounded per workload from its own health
 * settings rather than the provider's fixed ten minutes, so a slow registry or database is given
 * the time its checks need and a broken rollout fails as soon as its checks could have passed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { healthyWithinSeconds } from "../workload/probes";
import type { ResolvedService } from "../workload/spec";
import { workloadKind } from "./kubernetes-objects";

/** Seconds a node may take to pull an image before the container starts (a cold cache, a large layer). */
export const IMAGE_PULL_ALLOWANCE_SECONDS = 120;
/** Surge steps of a Deployment's default rolling update (25 % at a time): at most four waves. */
const MAX_DEPLOYMENT_WAVES = 4;

/** The rolling update's waves: a StatefulSet replaces its pods one by one, a Deployment 25 % at a time. */
function waves(spec: ResolvedService): number {
  const pods = spec.autoscaling?.maxReplicas ?? spec.replicas;
  return workloadKind(spec) === "StatefulSet" ? Math.max(1, pods) : Math.min(Math.max(1, pods), MAX_DEPLOYMENT_WAVES);
}

/**
 * Seconds the whole rollout may take: `rolloutTimeoutSeconds` when given, else per wave the pull
 * allowance, the health check's {@link healthyWithinSeconds} and, for a StatefulSet (which stops
 * a pod before starting its successor), the stop grace period.
 */
export function rolloutWithinSeconds(spec: ResolvedService): number {
  if (spec.rolloutTimeoutSeconds !== undefined) return spec.rolloutTimeoutSeconds;
  const ready = spec.healthCheck === undefined ? 0 : healthyWithinSeconds(spec.healthCheck);
  const stop = workloadKind(spec) === "StatefulSet" ? spec.stopGraceSeconds : 0;
  return waves(spec) * (IMAGE_PULL_ALLOWANCE_SECONDS + ready + stop);
}

/** The wait on creating and updating the workload and its Service (whose readiness is the pods'). */
export function rolloutTimeouts(spec: ResolvedService): pulumi.CustomTimeouts {
  const bound = `${rolloutWithinSeconds(spec)}s`;
  return { create: bound, update: bound };
}
