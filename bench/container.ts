/**
 * `node scripts/run-ts.cjs bench/container.ts` (part of `npm run bench`): the web sample image's size and how fast a container becomes
 * healthy, run exactly as the Docker translator declares it (same stand-in bases and flags as
 * test/engines/docker). Prints figures; never fails on time.
 */
import { HEALTH_PATH } from "../apps/web/contract";
import { DockerObjects, docker, uniqueName } from "../test/engines/docker/support/docker";
import { buildWebImage, freePort, startWeb } from "../test/engines/docker/support/web-image";
import { ensure } from "../test/engines/support/requirements";

const RUNS = Number(process.env.BENCH_CONTAINER_RUNS ?? 3);

/** Milliseconds from `since` until GET /healthz on the published port answers 200 (gives up after 60 s). */
async function firstAnswerMs(port: number, since: number): Promise<number> {
  while (Date.now() - since < 60_000) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`);
      if (response.status === 200) return Date.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Number.NaN;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} ms (min ${sorted[0]}, max ${sorted.at(-1)}, n=${sorted.length})`;
}

async function main(): Promise<void> {
  await ensure("engine", "busybox");
  const objects = new DockerObjects();
  try {
    const tag = objects.image(uniqueName("bench-web"));
    objects.image(`${tag}-build-stage`);
    const image = await buildWebImage(tag);
    const size = Number(await docker(["image", "inspect", "--format", "{{.Size}}", tag]));
    console.log(
      `container: web image ${(size / 1e6).toFixed(1)} MB (${size} bytes), built in ${image.buildMs} ms (stand-in bases cached)`,
    );

    const network = objects.network(uniqueName("bench-net"));
    await docker(["network", "create", network]);
    for (const intervalSeconds of [1, 10]) {
      const runMs: number[] = [];
      const healthyMs: number[] = [];
      const answeringMs: number[] = [];
      for (let i = 0; i < (intervalSeconds === 1 ? RUNS : 1); i++) {
        const volumeName = objects.volume(uniqueName("bench-data"));
        await docker(["volume", "create", volumeName]);
        const hostPort = await freePort();
        const started = Date.now();
        const answering = firstAnswerMs(hostPort, started);
        const web = await startWeb(objects, { image: tag, network, volumeName, intervalSeconds, hostPort });
        const total = Date.now() - started;
        runMs.push(total - web.healthyAfterMs);
        healthyMs.push(total);
        answeringMs.push(await answering);
        await docker(["rm", "--force", web.container]);
      }
      console.log(
        `container: health interval ${intervalSeconds}s (Docker 20.10 runs the first check one interval after start)`,
      );
      console.log(`container:   docker run (create + start) ${summary(runMs)}`);
      console.log(`container:   docker run → app answers /healthz ${summary(answeringMs)}`);
      console.log(`container:   docker run → Docker reports healthy ${summary(healthyMs)}`);
    }
  } finally {
    await objects.removeAll();
  }
}

main().catch((error: unknown) => {
  console.log(`container: not measured: ${error instanceof Error ? error.message : String(error)}`);
});
