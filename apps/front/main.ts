/**
 * Entry point of the front image: reads the environment, serves (and its metrics on the metrics
 * port), and on SIGTERM/SIGINT stops gracefully (readiness turns 503 while it drains, then
 * in-flight requests finish) before exiting.
 */
import { readConfig } from "#config";
import { closeServer, createHttpMetrics, createMetricsServer } from "#metrics";
import { createFrontServer } from "#server";

const config = readConfig(process.env);
const metrics = createHttpMetrics();
const front = createFrontServer(config, metrics);
const metricsServer = createMetricsServer(metrics.registry);
front.server.listen(config.port, () => {
  console.log(`front listening on :${config.port}, web at ${config.webUrl.origin}`);
});
metricsServer.listen(config.metricsPort, () => console.log(`metrics on :${config.metricsPort}`));

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  setTimeout(() => process.exit(1), config.shutdownDrainMs + config.shutdownGraceMs + 1000).unref();
  front.shutdown(config.shutdownGraceMs, config.shutdownDrainMs).then(
    // Scraped until the front has stopped, so its last requests are counted.
    () => closeServer(metricsServer, 500).then(() => console.log("stopped")),
    (error: unknown) => {
      console.error("shutdown failed:", error);
      process.exitCode = 1;
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
