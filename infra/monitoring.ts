import { Monitoring } from "../components";
import type { Platform } from "./platform";
import type { TargetProviders } from "./providers";

/**
 * Kubernetes: the stack's metrics and alerts for the cluster's Prometheus (the Prometheus
 * Operator's, which must run there: README prerequisites): a monitor per service with metrics,
 * and one PrometheusRule whose thresholds follow this stack's own schedules (a backup every 6
 * hours alerts sooner than a daily one), volumes and certificates. Docker: nothing (the
 * operations guide runs a Prometheus beside the dev stack instead).
 */
export function declareMonitoring(platform: Platform, target: TargetProviders): Monitoring | undefined {
  if (platform.target !== "kubernetes" || platform.monitoring === undefined) return undefined;
  const { backup } = platform;
  return new Monitoring(
    "dockyard",
    {
      namespace: platform.endpoints.namespace,
      release: platform.monitoring.release,
      monitoringNamespace: platform.monitoring.namespace,
      services: platform.services.flatMap((service) =>
        service.metrics === undefined
          ? []
          : [
              {
                name: service.name,
                metricsPort: service.metrics.port,
                ...(service.metrics.objectives === undefined ? {} : { objectives: service.metrics.objectives }),
              },
            ],
      ),
      backups: platform.backups.map(({ volume }) => ({
        name: `${volume}-backup`,
        schedule: backup.schedule,
        checkSchedule: backup.check.schedule,
        drillSchedule: backup.drill.schedule,
      })),
      volumes: platform.volumes.map((volume) => volume.name),
      // cert-manager issues the certificates of the registry and the services users reach, when it is the source.
      certificates:
        platform.gateway?.tls.source === "cert-manager"
          ? [
              ...(platform.registry.mode === "self-hosted" ? ["registry"] : []),
              ...platform.services.filter((service) => service.host !== undefined).map((service) => service.name),
            ]
          : [],
    },
    { providers: [target.provider], ...(target.namespace ? { dependsOn: [target.namespace] } : {}) },
  );
}
