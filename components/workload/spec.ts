import type * as pulumi from "@pulumi/pulumi";
import type { SecurityPosture } from "./security";
import type { AccessMode, Target } from "../types";

/**
 * The resolved, validated description of a container service that every translator reads.
 * Plain data except the values a caller may pass as outputs (image, environment and secret
 * values, volume names, network, namespace), which stay `pulumi.Input<string>`.
 */

/** Transport protocol of a port. */
export type Protocol = "tcp" | "udp";

/** A resolved port. */
export interface PortSpec {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
  /** Published on Docker when set. */
  readonly hostPort: number | undefined;
  readonly servicePort: number;
}

/** A resolved volume mount. */
export interface VolumeMountSpec {
  /** Pod volume name: the volume's logical name. */
  readonly name: string;
  readonly source: pulumi.Input<string>;
  readonly mountPath: string;
  readonly readOnly: boolean;
  readonly accessMode: AccessMode;
}

/** Scheme of an HTTP health probe. */
export type ProbeScheme = "HTTP" | "HTTPS";

/** A resolved health check; durations in whole seconds. */
export interface HealthCheckSpec {
  /** HTTP path probed by Kubernetes. */
  readonly path: string | undefined;
  /** HTTP path the Kubernetes readiness probe asks instead of `path`. */
  readonly readinessPath: string | undefined;
  /** Scheme of the HTTP probe. */
  readonly scheme: ProbeScheme;
  /** Port of the HTTP probe. */
  readonly port: number | undefined;
  /** Command run inside the container (exec form). */
  readonly command: string[] | undefined;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** Resolved resources: limits, and the requests Kubernetes schedules by. */
export interface ResourceSpec {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly cpuRequestMillis: number;
  readonly memoryRequestBytes: number;
  readonly pids: number;
}

/** An environment variable; secret ones never appear in plaintext. */
export interface EnvVarSpec {
  readonly name: string;
  readonly value: pulumi.Input<string>;
  readonly secret: boolean;
}

/** A config file the process reads from the files directory; its content is treated as a secret. */
export interface FileSpec {
  /** File name inside the files directory (also the Secret key on Kubernetes). */
  readonly name: string;
  readonly content: pulumi.Input<string>;
}

/** Pods a NetworkPolicy rule names (at least one of the two). */
export interface PeerSpec {
  /** Selector labels of a service's pods. */
  readonly podLabels: Record<string, string> | undefined;
  /** Namespace of the pods. */
  readonly namespace: string | undefined;
}

/** A resolved egress destination: pods or an IP block, on ports. */
export interface EgressSpec extends PeerSpec {
  readonly cidr: string | undefined;
  /** Blocks inside `cidr` that stay denied. */
  readonly except: string[];
  readonly ports: { readonly port: number; readonly protocol: Protocol }[];
}

/** Who may connect to the service's pods and where they may connect (Kubernetes NetworkPolicy). */
export interface AccessSpec {
  /** Peers admitted to the service's ports (the Gateway's data plane is added by `route`). */
  readonly from: PeerSpec[];
  readonly to: EgressSpec[];
  /** DNS lookups to the cluster DNS. */
  readonly dns: boolean;
}

/** A resolved HTTPRoute: the Gateway listener, its data plane, the routed port and the route's settings. */
export interface RouteSpec {
  readonly gateway: pulumi.Input<string>;
  readonly gatewayNamespace: pulumi.Input<string> | undefined;
  readonly listener: string;
  readonly host: string;
  /** The Gateway's data plane pods, admitted to `port`. */
  readonly dataPlane: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** The Service port routed to (the first tcp port). */
  readonly port: PortSpec;
  readonly timeoutSeconds: number | undefined;
  /** With it, HTTPS to the service, its certificate verified against this CA bundle. */
  readonly backendCaCertificate: pulumi.Input<string> | undefined;
}

/** A resolved HorizontalPodAutoscaler. */
export interface AutoscalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
}

/** Docker restart policies (Kubernetes pods of a Deployment/StatefulSet always restart). */
export type RestartPolicy = "no" | "on-failure" | "always" | "unless-stopped";

/** The kind of workload a service becomes. */
export type WorkloadKind = "DockerContainer" | "Deployment" | "StatefulSet";

/** Everything the translators need, with every default applied. */
export interface ResolvedService {
  /** Component instance name: Docker network alias, Kubernetes Service name, label value. */
  readonly name: string;
  readonly target: Target;
  /** The image reference, checked against the image policy (an output is checked when it resolves). */
  readonly image: pulumi.Input<string>;
  readonly command: string[] | undefined;
  readonly args: string[] | undefined;
  readonly ports: PortSpec[];
  readonly env: EnvVarSpec[];
  readonly volumes: VolumeMountSpec[];
  /** Config files, sorted by name; empty when the service has none. */
  readonly files: FileSpec[];
  /** Absolute directory the files appear in. */
  readonly filesDir: string;
  /** Kubernetes only: names of the Secrets the kubelet pulls the image with. */
  readonly imagePullSecrets: pulumi.Input<string>[];
  readonly healthCheck: HealthCheckSpec | undefined;
  readonly resources: ResourceSpec;
  readonly replicas: number;
  readonly restartPolicy: RestartPolicy;
  readonly labels: Record<string, string>;
  readonly component: string | undefined;
  readonly partOf: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly scratchBytes: number;
  readonly stopGraceSeconds: number;
  /** Kubernetes: how long a rollout may take before `pulumi up` fails; undefined derives it (./rollout.ts). */
  readonly rolloutTimeoutSeconds: number | undefined;
  readonly security: SecurityPosture;
  readonly network: pulumi.Input<string> | undefined;
  readonly namespace: pulumi.Input<string> | undefined;
  /** Kubernetes: the NetworkPolicy's peers. */
  readonly access: AccessSpec;
  /** Kubernetes: the HTTPRoute, when the service is reached from outside the cluster. */
  readonly route: RouteSpec | undefined;
  /** Kubernetes: the HorizontalPodAutoscaler owning the replica count, if any. */
  readonly autoscaling: AutoscalingSpec | undefined;
}
