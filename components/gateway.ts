import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { certificateManifest, gatewayManifest, redirectRouteManifest } from "./gateway/manifests";
import { AWAITED_OBJECT_SECONDS, awaitedFor } from "./kubernetes-labels";
import { type GatewaySpec, resolveGatewaySpec } from "./gateway/resolve";
import type { GatewayDataPlaneArgs, GatewayListenerRef } from "./workload";

/** A cert-manager issuer the Gateway's certificates are requested from. */
export interface CertificateIssuerArgs {
  /** Name of the ClusterIssuer or Issuer. */
  readonly name: string;
  /**
   * `ClusterIssuer` (cluster-wide) or `Issuer` (in the Gateway's namespace).
   * @default "ClusterIssuer"
   */
  readonly kind?: "ClusterIssuer" | "Issuer";
}

/** One HTTPS listener: a host and the name routes attach to it by. */
export interface GatewayListenerArgs {
  /** The listener's name (a DNS label, not `http`): a route's `sectionName`. */
  readonly name: string;
  /** The DNS name it serves (no port, no IP address): its hostname and its certificate's name. */
  readonly host: string;
}

/** Arguments of {@link Gateway}. */
export interface GatewayArgs {
  /**
   * GatewayClass of the implementation that serves it.
   * @default "eg" (Envoy Gateway's quickstart class)
   */
  readonly className?: string;
  /**
   * Namespace of the Gateway, its certificates and the services it routes to.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /** The HTTPS listeners (port 443), one per host, unique by name and host. */
  readonly listeners: GatewayListenerArgs[];
  /**
   * TLS from an existing `kubernetes.io/tls` Secret covering every host (`tlsSecret()`).
   * @default none (then certificateIssuer is required)
   */
  readonly tlsSecretName?: pulumi.Input<string>;
  /**
   * TLS from cert-manager: a Certificate `<listener>` per listener, issued by this issuer into the
   * Secret `<listener>-tls`; a route on the listener is declared once its certificate is Ready.
   * @default none (then tlsSecretName is required)
   */
  readonly certificateIssuer?: CertificateIssuerArgs;
  /**
   * The data plane's pods: each routed service admits them to its routed port.
   * @default Envoy Gateway's: namespace `envoy-gateway-system`, pods labelled with this Gateway's
   * `gateway.envoyproxy.io/owning-gateway-name` and `-namespace` (needs `namespace` as a plain name)
   */
  readonly dataPlane?: GatewayDataPlaneArgs;
}

/**
 * The entry to a namespace's services from outside the cluster: a Gateway API Gateway with one
 * HTTPS listener per host (TLS from a given Secret or cert-manager) and a plain-HTTP listener
 * that redirects to HTTPS. Services attach with `route: { listener: gateway.listener(name) }`.
 * @see https://gateway-api.sigs.k8s.io/api-types/gateway/
 */
export class Gateway extends pulumi.ComponentResource {
  /** The Gateway object: awaited until Programmed. */
  declare public readonly gateway: CustomResource;
  /** The cert-manager Certificates by listener name (empty with `tlsSecretName`). */
  declare public readonly certificates: Readonly<Record<string, CustomResource>>;
  private readonly spec: GatewaySpec;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:network:Gateway", name, {}, opts);
    this.spec = resolveGatewaySpec(name, args);
    const parent = { parent: this };
    const certificates: Record<string, CustomResource> = {};
    for (const listener of this.spec.listeners) {
      const manifest = certificateManifest(this.spec, listener);
      if (manifest !== undefined)
        certificates[listener.name] = new CustomResource(
          `${name}-${listener.name}`,
          { ...manifest },
          { ...parent, customTimeouts: awaitedFor(AWAITED_OBJECT_SECONDS.certificate) },
        );
    }
    this.certificates = certificates;
    // Not after the certificates: an ACME HTTP-01 challenge is answered through this Gateway's
    // plain-HTTP listener, so it must exist while they are issued. Each route waits for its own.
    this.gateway = new CustomResource(
      name,
      { ...gatewayManifest(this.spec) },
      {
        ...parent,
        customTimeouts: awaitedFor(AWAITED_OBJECT_SECONDS.gateway),
      },
    );
    new CustomResource(
      `${name}-https-redirect`,
      { ...redirectRouteManifest(this.spec) },
      {
        ...parent,
        dependsOn: [this.gateway],
      },
    );
    this.registerOutputs({});
  }

  /**
   * The listener `name`, for a service's `route`: a route declared from it waits until the Gateway
   * is Programmed and the listener's certificate is Ready.
   */
  listener(name: string): GatewayListenerRef {
    const listener = this.spec.listeners.find((l) => l.name === name);
    if (listener === undefined)
      throw new Error(
        `Gateway "${this.spec.name}" has no listener "${name}" (it has: ${this.spec.listeners.map((l) => l.name).join(", ")})`,
      );
    const certificate = this.certificates[name];
    return {
      gateway:
        certificate === undefined
          ? this.gateway.metadata.name
          : pulumi.all([this.gateway.metadata.name, certificate.id]).apply(([gateway]) => gateway),
      ...(this.spec.namespace === undefined ? {} : { namespace: this.spec.namespace }),
      listener: listener.name,
      host: listener.host,
      dataPlane: this.spec.dataPlane,
    };
  }
}
