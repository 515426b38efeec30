import type * as Input from "@pulumi/kubernetes/types/input";
import type * as pulumi from "@pulumi/pulumi";
import { type IngressSpec, type ResolvedService, serviceLabels } from "../workload";

/**
 * A service reached from outside the cluster: an Ingress (networking.k8s.io/v1) with TLS for one
 * host, and the cert-manager Certificate that fills its TLS Secret when an issuer is named. The
 * controller settings are ingress-nginx annotations (the supported controller; docs/guides/
 * container-services.md says what other controllers need).
 */

/** Annotation the Pulumi Kubernetes provider (≥ 4.18) awaits on a resource it has no await logic for. */
export const PULUMI_WAIT_FOR = "pulumi.com/waitFor";

/** ingress-nginx annotation prefix. @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/ */
const NGINX = "nginx.ingress.kubernetes.io";

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

function exposed(spec: ResolvedService): IngressSpec {
  if (spec.ingress === undefined) throw new Error(`service "${spec.name}" has no ingress`);
  return spec.ingress;
}

/** ingress-nginx's settings for the service: body size, timeouts, request streaming, TLS to the service (none by default). */
export function ingressAnnotations(ingress: IngressSpec): Record<string, string> {
  return {
    ...(ingress.maxBodyMiB === undefined
      ? {}
      : { [`${NGINX}/proxy-body-size`]: ingress.maxBodyMiB === 0 ? "0" : `${ingress.maxBodyMiB}m` }),
    ...(ingress.timeoutSeconds === undefined
      ? {}
      : {
          [`${NGINX}/proxy-read-timeout`]: String(ingress.timeoutSeconds),
          [`${NGINX}/proxy-send-timeout`]: String(ingress.timeoutSeconds),
        }),
    ...(ingress.streamRequests ? { [`${NGINX}/proxy-request-buffering`]: "off" } : {}),
    ...(ingress.backendProtocol === "HTTPS" ? { [`${NGINX}/backend-protocol`]: "HTTPS" } : {}),
  };
}

/**
 * The Ingress `<service>`: `host` over TLS (the Secret given, or the Certificate's), every path to
 * the service's first tcp port. ingress-nginx redirects plain HTTP to HTTPS for a TLS host.
 */
export function ingressManifest(
  spec: ResolvedService,
  tlsSecretName?: pulumi.Input<string>,
): Input.networking.v1.Ingress {
  const ingress = exposed(spec);
  const annotations = ingressAnnotations(ingress);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: spec.name,
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      labels: serviceLabels(spec),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    spec: {
      ingressClassName: ingress.className,
      tls: [{ hosts: [ingress.host], secretName: tlsSecretName ?? ingress.tlsSecretName }],
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: spec.name, port: { name: ingress.port.name } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * The Certificate `<service>` for the Ingress host, issued into `<service>-tls` (ECDSA P-256, a new
 * key at each renewal). The provider does not await custom resources by itself: the
 * `pulumi.com/waitFor: condition=Ready` annotation makes it wait until cert-manager has issued it,
 * so what depends on it (the Ingress, a push to the registry) never meets a missing certificate.
 * Undefined when the TLS Secret is given instead.
 */
export function certificateManifest(spec: ResolvedService): CertificateManifest | undefined {
  const ingress = exposed(spec);
  if (ingress.issuer === undefined) return undefined;
  const labels = serviceLabels(spec);
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: {
      name: spec.name,
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      labels,
      annotations: { [PULUMI_WAIT_FOR]: "condition=Ready" },
    },
    spec: {
      secretName: ingress.tlsSecretName as string,
      dnsNames: [ingress.host],
      issuerRef: { name: ingress.issuer.name, kind: ingress.issuer.kind, group: "cert-manager.io" },
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      secretTemplate: { labels },
    },
  };
}
