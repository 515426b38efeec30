/**
 * Entry point of the web image: reads the environment, opens the record store, serves (and its
 * metrics on the metrics port), and on SIGTERM/SIGINT stops gracefully (finishing in-flight
 * requests and appends) before exiting.
 */
import { readConfig } from "#config";
import { closeServer, createHttpMetrics, createMetricsServer } from "#metrics";
import { RecordStore } from "#records";
import { createWebServer } from "#server";

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const store = await RecordStore.open(config.dataDir);
  const metrics = createHttpMetrics();
  const web = createWebServer({ store, maxRecordBytes: config.maxRecordBytes, metrics });
  const metricsServer = createMetricsServer(metrics.registry);
  web.server.listen(config.port, () => {
    console.log(`web listening on :${config.port}, data in ${config.dataDir}`);
  });
  metricsServer.listen(config.metricsPort, () => console.log(`metrics on :${config.metricsPort}`));

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // Exit even if a client holds its connection beyond the grace period.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 1000).unref();
    // On success the event loop empties and Node exits 0 after flushing its output.
    web.shutdown(config.shutdownGraceMs).then(
      // Scraped until the service has stopped, so its last requests are counted.
      () => closeServer(metricsServer, 500).then(() => console.log("stopped")),
      (error: unknown) => {
        console.error("shutdown failed:", error);
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("web failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
