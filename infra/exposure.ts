import * as k8s from "@pulumi/kubernetes";
import { DOCKYARD_LABELS, type RegistryIngressArgs, defaultDenyPolicy, tlsSecret } from "../components";
import type { Platform } from "./platform";
import type { TargetProviders } from "./providers";

/** What every Ingress of a Kubernetes stack shares: its controller and its certificate source. */
export type SharedIngress = RegistryIngressArgs;

/** The namespace's traffic rules and the shared Ingress settings (Kubernetes only). */
export interface DeclaredExposure {
  /** Ingress settings the registry and each user-facing service add their host to; undefined on Docker. */
  ingress: SharedIngress | undefined;
}

/** cert-manager's ACME HTTP-01 solver pods (it labels them so) listen on this port. */
const ACME_SOLVER = { labels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } as const;

/**
 * On Kubernetes: a NetworkPolicy denying every connection in and out of every pod of the namespace
 * (each workload's own policy then admits exactly its peers), and the Ingresses' shared settings.
 * With a pair given as secrets, one `kubernetes.io/tls` Secret serves every Ingress; with
 * cert-manager, each Ingress gets its own Certificate, and the ACME HTTP-01 solver pods cert-manager
 * may start in the namespace are admitted from the ingress controller (an ACME issuer checks the
 * challenge through it).
 */
export function declareExposure(platform: Platform, target: TargetProviders): DeclaredExposure {
  // The platform has ingress settings on kubernetes only.
  if (platform.ingress === undefined) return { ingress: undefined };
  // Objects are created after the namespace, and deleted before it, through its name they take.
  const opts = { provider: target.provider };
  const namespace = target.namespace?.metadata.name;
  const deny = defaultDenyPolicy(namespace);
  new k8s.networking.v1.NetworkPolicy("default-deny", { metadata: deny.metadata, spec: deny.spec }, opts);
  const { className, controllerNamespace, tls } = platform.ingress;
  if (tls.source === "secret") {
    const secret = tlsSecret(
      "ingress-tls",
      { certificate: tls.certificate, key: tls.key },
      namespace === undefined ? {} : { namespace },
      opts,
    );
    return { ingress: { className, controllerNamespace, tlsSecretName: secret.metadata.name } };
  }
  new k8s.networking.v1.NetworkPolicy(
    "acme-http01-solver",
    {
      metadata: {
        ...(namespace === undefined ? {} : { namespace }),
        labels: { ...DOCKYARD_LABELS },
      },
      spec: {
        podSelector: { matchLabels: { ...ACME_SOLVER.labels } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": controllerNamespace } } }],
            ports: [{ port: ACME_SOLVER.port, protocol: "TCP" }],
          },
        ],
        egress: [],
      },
    },
    opts,
  );
  return { ingress: { className, controllerNamespace, certificateIssuer: { ...tls.issuer } } };
}
