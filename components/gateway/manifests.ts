import type * as Input from "@pulumi/kubernetes/types/input";
import { DOCKYARD_LABELS, PULUMI_WAIT_FOR } from "../kubernetes-labels";
import { GATEWAY_API_VERSION, GATEWAY_GROUP, type GatewayApiManifest } from "../container-service/route";
import { type GatewaySpec, HTTP_LISTENER } from "./resolve";

/**
 * Pure translators of a Gateway: the Gateway (gateway.networking.k8s.io/v1) with one HTTPS
 * listener per host and a plain-HTTP listener, the HTTPRoute redirecting that listener to HTTPS,
 * and the cert-manager Certificates its listeners serve. Standard fields only
 * (docs/decisions/0024-gateway-api.md).
 */

/** A cert-manager v1 Certificate, as the CustomResource declaring it takes it. */
export interface CertificateManifest {
  readonly apiVersion: "cert-manager.io/v1";
  readonly kind: "Certificate";
  readonly metadata: Input.meta.v1.ObjectMeta;
  readonly spec: {
    readonly secretName: string;
    readonly dnsNames: string[];
    readonly issuerRef: { readonly name: string; readonly kind: string; readonly group: "cert-manager.io" };
    readonly privateKey: { readonly algorithm: "ECDSA"; readonly size: 256; readonly rotationPolicy: "Always" };
    readonly secretTemplate: { readonly labels: Record<string, string> };
  };
}

/** The Secret cert-manager writes a listener's certificate into. */
export function certificateSecretName(listener: string): string {
  return `${listener}-tls`;
}

/** The HTTPRoute on the plain-HTTP listener that answers every request with a redirect to HTTPS. */
export function redirectRouteName(gateway: string): string {
  return `${gateway}-https-redirect`;
}

const metadata = (spec: GatewaySpec, name: string, annotations?: Record<string, string>) => ({
  name,
  ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
  labels: { ...DOCKYARD_LABELS, "app.kubernetes.io/name": spec.name, "app.kubernetes.io/component": "gateway" },
  ...(annotations === undefined ? {} : { annotations }),
});

/** Routes from the Gateway's own namespace only: no other namespace's route can claim its hosts. */
const SAME_NAMESPACE = { namespaces: { from: "Same" } } as const;

/**
 * The Gateway: on 443 one HTTPS listener per host, terminating TLS with the given Secret or the
 * listener's Certificate; on 80 one plain-HTTP listener, whose only route redirects to HTTPS. The
 * provider waits until the implementation reports it Programmed (its `pulumi.com/waitFor`).
 */
export function gatewayManifest(spec: GatewaySpec): GatewayApiManifest {
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: "Gateway",
    metadata: metadata(spec, spec.name, { [PULUMI_WAIT_FOR]: "condition=Programmed" }),
    spec: {
      gatewayClassName: spec.className,
      listeners: [
        { name: HTTP_LISTENER, protocol: "HTTP", port: 80, allowedRoutes: SAME_NAMESPACE },
        ...spec.listeners.map((listener) => ({
          name: listener.name,
          hostname: listener.host,
          protocol: "HTTPS",
          port: 443,
          tls: {
            mode: "Terminate",
            certificateRefs: [
              {
                group: "",
                kind: "Secret",
                name: spec.tlsSecretName ?? certificateSecretName(listener.name),
              },
            ],
          },
          allowedRoutes: { ...SAME_NAMESPACE, kinds: [{ group: GATEWAY_GROUP, kind: "HTTPRoute" }] },
        })),
      ],
    },
  };
}

/** Every plain-HTTP request, whatever its host, answered with a permanent redirect to HTTPS. */
export function redirectRouteManifest(spec: GatewaySpec): GatewayApiManifest {
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: "HTTPRoute",
    metadata: metadata(spec, redirectRouteName(spec.name)),
    spec: {
      parentRefs: [{ group: GATEWAY_GROUP, kind: "Gateway", name: spec.name, sectionName: HTTP_LISTENER }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    },
  };
}

/**
 * The Certificate `<listener>` for its host, issued into `<listener>-tls` (ECDSA P-256, a new key at
 * each renewal), awaited until Ready (`pulumi.com/waitFor`): a route on the listener is declared
 * after it, so no host is served to users before its certificate. The Gateway is not: an ACME
 * HTTP-01 challenge is answered through it. Undefined when the Secret is given instead.
 */
export function certificateManifest(
  spec: GatewaySpec,
  listener: GatewaySpec["listeners"][number],
): CertificateManifest | undefined {
  if (spec.issuer === undefined) return undefined;
  const meta = metadata(spec, listener.name, { [PULUMI_WAIT_FOR]: "condition=Ready" });
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: meta,
    spec: {
      secretName: certificateSecretName(listener.name),
      dnsNames: [listener.host],
      issuerRef: { name: spec.issuer.name, kind: spec.issuer.kind, group: "cert-manager.io" },
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      secretTemplate: { labels: { ...meta.labels } },
    },
  };
}
