import type * as Input from "@pulumi/kubernetes/types/input";
import * as networkingV1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import { DOCKYARD_LABELS, Gateway, defaultDenyPolicy, tlsSecret } from "../components";
import { GATEWAY_NAME, type Platform } from "./platform";
import type { TargetProviders } from "./providers";

/** The namespace's traffic rules and its Gateway (Kubernetes only). */
export interface DeclaredExposure {
  /** The Gateway the registry and each user-facing service attach their HTTPRoute to; undefined on Docker. */
  gateway: Gateway | undefined;
}

const CERTIFICATE_TYPE = "kubernetes:cert-manager.io/v1:Certificate";

/**
 * Where each listener's Certificate was declared before the stack's Gateway held it (ADR 0024):
 * under the ContainerService of its service, the registry's under the Registry's. An alias to it
 * makes `pulumi up` take the deployed Certificate over instead of creating a second object of the
 * same name, which the provider refuses.
 */
function formerCertificateParents(platform: Platform): Record<string, pulumi.Output<string>> {
  const service = "dockyard:container:ContainerService";
  // Only listeners that exist look theirs up: an external registry, a service without a host, has none.
  return {
    registry: pulumi.createUrn("registry", service, pulumi.createUrn("registry", "dockyard:registry:Registry")),
    ...Object.fromEntries(platform.services.map((s) => [s.name, pulumi.createUrn(s.name, service)])),
  };
}

/** cert-manager's ACME HTTP-01 solver pods (it labels them so) listen on this port. */
const ACME_SOLVER = { labels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } as const;

/**
 * On Kubernetes: a NetworkPolicy denying every connection in and out of every pod of the namespace
 * (each workload's own policy then admits exactly its peers), and the stack's Gateway, with one
 * HTTPS listener for the self-hosted registry and one for each user-facing service. With a pair
 * given as secrets, one `kubernetes.io/tls` Secret serves every listener; with cert-manager, each
 * listener gets its own Certificate, and the ACME HTTP-01 solver pods cert-manager may start in the
 * namespace are admitted from the Gateway's data plane (an ACME issuer checks the challenge
 * through it). A data plane running in the stack's namespace gets a policy of its own.
 */
export function declareExposure(platform: Platform, target: TargetProviders): DeclaredExposure {
  // The platform has a gateway on kubernetes only.
  if (platform.gateway === undefined) return { gateway: undefined };
  // Objects are created after the namespace, and deleted before it, through its name they take.
  const opts = { provider: target.provider };
  const namespace = target.namespace?.metadata.name;
  const inNamespace = namespace === undefined ? {} : { namespace };
  const deny = defaultDenyPolicy(namespace);
  new networkingV1.NetworkPolicy("default-deny", { metadata: deny.metadata, spec: deny.spec }, opts);
  const { className, dataPlane, tls } = platform.gateway;
  const listeners = [
    ...(platform.registry.mode === "self-hosted" && platform.registry.address !== undefined
      ? [{ name: "registry", host: platform.registry.address }]
      : []),
    ...platform.services.flatMap((service) =>
      service.host === undefined ? [] : [{ name: service.name, host: service.host }],
    ),
  ];
  const certificates =
    tls.source === "secret"
      ? {
          tlsSecretName: tlsSecret("gateway-tls", { certificate: tls.certificate, key: tls.key }, inNamespace, opts)
            .metadata.name,
        }
      : { certificateIssuer: { ...tls.issuer } };
  const formerParents = formerCertificateParents(platform);
  const gateway = new Gateway(
    GATEWAY_NAME,
    { className, ...inNamespace, listeners, ...certificates, dataPlane },
    {
      providers: [target.provider],
      // A stack deployed before ADR 0024 holds these Certificates under the services: adopt them in place.
      transformations: [
        ({ type, name, props, opts }) => {
          const listener = name.slice(`${GATEWAY_NAME}-`.length);
          const parent = formerParents[listener];
          if (type !== CERTIFICATE_TYPE || parent === undefined) return undefined;
          return { props, opts: { ...opts, aliases: [...(opts.aliases ?? []), { name: listener, parent }] } };
        },
      ],
    },
  );
  const dataPlanePeer = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": dataPlane.namespace } },
    podSelector: { matchLabels: { ...dataPlane.podLabels } },
  };
  // Both directions named: a pod a policy selects gets nothing but what it lists.
  type Rules = Pick<Input.networking.v1.NetworkPolicySpec, "ingress" | "egress">;
  const policy = (name: string, podLabels: Record<string, string>, rules: Rules) =>
    new networkingV1.NetworkPolicy(
      name,
      {
        metadata: { ...inNamespace, labels: { ...DOCKYARD_LABELS } },
        spec: { podSelector: { matchLabels: { ...podLabels } }, policyTypes: ["Ingress", "Egress"], ...rules },
      },
      opts,
    );
  if (tls.source === "cert-manager")
    policy("acme-http01-solver", ACME_SOLVER.labels, {
      ingress: [{ from: [dataPlanePeer], ports: [{ port: ACME_SOLVER.port, protocol: "TCP" }] }],
      egress: [],
    });
  if (dataPlane.namespace === platform.endpoints.namespace)
    // The edge: in from anywhere (its listeners' ports are the implementation's); out to pods in the
    // cluster only (its control plane, the cluster DNS, the routed services, each of which admits it
    // to one port), never beyond.
    policy("gateway-data-plane", dataPlane.podLabels, { ingress: [{}], egress: [{ to: [{ namespaceSelector: {} }] }] });
  return { gateway };
}
