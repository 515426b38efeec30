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

/**
 * Seconds Docker may take to report a new container healthy: the start period plus
 * `retries + 1` full checks, plus a margin for the engine. Used as the provider's waitTimeout.
 */
export function dockerHealthyWithinSeconds(check: HealthCheckSpec): number {
  return check.startPeriodSeconds + (check.retries + 1) * (check.intervalSeconds + check.timeoutSeconds) + 10;
}

/**
 * The same check as Kubernetes probes, with Docker's semantics kept:
 * - the handler is an HTTP GET of `path` when set (cheaper than exec), else the command;
 * - readiness and liveness fail after `retries` consecutive failures every `interval`;
 * - the startup probe holds them off for the start period: it allows
 *   ceil(startPeriod / interval) + retries failures, like Docker ignoring failures during
 *   the start period and then counting `retries`.
 */
export function kubernetesProbes(check: HealthCheckSpec): KubernetesProbes {
  const handler: Probe =
    check.path !== undefined
      ? { httpGet: { path: check.path, port: check.port ?? 0, scheme: check.scheme } }
      : { exec: { command: check.command ?? [] } };
  const timing = { periodSeconds: check.intervalSeconds, timeoutSeconds: check.timeoutSeconds };
  return {
    readinessProbe: { ...handler, ...timing, failureThreshold: check.retries, successThreshold: 1 },
    livenessProbe: { ...handler, ...timing, failureThreshold: check.retries, successThreshold: 1 },
    startupProbe: {
      ...handler,
      ...timing,
      failureThreshold: Math.ceil(check.startPeriodSeconds / check.intervalSeconds) + check.retries,
      successThreshold: 1,
    },
  };
}
