/**
 * The front sample as the platform runs it on Docker: its ContainerService args (those of
 * infra/platform.ts for front, through the component's own resolver), started with exactly the
 * `docker run` flags the Docker translator renders.
 */
import * as front from "../../../../apps/front/contract";
import { type DockerContainerSettings, dockerContainerSettings } from "../../../../components/workload/docker-settings";
import { dockerRunArgs } from "../../../../components/workload/docker-run";
import { dockerHealthyWithinSeconds } from "../../../../components/workload/probes";
import { resolveServiceSpec } from "../../../../components/workload/resolve";
import type { ResolvedService } from "../../../../components/workload/spec";
import { type DockerObjects, docker, imageHealthcheck, uniqueName, waitHealthy } from "./docker";
import { freePort, runnableImage } from "./web-image";

/** A front container started the way the component declares it. */
export interface RunningFront {
  readonly container: string;
  readonly port: number;
  readonly spec: ResolvedService;
  readonly settings: DockerContainerSettings;
}

/** The front service resolved by the component's resolver, as the platform declares it for Docker. */
export function frontServiceSpec(image: string, network: string, hostPort: number): ResolvedService {
  return resolveServiceSpec("front", {
    target: "docker",
    image,
    ports: [{ containerPort: front.DEFAULT_PORT, hostPort }],
    environment: { PORT: String(front.DEFAULT_PORT), WEB_URL: "http://web:8080" },
    healthCheck: {
      path: front.HEALTH_PATH,
      readinessPath: front.READY_PATH,
      command: [...front.HEALTH_COMMAND],
      intervalSeconds: 1,
      timeoutSeconds: 3,
      retries: 3,
      startPeriodSeconds: 10,
    },
    network,
  });
}

/** Starts the front image on `network` (where web answers as "web") and waits until it is healthy. */
export async function startFront(objects: DockerObjects, image: string, network: string): Promise<RunningFront> {
  const port = await freePort();
  const spec = frontServiceSpec(await runnableImage(image), network, port);
  const settings = dockerContainerSettings(spec, network);
  const container = objects.container(uniqueName("front"));
  const flags = dockerRunArgs(settings, { name: container, imageHealthcheck: await imageHealthcheck(image) });
  // The rendered flags carry the pids limit the component applies with docker update (pids-limit.test.ts).
  await docker(["run", "--detach", ...flags]);
  await waitHealthy(container, settings.waitTimeout ?? dockerHealthyWithinSeconds(spec.healthCheck!));
  return { container, port, spec, settings };
}
