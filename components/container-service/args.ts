import type { ProbeScheme, Protocol } from "./spec";
import type { VolumeRef } from "../types";

/** A port the service listens on. */
export interface PortArgs {
  /** Port the process listens on inside the container, 1–65535. */
  readonly containerPort: number;
  /**
   * Transport protocol.
   * @default "tcp"
   */
  readonly protocol?: Protocol;
  /**
   * Docker only: host port to publish on, bound to `security.publishAddress` (loopback unless opted out).
   * Ignored on Kubernetes, where the Service carries traffic.
   * @default not published (reachable from the service network only)
   */
  readonly hostPort?: number;
  /**
   * Kubernetes only: port of the Service in front of the pods.
   * @default containerPort
   */
  readonly servicePort?: number;
  /**
   * Port name (IANA service name: lower-case letters, digits and "-", at most 15 characters).
   * @default "<protocol>-<containerPort>", e.g. "tcp-8080"
   */
  readonly name?: string;
}

/** A {@link PersistentVolume} mounted into the service. */
export interface VolumeMountArgs {
  /** The volume (a `PersistentVolume`, or anything exposing its logical name, volume name and access mode). */
  readonly volume: VolumeRef;
  /** Absolute path inside the container; "/" and the scratch path "/tmp" are reserved. */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * How the platform tells whether the service works. Docker runs `command`; Kubernetes probes
 * `path` over HTTP when set and runs `command` otherwise.
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export interface HealthCheckArgs {
  /**
   * HTTP path answered with 2xx/3xx when healthy, e.g. "/healthz" (Kubernetes httpGet probe).
   * @default none (then `command` is required)
   */
  readonly path?: string;
  /**
   * HTTP path the Kubernetes readiness probe asks instead of `path`, e.g. "/readyz": whether the
   * service may take traffic now (stricter than being alive). Needs `path`.
   * @default path
   */
  readonly readinessPath?: string;
  /**
   * Port of the HTTP probe.
   * @default the first tcp port
   */
  readonly port?: number;
  /**
   * Scheme of the HTTP probe: "HTTPS" for a process serving TLS (the kubelet does not verify the certificate).
   * @default "HTTP"
   */
  readonly scheme?: ProbeScheme;
  /**
   * Command run inside the container, exec form (no shell), exit 0 when healthy.
   * Required on Docker, which has no HTTP probe of its own.
   * @default none (then `path` is required)
   */
  readonly command?: string[];
  /**
   * Seconds between checks.
   * @default 10
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds one check may take.
   * @default 3
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the container counts as unhealthy.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds the process gets to start before failures count.
   * @default 10
   */
  readonly startPeriodSeconds?: number;
}

/**
 * Compute limits. Kubernetes requests default to the limits (Guaranteed QoS).
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourceArgs {
  /**
   * CPU limit: millicores ("500m") or cores ("0.5", "2").
   * @default "500m"
   */
  readonly cpu?: string;
  /**
   * Memory limit as a quantity ("256Mi", "1Gi"); at least "6Mi".
   * @default "256Mi"
   */
  readonly memory?: string;
  /**
   * Kubernetes CPU request, at most `cpu`.
   * @default cpu
   */
  readonly cpuRequest?: string;
  /**
   * Kubernetes memory request, at most `memory`.
   * @default memory
   */
  readonly memoryRequest?: string;
  /**
   * Maximum number of processes and threads. Docker: applied by a `docker update --pids-limit`
   * Command beside each container (see container-service/docker-pids.ts). Kubernetes: a pod spec cannot
   * set it; the kubelet's podPidsLimit (node configuration) applies instead.
   * @default 256
   */
  readonly pids?: number;
}
