import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ContainerService, type Gateway, MONITORING_DEFAULTS, PersistentVolume } from "../components";

/** The name of a service's metrics port: its ServiceMonitor selects it. */
const METRICS_PORT_NAME = MONITORING_DEFAULTS.metricsPortName;
import { type Platform, type PlatformService, SECRETS_DIR } from "./platform";
import type { TargetProviders } from "./providers";

/** What the container part of a stack declared. */
export interface DeclaredContainers {
  volumes: Record<string, PersistentVolume>;
  services: Record<string, ContainerService>;
  /** Each service's generated secrets, by file name (the database backups read their passwords here). */
  generatedSecrets: Record<string, Record<string, pulumi.Output<string>>>;
}

/**
 * Volumes first, then the services that mount them, on the stack's target. Volumes are
 * declared on their own (not as children of a service) and keep their data on delete;
 * `protect` comes from the stack. On Kubernetes each service admits exactly the services that
 * connect to it (and the Gateway's data plane when it serves users), and connects only to the
 * services the topology says, after a DNS lookup.
 */
export function declareContainers(
  platform: Platform,
  target: TargetProviders,
  images: Record<string, pulumi.Input<string>>,
  imagePullSecrets: pulumi.Input<string>[],
  gateway?: Gateway,
): DeclaredContainers {
  // Objects are created after the namespace, and deleted before it, through its name they take.
  const opts = { providers: [target.provider] };
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
  const files = Object.fromEntries(
    platform.services.flatMap((service) => {
      const generated = generatedSecrets(service, platform.protect);
      return generated === undefined ? [] : [[service.name, generated]];
    }),
  );
  const services = Object.fromEntries(
    platform.services.map((service) => [
      service.name,
      new ContainerService(
        service.name,
        {
          target: platform.target,
          image: images[service.name],
          ...(service.args === undefined ? {} : { args: service.args }),
          ports: [
            { containerPort: service.port, hostPort: service.hostPort },
            ...(service.metrics === undefined
              ? []
              : [{ containerPort: service.metrics.port, name: METRICS_PORT_NAME, hostPort: service.metrics.hostPort }]),
          ],
          environment: service.environment,
          ...(files[service.name] === undefined ? {} : { files: files[service.name], filesDir: SECRETS_DIR }),
          ...(service.runAs === undefined ? {} : { runAsUser: service.runAs.user, runAsGroup: service.runAs.group }),
          volumes: service.volumes.map((mount) => ({
            volume: volumes[mount.volume],
            mountPath: mount.mountPath,
            readOnly: mount.readOnly,
          })),
          healthCheck: service.healthCheck,
          resources: { cpu: service.cpu, memory: service.memory },
          // An autoscaler owns the count where there is one.
          ...(service.autoscaling === undefined
            ? { replicas: service.replicas }
            : { autoscaling: service.autoscaling }),
          ...(service.host !== undefined && gateway !== undefined
            ? { route: { listener: gateway.listener(service.name) } }
            : {}),
          allowFrom: [
            ...platform.services
              .filter((caller) => caller.connectsTo.includes(service.name))
              .map((caller) => ({ service: caller.name })),
            // The jobs dumping its database and restoring it (their pods share the backup's labels).
            ...platform.backups
              .filter((backup) => backup.database !== undefined && backup.colocateWith === service.name)
              .map((backup) => ({ service: `${backup.volume}-backup` })),
          ],
          allowTo: service.connectsTo.map((callee) => ({
            service: callee,
            ports: [{ port: portOf(platform, callee) }],
          })),
          allowDns: service.connectsTo.length > 0,
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
  return { volumes, services, generatedSecrets: files };
}

/**
 * The secret files the stack generates for a service: a random password each, made once and kept
 * in the stack's state as a secret (protected with the stack's data: a new one would not match
 * what the service stored at its first start), read-only in {@link SECRETS_DIR}. Undefined when
 * it has none.
 */
function generatedSecrets(
  service: PlatformService,
  protect: boolean,
): Record<string, pulumi.Output<string>> | undefined {
  const names = Object.keys(service.generatedSecrets);
  if (names.length === 0) return undefined;
  return Object.fromEntries(
    names.map((file) => [
      file,
      new random.RandomPassword(`${service.name}-${file}`, { length: 40, special: false }, { protect }).result,
    ]),
  );
}

/** The port a service of the topology listens on (pods connect to it, not to the Service port). */
function portOf(platform: Platform, name: string): number {
  const service = platform.services.find((s) => s.name === name);
  if (service === undefined)
    throw new Error(`infra/platform.ts: a service connects to "${name}", which is not declared`);
  return service.port;
}
