import type * as pulumi from "@pulumi/pulumi";
import type * as Input from "@pulumi/kubernetes/types/input";
import {
  networkPolicyManifest,
  objectMetadata,
  podTemplate,
  type ResolvedService,
  selectorLabels,
  type WorkloadKind,
} from "../workload";
import { topologySpread } from "./autoscaling";
import { backendTlsManifests, type GatewayApiManifest, httpRouteManifest } from "./route";

/** The Kubernetes objects of one service besides its Secret, as manifests (apiVersion, kind, metadata, spec). */
export interface KubernetesManifests {
  /** A Deployment or a StatefulSet, see {@link workloadKind}. Pulumi names it. */
  readonly workload: Input.apps.v1.Deployment | Input.apps.v1.StatefulSet;
  /** ClusterIP Service named after the service (a stable DNS name); absent without ports. */
  readonly service?: Input.core.v1.Service;
  /** Keeps all but one replica up during voluntary disruptions; only with replicas (or minReplicas) > 1. */
  readonly podDisruptionBudget?: Input.policy.v1.PodDisruptionBudget;
  /** Admits exactly the service's peers, in and out (see network-policy.ts). Pulumi names it. */
  readonly networkPolicy: Input.networking.v1.NetworkPolicy;
  /** The HTTPRoute `<service>` from a Gateway listener, when the service is reached from outside the cluster. */
  readonly route?: GatewayApiManifest;
  /** With a route to a service serving TLS itself: the CA bundle and the BackendTLSPolicy verifying it. */
  readonly backendTls?: { readonly caBundle: Input.core.v1.ConfigMap; readonly policy: GatewayApiManifest };
}

/**
 * Deployment or StatefulSet. A service that mounts a writable single-writer volume
 * (ReadWriteOnce / ReadWriteOncePod) owns that data: it becomes a StatefulSet, whose
 * at-most-one-pod-per-identity guarantee never runs two pods against the claim (a
 * Deployment's rolling update would start the new pod while the old one holds it, and a
 * lost node could leave two). Validation limits such a service to one replica. Everything
 * else — stateless, read-only or ReadWriteMany (shared) data — is a Deployment.
 */
export function workloadKind(spec: ResolvedService): WorkloadKind {
  if (spec.target === "docker") return "DockerContainer";
  const ownsData = spec.volumes.some((v) => !v.readOnly && v.accessMode !== "ReadWriteMany");
  return ownsData ? "StatefulSet" : "Deployment";
}

/**
 * Renders the Kubernetes objects of a service other than its Secrets.
 * @param secretName name of the Secret object (its Pulumi output); required when the service has secrets.
 * @param filesSecretName name of the files Secret; required when the service has files.
 */
export function kubernetesManifests(
  spec: ResolvedService,
  secretName?: pulumi.Input<string>,
  filesSecretName?: pulumi.Input<string>,
): KubernetesManifests {
  const meta = (name?: string) => objectMetadata(spec, name);
  const selector = { matchLabels: selectorLabels(spec) };
  const kind = workloadKind(spec);
  // More than one pod: spread them over nodes and zones.
  const replicated = kind === "Deployment" && (spec.replicas > 1 || spec.autoscaling !== undefined);
  const template = podTemplate(
    spec,
    secretName,
    filesSecretName,
    replicated ? { topologySpreadConstraints: topologySpread(spec) } : {},
  );
  const workload: KubernetesManifests["workload"] =
    kind === "StatefulSet"
      ? {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          metadata: meta(),
          spec: {
            replicas: spec.replicas,
            serviceName: spec.name,
            selector,
            template,
            podManagementPolicy: "OrderedReady",
            updateStrategy: { type: "RollingUpdate" },
          },
        }
      : {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta(),
          // With an autoscaler the count is its own: declaring one would reset it at every update.
          spec: { ...(spec.autoscaling === undefined ? { replicas: spec.replicas } : {}), selector, template },
        };
  return {
    workload,
    ...(spec.ports.length === 0
      ? {}
      : {
          service: {
            apiVersion: "v1",
            kind: "Service",
            metadata: meta(spec.name),
            spec: {
              type: "ClusterIP",
              selector: selectorLabels(spec),
              ports: spec.ports.map((p) => ({
                name: p.name,
                port: p.servicePort,
                targetPort: p.name,
                protocol: p.protocol.toUpperCase(),
              })),
            },
          },
        }),
    ...(spec.replicas > 1
      ? {
          podDisruptionBudget: {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: meta(),
            spec: { maxUnavailable: 1, selector },
          },
        }
      : {}),
    networkPolicy: networkPolicyManifest(spec),
    ...(spec.route === undefined ? {} : { route: httpRouteManifest(spec) }),
    ...(spec.route?.backendCaCertificate === undefined ? {} : { backendTls: backendTlsManifests(spec) }),
  };
}
