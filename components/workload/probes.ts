import type * as k8s from "@pulumi/kubernetes";
import type { HealthCheckSpec } from "./spec";

type Probe = k8s.types.input.core.v1.Probe;

/** Docker's healthcheck block (the @pulumi/docker `ContainerHealthcheck` shape, plain). */
export interface DockerHealthcheck {
  readonly tests: string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly startPeriod: string;
}

/** The three Kubernetes probes of a container. */
export interface KubernetesProbes {
  readonly readinessProbe: Probe;
  readonly livenessProbe: Probe;
  readonly startupProbe: Probe;
}

/**
 * The health check as Docker runs it: the command in exec form (`CMD`, no shell, as
 * distroless images have none), with Docker's own interval/timeout/retries/start period.
 */
export function dockerHealthcheck(check: HealthCheckSpec): DockerHealthcheck {
  if (check.command === undefined)
    throw new Error("a Docker health check needs a command (checked by resolveServiceSpec)");
  return {
    tests: ["CMD", ...check.command],
    interval: `${check.intervalSeconds}s`,
    timeout: `${check.timeoutSeconds}s`,
    retries: check.retries,
    startPeriod: `${check.startPeriodSeconds}s`,
  };
}

/** Seconds a started container may take to pass its health check: the start period plus `retries + 1` full checks. */
export function healthyWithinSeconds(check: HealthCheckSpec): number {
  return check.startPeriodSeconds + (check.retries + 1) * (check.intervalSeconds + check.timeoutSeconds);
}

/**
 * Seconds Docker may take to report a new container healthy: {@link healthyWithinSeconds} plus
 * a margin for the engine. Used as the provider's waitTimeout.
 */
export function dockerHealthyWithinSeconds(check: HealthCheckSpec): number {
  return healthyWithinSeconds(check) + 10;
}

/**
 * The same check as Kubernetes probes. Readiness and liveness answer different questions, so they
 * never match:
 * - readiness (strict: may this pod take traffic?) asks `readinessPath` when set, else `path`
 *   (else the command), every ceil(interval / 2) seconds, and takes the pod out of its Service
 *   after `retries` consecutive failures;
 * - liveness (tolerant: is the process stuck for good?) asks `path` (else the command) every
 *   `interval` with twice the timeout, and restarts the container only after 2 × `retries`
 *   consecutive failures, so a busy pod is taken out of rotation long before it is killed;
 * - the startup probe holds both off for the start period, as Docker ignores failures then: it
 *   allows ceil(startPeriod / interval) + retries failures every `interval`.
 * Docker's own health check (interval, retries) reports the same condition as readiness's threshold.
 */
export function kubernetesProbes(check: HealthCheckSpec): KubernetesProbes {
  const handler = (path: string | undefined): Probe =>
    path !== undefined
      ? { httpGet: { path, port: check.port ?? 0, scheme: check.scheme } }
      : { exec: { command: check.command ?? [] } };
  const alive = handler(check.path);
  return {
    readinessProbe: {
      ...handler(check.readinessPath ?? check.path),
      periodSeconds: Math.ceil(check.intervalSeconds / 2),
      timeoutSeconds: check.timeoutSeconds,
      failureThreshold: check.retries,
      successThreshold: 1,
    },
    livenessProbe: {
      ...alive,
      periodSeconds: check.intervalSeconds,
      timeoutSeconds: 2 * check.timeoutSeconds,
      failureThreshold: 2 * check.retries,
      successThreshold: 1,
    },
    startupProbe: {
      ...alive,
      periodSeconds: check.intervalSeconds,
      timeoutSeconds: check.timeoutSeconds,
      failureThreshold: Math.ceil(check.startPeriodSeconds / check.intervalSeconds) + check.retries,
      successThreshold: 1,
    },
  };
}
