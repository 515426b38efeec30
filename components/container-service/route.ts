import type * as Input from "@pulumi/kubernetes/types/input";
import { PULUMI_WAIT_FOR } from "../kubernetes-labels";
import { type ResolvedService, type RouteSpec, serviceLabels } from "../workload";

/**
 * A service reached from outside the cluster: an HTTPRoute (gateway.networking.k8s.io/v1) from
 * one HTTPS listener of a Gateway, and, when the service serves TLS itself, the BackendTLSPolicy
 * and CA ConfigMap with which the Gateway verifies it. Only standard Gateway API fields: no
 * implementation's annotation (docs/decisions/0024-gateway-api.md).
 */

/** API group and version of every Gateway API object dockyard declares. */
export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
/** The API group of Gateway API kinds, as parent references and allowed route kinds name it. */
export const GATEWAY_GROUP = "gateway.networking.k8s.io";
/** Key of the CA bundle in the ConfigMap a BackendTLSPolicy refers to. */
export const BACKEND_CA_KEY = "ca.crt";

/** A Gateway API object as the CustomResource declaring it takes it. */
export interface GatewayApiManifest {
  readonly apiVersion: typeof GATEWAY_API_VERSION;
  readonly kind: "HTTPRoute" | "BackendTLSPolicy" | "Gateway";
  readonly metadata: Input.meta.v1.ObjectMeta;
  readonly spec: Record<string, unknown>;
}

/**
 * What the provider waits for on an HTTPRoute (it has no await logic for custom resources): the
 * Gateway's listener has accepted it, so `url` never names a host the Gateway does not serve yet.
 */
export const ROUTE_ACCEPTED = 'jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True';

function routed(spec: ResolvedService): RouteSpec {
  if (spec.route === undefined) throw new Error(`service "${spec.name}" has no route`);
  return spec.route;
}

const metadata = (spec: ResolvedService, name: string, annotations?: Record<string, string>) => ({
  name,
  ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
  labels: serviceLabels(spec),
  ...(annotations === undefined ? {} : { annotations }),
});

/** Gateway API durations (GEP-2257): whole seconds as `<n>s`. */
export const gatewayDuration = (seconds: number) => `${seconds}s`;

/**
 * The HTTPRoute `<service>`: the listener's host, every path to the service's first tcp port, the
 * whole-request timeout when set. Its listener redirects nothing: the Gateway's plain-HTTP
 * listener sends every host to HTTPS (gateway/manifests.ts).
 */
export function httpRouteManifest(spec: ResolvedService): GatewayApiManifest {
  const route = routed(spec);
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: "HTTPRoute",
    metadata: metadata(spec, spec.name, { [PULUMI_WAIT_FOR]: ROUTE_ACCEPTED }),
    spec: {
      parentRefs: [
        {
          group: GATEWAY_GROUP,
          kind: "Gateway",
          name: route.gateway,
          ...(route.gatewayNamespace === undefined ? {} : { namespace: route.gatewayNamespace }),
          sectionName: route.listener,
        },
      ],
      hostnames: [route.host],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ group: "", kind: "Service", name: spec.name, port: route.port.servicePort }],
          ...(route.timeoutSeconds === undefined
            ? {}
            : { timeouts: { request: gatewayDuration(route.timeoutSeconds) } }),
        },
      ],
    },
  };
}

/** The ConfigMap `<service>-backend-ca` holding the CA bundle a BackendTLSPolicy verifies the service with. */
export function backendCaName(serviceName: string): string {
  return `${serviceName}-backend-ca`;
}

/**
 * With `backendCaCertificate`: the ConfigMap of the CA bundle, and the BackendTLSPolicy making the
 * Gateway speak HTTPS to the routed Service port and verify its certificate for the listener's
 * host. Undefined otherwise (plain HTTP inside the cluster).
 */
export function backendTlsManifests(
  spec: ResolvedService,
): { caBundle: Input.core.v1.ConfigMap; policy: GatewayApiManifest } | undefined {
  const route = routed(spec);
  if (route.backendCaCertificate === undefined) return undefined;
  const ca = backendCaName(spec.name);
  return {
    caBundle: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(spec, ca),
      data: { [BACKEND_CA_KEY]: route.backendCaCertificate },
    },
    policy: {
      apiVersion: GATEWAY_API_VERSION,
      kind: "BackendTLSPolicy",
      metadata: metadata(spec, spec.name),
      spec: {
        targetRefs: [{ group: "", kind: "Service", name: spec.name, sectionName: route.port.name }],
        validation: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: ca }], hostname: route.host },
      },
    },
  };
}
