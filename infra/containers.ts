import type * as pulumi from "@pulumi/pulumi";
import { ContainerService, PersistentVolume } from "../components";
import type { Platform } from "./platform";
import type { TargetProviders } from "./providers";

/** What the container part of a stack declared. */
export interface DeclaredContainers {
  volumes: Record<string, PersistentVolume>;
  services: Record<string, ContainerService>;
}

/**
 * Volumes first, then the services that mount them, on the stack's target. Volumes are
 * declared on their own (not as children of a service) and keep their data on delete;
 * `protect` comes from the stack.
 */
export function declareContainers(
  platform: Platform,
  target: TargetProviders,
  images: Record<string, pulumi.Input<string>>,
  imagePullSecrets: pulumi.Input<string>[] = [],
): DeclaredContainers {
  const opts = { providers: [target.provider], ...(target.namespace ? { dependsOn: [target.namespace] } : {}) };
  const namespace = target.namespace?.metadata.name;
  const volumes = Object.fromEntries(
    platform.volumes.map((volume) => [
      volume.name,
      new PersistentVolume(
        volume.name,
        { target: platform.target, sizeGiB: volume.sizeGiB, storageClass: volume.storageClass, namespace },
        { ...opts, protect: platform.protect },
      ),
    ]),
  );
  const services = Object.fromEntries(
    platform.services.map((service) => [
      service.name,
      new ContainerService(
        service.name,
        {
          target: platform.target,
          image: images[service.name],
          ports: [{ containerPort: service.port, hostPort: service.hostPort }],
          environment: service.environment,
          volumes: service.volumes.map((mount) => ({
            volume: volumes[mount.volume],
            mountPath: mount.mountPath,
            readOnly: mount.readOnly,
          })),
          healthCheck: { path: service.healthPath, command: service.healthCommand },
          resources: { cpu: service.cpu, memory: service.memory },
          replicas: service.replicas,
          security: service.security,
          component: service.name,
          network: target.network?.name,
          namespace,
          imagePullSecrets,
        },
        opts,
      ),
    ]),
  );
  return { volumes, services };
}
