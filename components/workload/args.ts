import type * as pulumi from "@pulumi/pulumi";
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

/**
 * Pods a NetworkPolicy rule names: the pods of a dockyard service, every pod of a namespace, or
 * that service's pods in that namespace.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export interface PeerArgs {
  /**
   * A ContainerService's name: its pods (by their selector labels).
   * @default any pod (of `namespace`)
   */
  readonly service?: string;
  /**
   * Namespace of the pods (selected by its `kubernetes.io/metadata.name` label).
   * @default the service's own namespace
   */
  readonly namespace?: string;
}

/** A port a service's pods may connect to. */
export interface EgressPortArgs {
  /** Port number, 1–65535. */
  readonly port: number;
  /**
   * Transport protocol.
   * @default "tcp"
   */
  readonly protocol?: Protocol;
}

/** Where a service's pods may connect: pods ({@link PeerArgs}) or an IP block, on the ports listed. */
export interface EgressArgs extends PeerArgs {
  /**
   * An IPv4 or IPv6 block in CIDR notation (e.g. a backup repository outside the cluster), instead of pods.
   * @default none (pods, as `service`/`namespace` say)
   */
  readonly cidr?: string;
  /**
   * Blocks inside `cidr` that stay denied (e.g. the cluster's own ranges when `cidr` is the internet).
   * @default []
   */
  readonly except?: string[];
  /** Ports allowed there (at least one). */
  readonly ports: EgressPortArgs[];
}

/**
 * Who forwards a Gateway's traffic to the services behind it: its data plane's pods, which each
 * routed service's NetworkPolicy admits (to the routed port only).
 */
export interface GatewayDataPlaneArgs {
  /** Namespace the data plane's pods run in (Envoy Gateway: its controller's, `envoy-gateway-system`). */
  readonly namespace: string;
  /** Labels selecting the data plane's pods of this Gateway (and no other pods of that namespace). */
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * One HTTPS listener of a Gateway (gateway.networking.k8s.io/v1), as `Gateway.listener(name)`
 * gives it: the route attaches to it by name and serves its host.
 */
export interface GatewayListenerRef {
  /** Name of the Gateway (its output: a route declared from it waits for the Gateway). */
  readonly gateway: pulumi.Input<string>;
  /**
   * Namespace of the Gateway: the service's own (its listeners admit routes of their namespace only).
   * @default the service's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /** The listener's name, the route's `sectionName`. */
  readonly listener: string;
  /** The listener's host (a DNS name, no port): the route's only hostname. */
  readonly host: string;
  /** The Gateway's data plane, admitted to the routed port. */
  readonly dataPlane: GatewayDataPlaneArgs;
}

/**
 * How a Kubernetes service is reached from outside the cluster: an HTTPRoute
 * (gateway.networking.k8s.io/v1) from one HTTPS listener of a Gateway, every path to the service's
 * first tcp port. TLS ends at the listener (the Gateway holds the certificate); with `backendTls`
 * the last hop is HTTPS too, the service's certificate verified.
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export interface RouteArgs {
  /** The Gateway listener it attaches to (`Gateway.listener(name)`). */
  readonly listener: GatewayListenerRef;
  /**
   * Seconds the Gateway allows a whole request, upload included (HTTPRoute `timeouts.request`).
   * @default the implementation's (Envoy Gateway: 15 s)
   */
  readonly timeoutSeconds?: number;
  /**
   * The service serves TLS itself: a BackendTLSPolicy makes the Gateway speak HTTPS to it and verify
   * its certificate for the listener's host against this CA bundle (PEM).
   * @default none: plain HTTP inside the cluster
   */
  readonly backendCaCertificate?: pulumi.Input<string>;
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization. It owns the replica count: the
 * Deployment then declares none, so `pulumi up` never resets what the autoscaler chose.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface AutoscalingArgs {
  /**
   * Fewest replicas.
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * Most replicas, at least minReplicas.
   * @default 6
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU use, in percent of the CPU request, the autoscaler keeps the pods at.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}
