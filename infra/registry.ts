import * as docker from "@pulumi/docker";
import * as dockerBuild from "@pulumi/docker-build";
import type * as pulumi from "@pulumi/pulumi";
import { type Gateway, Registry, dockerRegistryAuth, imagePullSecret } from "../components";
import type { Platform } from "./platform";
import type { TargetProviders } from "./providers";

/** The stack's registry and what pushing to and pulling from it takes. */
export interface DeclaredRegistry {
  registry: Registry;
  /** Docker provider with the registry's credentials: on Docker, services pull with it. */
  authenticatedDocker: docker.Provider;
  /**
   * BuildKit on the same engine: images are built and pushed there (each with the registry's
   * credentials); on Docker the self-hosted registry's own image is built and loaded there too.
   */
  builder: dockerBuild.Provider;
  /** Kubernetes: names of the Secrets pods pull the stack's images with. */
  imagePullSecrets: pulumi.Input<string>[];
}

/**
 * A self-hosted registry (auth always on, generated password) or the external one config
 * names. Builds run on the Docker engine of `endpoints.dockerHost` (the developer's or the CI
 * runner's) and push with the registry's credentials; Kubernetes pods pull with a Secret. On
 * Kubernetes a self-hosted registry is reached at its address through the stack's Gateway, and its
 * address resolves only once that Gateway is Programmed (its certificates Ready) and its listener
 * has accepted the registry's HTTPRoute, so no push is declared before the registry can be reached.
 * The pull Secret is built from the configured address: it can exist before the registry runs.
 */
export function declareRegistry(
  platform: Platform,
  target: TargetProviders,
  gateway: Gateway | undefined,
): DeclaredRegistry {
  const spec = platform.registry;
  // BuildKit of the same engine: the service images, and on Docker the self-hosted registry's own image.
  const builder = new dockerBuild.Provider("docker-build", { host: platform.endpoints.dockerHost });
  const registry = new Registry(
    "registry",
    {
      target: platform.target,
      mode: spec.mode,
      ...(spec.address === undefined ? {} : { address: spec.address }),
      ...(spec.mode === "external" ? { username: spec.username, password: spec.password } : {}),
      ...(spec.mode === "self-hosted" && spec.mirror !== undefined ? { mirror: spec.mirror } : {}),
      ...(spec.mode === "self-hosted" && target.namespace ? { namespace: target.namespace.metadata.name } : {}),
      // Reached at its address over TLS through the Gateway, the only way nodes and pushes reach it.
      ...(spec.mode === "self-hosted" && gateway !== undefined ? { listener: gateway.listener("registry") } : {}),
    },
    {
      providers: [target.provider, builder],
      protect: platform.protect,
    },
  );
  const authenticatedDocker = new docker.Provider("docker-registry-auth", {
    host: platform.endpoints.dockerHost,
    registryAuth: [dockerRegistryAuth(registry)],
  });
  const imagePullSecrets =
    platform.target === "kubernetes"
      ? [
          imagePullSecret(
            "registry-pull",
            // The configured address, not Registry.address, which waits for the registry to run: the
            // Secret only holds credentials, and what pulls from the registry waits for its Image,
            // which waits for the registry (ADR 0025). Pods of upstream images no longer wait for it.
            { address: spec.address ?? registry.address, username: registry.username, password: registry.password },
            target.namespace ? { namespace: target.namespace.metadata.name } : {},
            {
              provider: target.provider,
            },
          ).metadata.name,
        ]
      : [];
  return { registry, authenticatedDocker, builder, imagePullSecrets };
}
