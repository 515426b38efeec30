import type * as Input from "@pulumi/kubernetes/types/input";
import { DOCKYARD_LABELS } from "../kubernetes-labels";
import { selectorLabels, serviceLabels } from "./labels";
import type { PeerSpec, Protocol, ResolvedService } from "./spec";

type NetworkPolicy = Input.networking.v1.NetworkPolicy;
type Peer = Input.networking.v1.NetworkPolicyPeer;

/**
 * NetworkPolicies: the namespace denies every connection in and out by default, and each
 * workload's own policy (both policy types) admits exactly its peers: the Gateway's data plane
 * when it has an HTTPRoute, the services named in `allowFrom`, and out only DNS and the
 * destinations in `allowTo`. Image pulls are made by the node's container runtime, outside the
 * pod's network namespace, so no pod needs a rule to reach the registry.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */

/** Label every namespace carries with its own name (Kubernetes ≥ 1.22). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The cluster DNS: CoreDNS (or kube-dns) pods in kube-system keep this label on every common distribution. */
export const CLUSTER_DNS = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } } as const;

/** A policy selecting every pod of its namespace and admitting nothing, in or out. Pulumi names it. */
export function defaultDenyPolicy(namespace?: Input.meta.v1.ObjectMeta["namespace"]): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      ...(namespace === undefined ? {} : { namespace }),
      labels: { ...DOCKYARD_LABELS },
    },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] },
  };
}

function peer(spec: PeerSpec): Peer {
  return {
    ...(spec.namespace === undefined
      ? {}
      : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: spec.namespace } } }),
    ...(spec.podLabels === undefined ? {} : { podSelector: { matchLabels: { ...spec.podLabels } } }),
  };
}

const upper = (protocol: Protocol) => protocol.toUpperCase();

/**
 * The workload's policy: in from the Gateway's data plane pods (with `route`) to the port its
 * HTTPRoute routes to only, and from the `allowFrom` peers to the declared ports; out to the cluster DNS
 * (with `allowDns`) and the `allowTo` destinations only. No peer means no rule: that direction is
 * denied. Pulumi names it.
 */
export function networkPolicyManifest(spec: ResolvedService): NetworkPolicy {
  const ports = spec.ports.map((p) => ({ port: p.containerPort, protocol: upper(p.protocol) }));
  const gateway =
    spec.route === undefined
      ? []
      : [
          {
            from: [peer(spec.route.dataPlane)],
            ports: [{ port: spec.route.port.containerPort, protocol: upper(spec.route.port.protocol) }],
          },
        ];
  const peers =
    spec.access.from.length === 0 || ports.length === 0 ? [] : [{ from: spec.access.from.map(peer), ports }];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      labels: serviceLabels(spec),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(spec) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [...gateway, ...peers],
      egress: [
        ...(spec.access.dns
          ? [
              {
                to: [peer(CLUSTER_DNS)],
                ports: [
                  { port: 53, protocol: "UDP" },
                  { port: 53, protocol: "TCP" },
                ],
              },
            ]
          : []),
        ...spec.access.to.map((to) => ({
          to: [
            to.cidr === undefined
              ? peer(to)
              : { ipBlock: { cidr: to.cidr, ...(to.except.length === 0 ? {} : { except: [...to.except] }) } },
          ],
          ports: to.ports.map((p) => ({ port: p.port, protocol: upper(p.protocol) })),
        })),
      ],
    },
  };
}
