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
  /** Peers admitted to the service's ports (the ingress controller's namespace is added by `ingress`). */
  readonly from: PeerSpec[];
  readonly to: EgressSpec[];
  /** DNS lookups to the cluster DNS. */
  readonly dns: boolean;
}

/** A resolved Ingress: host, class, controller, TLS source and controller settings. */
export interface IngressSpec {
  readonly host: string;
  readonly className: string;
  readonly controllerNamespace: string;
  /** The TLS Secret: given, or `<service>-tls` written by cert-manager. */
  readonly tlsSecretName: pulumi.Input<string>;
  /** The cert-manager issuer when cert-manager writes the Secret. */
  readonly issuer: { readonly name: string; readonly kind: "ClusterIssuer" | "Issuer" } | undefined;
  /** The Service port routed to (the first tcp port). */
  readonly port: PortSpec;
  readonly maxBodyMiB: number | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly streamRequests: boolean;
  readonly backendProtocol: "HTTP" | "HTTPS";
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
  /** Kubernetes: the Ingress, when the service is reached from outside the cluster. */
  readonly ingress: IngressSpec | undefined;
  /** Kubernetes: the HorizontalPodAutoscaler owning the replica count, if any. */
  readonly autoscaling: AutoscalingSpec | undefined;
}
