/**
 * Entry point of the front image: reads the environment, serves, and on SIGTERM/SIGINT stops
 * gracefully (readiness turns 503 while it drains, then in-flight requests finish) before exiting.
 */
import { readConfig } from "#config";
import { createFrontServer } from "#server";

const config = readConfig(process.env);
const front = createFrontServer(config);
front.server.listen(config.port, () => {
  console.log(`front listening on :${config.port}, web at ${config.webUrl.origin}`);
});

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  setTimeout(() => process.exit(1), config.shutdownDrainMs + config.shutdownGraceMs + 1000).unref();
  front.shutdown(config.shutdownGraceMs, config.shutdownDrainMs).then(
    () => console.log("stopped"),
    (error: unknown) => {
      console.error("shutdown failed:", error);
      process.exitCode = 1;
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
