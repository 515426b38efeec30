/**
 * web and front as the platform would run them on Docker with their metrics published: each
 * service's ContainerService args (through the component's own resolver and Docker translator,
 * as the docker engine tests start them) with a second port, the metrics port, published on
 * 127.0.0.1 like the service's own.
 */
import * as front from "../../../../apps/front/contract";
import * as web from "../../../../apps/web/contract";
import { dockerContainerSettings } from "../../../../components/workload/docker-settings";
import { dockerRunArgs } from "../../../../components/workload/docker-run";
import { dockerHealthyWithinSeconds } from "../../../../components/workload/probes";
import { resolveServiceSpec } from "../../../../components/workload/resolve";
import type { ContainerServiceArgs } from "../../../../components/container-service";
import { type DockerObjects, docker, imageHealthcheck, uniqueName, waitHealthy } from "../../docker/support/docker";
import { freePort, runnableImage } from "../../docker/support/web-image";

/** A running service: its container, and the host ports of its service and its metrics. */
export interface RunningService {
  readonly container: string;
  readonly port: number;
  readonly metricsPort: number;
}

const HEALTH = { intervalSeconds: 1, timeoutSeconds: 3, retries: 3, startPeriodSeconds: 10 } as const;

async function start(
  objects: DockerObjects,
  name: "web" | "front",
  image: string,
  network: string,
  args: Omit<ContainerServiceArgs, "target" | "image" | "ports" | "network">,
  containerPorts: { readonly service: number; readonly metrics: number },
): Promise<RunningService> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const spec = resolveServiceSpec(name, {
    target: "docker",
    image: await runnableImage(image),
    ports: [
      { containerPort: containerPorts.service, hostPort: port },
      { containerPort: containerPorts.metrics, hostPort: metricsPort, name: "metrics" },
    ],
    network,
    ...args,
  });
  const settings = dockerContainerSettings(spec, network);
  const container = objects.container(uniqueName(name));
  const flags = dockerRunArgs(settings, { name: container, imageHealthcheck: await imageHealthcheck(image) });
  await docker(["run", "--detach", ...flags]);
  await waitHealthy(container, settings.waitTimeout ?? dockerHealthyWithinSeconds(spec.healthCheck!));
  return { container, port, metricsPort };
}

/** Starts web on `network` (alias "web") with its data on `volume`; resolves once it is healthy. */
export function startWebWithMetrics(
  objects: DockerObjects,
  image: string,
  network: string,
  volume: string,
): Promise<RunningService> {
  return start(
    objects,
    "web",
    image,
    network,
    {
      healthCheck: { path: web.HEALTH_PATH, command: [...web.HEALTH_COMMAND], ...HEALTH },
      volumes: [
        {
          volume: { logicalName: "web-data", volumeName: volume, accessMode: "ReadWriteOnce" },
          mountPath: web.DEFAULT_DATA_DIR,
        },
      ],
    },
    { service: web.DEFAULT_PORT, metrics: web.DEFAULT_METRICS_PORT },
  );
}

/** Starts front on `network`, where web answers as "web"; resolves once it is healthy. */
export function startFrontWithMetrics(objects: DockerObjects, image: string, network: string): Promise<RunningService> {
  return start(
    objects,
    "front",
    image,
    network,
    {
      environment: { WEB_URL: "http://web:8080" },
      healthCheck: {
        path: front.HEALTH_PATH,
        readinessPath: front.READY_PATH,
        command: [...front.HEALTH_COMMAND],
        ...HEALTH,
      },
    },
    { service: front.DEFAULT_PORT, metrics: front.DEFAULT_METRICS_PORT },
  );
}
