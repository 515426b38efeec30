/**
 * What the web image promises to whoever runs it: the port, the health endpoint and the
 * command that checks it, the metrics port and path, where data lives and which user owns it.
 * The app reads its defaults from here, and deployers (tests, the platform) use the same values.
 *
 * Node runs these sources directly (type stripping): erasable TypeScript only.
 */

/** Port the server listens on unless PORT says otherwise (unprivileged). */
export const DEFAULT_PORT = 8080;
/** Directory the records file lives in unless DATA_DIR says otherwise; a mounted volume. */
export const DEFAULT_DATA_DIR = "/data";
/** Largest record body accepted, in bytes, unless MAX_RECORD_BYTES says otherwise. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
/** HTTP path answering 200 while the service is healthy (503 while shutting down). */
export const HEALTH_PATH = "/healthz";
/**
 * Port the Prometheus metrics server listens on unless METRICS_PORT says otherwise: apart from the
 * service's port, so a NetworkPolicy can admit the monitoring namespace to it alone.
 */
export const DEFAULT_METRICS_PORT = 9464;
/** HTTP path of the metrics (Prometheus' text format) on the metrics port. */
export const METRICS_PATH = "/metrics";
/**
 * Upper bounds, in seconds, of the request latency histogram's buckets (prom-client's defaults): a
 * latency objective's threshold must be one of them.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Where the image installs the app. */
export const APP_DIR = "/app";
/** Node inside the distroless base image. */
export const NODE_PATH = "/nodejs/bin/node";
/** Exec-form health check (no shell in distroless); the image's HEALTHCHECK runs exactly this. */
export const HEALTH_COMMAND: readonly string[] = [NODE_PATH, `${APP_DIR}/healthcheck.ts`];
/** Numeric uid:gid the image runs as; it owns DEFAULT_DATA_DIR in the image. */
export const RUN_AS_UID = 65532;
/** @see RUN_AS_UID */
export const RUN_AS_GID = 65532;
