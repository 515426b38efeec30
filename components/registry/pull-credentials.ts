import type * as docker from "@pulumi/docker";
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { typedSecret } from "../kubernetes-secret";
import { registryHostOf } from "../rules";

/**
 * How clients authenticate to a registry: the Docker provider's `registryAuth` (dev pulls and
 * pushes) and a Kubernetes image pull Secret (nodes pull). Both take anything that exposes a
 * registry's address and credentials, as {@link Registry} does.
 */

/** A registry's address and credentials, as {@link Registry} exposes them. */
export interface RegistryCredentials {
  /** host[:port][/path] images are pushed to and pulled from. */
  readonly address: pulumi.Input<string>;
  readonly username: pulumi.Input<string>;
  /** A secret. */
  readonly password: pulumi.Input<string>;
}

/**
 * The `.dockerconfigjson` document for one registry: `{"auths": {"host:port": {username,
 * password, auth}}}`, `auth` being base64 of `username:password`, keyed by the address's host[:port].
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets
 */
export function dockerConfigJson(address: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [registryHostOf(address)]: { username, password, auth } } });
}

/** {@link dockerConfigJson} of a registry's credentials, as a secret output. */
export function dockerConfigJsonOf(registry: RegistryCredentials): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([registry.address, registry.username, registry.password])
      .apply(([a, u, p]) => dockerConfigJson(a, u, p)),
  );
}

/** Arguments of {@link imagePullSecret}. */
export interface ImagePullSecretArgs {
  /**
   * Namespace of the Secret: the namespace of the pods that pull with it.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Labels of the Secret.
   * @default { "app.kubernetes.io/part-of": "dockyard", "app.kubernetes.io/managed-by": "pulumi" }
   */
  readonly labels?: Record<string, string>;
}

/**
 * A `kubernetes.io/dockerconfigjson` Secret holding a registry's credentials, for a pod's
 * `imagePullSecrets` (ContainerService `imagePullSecrets: [secret.metadata.name]`). Pulumi names
 * it, so new credentials make a new Secret and the pods that use it roll.
 * @param registry a {@link Registry}, or any address and credentials.
 * @param opts resource options (`provider`, `parent`, …).
 */
export function imagePullSecret(
  name: string,
  registry: RegistryCredentials,
  args: ImagePullSecretArgs = {},
  opts?: pulumi.CustomResourceOptions,
): coreV1.Secret {
  return typedSecret(
    name,
    {
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": dockerConfigJsonOf(registry) },
      ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
      ...(args.labels === undefined ? {} : { labels: args.labels }),
    },
    opts,
  );
}

/**
 * A `docker.Provider` `registryAuth` entry for a registry: the provider pulls images for
 * containers (and docker.Image pushes) with it. The password stays a secret.
 */
export function dockerRegistryAuth(registry: RegistryCredentials): docker.types.input.ProviderRegistryAuth {
  return {
    address: pulumi.output(registry.address).apply(registryHostOf),
    username: registry.username,
    password: pulumi.secret(registry.password),
  };
}
