import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { typedSecret } from "../kubernetes-secret";

/** A certificate chain and its private key, PEM (secrets). */
export interface TlsPairArgs {
  /** Certificate chain, PEM: the server certificate first. */
  readonly certificate: pulumi.Input<string>;
  /** Unencrypted private key, PEM. */
  readonly key: pulumi.Input<string>;
}

/** Arguments of {@link tlsSecret} besides the pair. */
export interface TlsSecretArgs {
  /**
   * Namespace of the Secret: the namespace of the Gateway that serves it.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
}

/**
 * A `kubernetes.io/tls` Secret holding a certificate given as Pulumi secrets, for Gateway
 * `tlsSecretName` (`secret.metadata.name`) when the certificate does not come from cert-manager. Both values stay secrets; Pulumi names the Secret, so a new pair makes a new one.
 */
export function tlsSecret(
  name: string,
  pair: TlsPairArgs,
  args: TlsSecretArgs = {},
  opts?: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return typedSecret(
    name,
    {
      type: "kubernetes.io/tls",
      stringData: { "tls.crt": pulumi.secret(pair.certificate), "tls.key": pulumi.secret(pair.key) },
      ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
    },
    opts,
  );
}
