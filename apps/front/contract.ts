/**
 * What the front image promises to whoever runs it: the port, the liveness and readiness
 * endpoints and the command that checks health, the metrics port and path, where it finds the
 * web service, and its user. The app reads its defaults from here, and deployers (tests, the
 * platform) use the same values.
 *
 * Node runs these sources directly (type stripping): erasable TypeScript only.
 */

/** Port the server listens on unless PORT says otherwise (unprivileged). */
export const DEFAULT_PORT = 8080;
/** Base URL of the web service's API unless WEB_URL says otherwise: its name on the service network. */
export const DEFAULT_WEB_URL = "http://web:8080";
/** Largest record body passed on to web, in bytes, unless MAX_RECORD_BYTES says otherwise (web's own limit). */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
/** Milliseconds a call to web may take before the front answers 504, unless UPSTREAM_TIMEOUT_MS says otherwise. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5_000;
/** HTTP path answering 200 while the process serves (liveness: tolerant). */
export const HEALTH_PATH = "/healthz";
/** HTTP path answering 200 while the process takes new traffic, 503 once it is stopping (readiness: strict). */
export const READY_PATH = "/readyz";
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
/** Numeric uid:gid the image runs as. */
export const RUN_AS_UID = 65532;
/** @see RUN_AS_UID */
export const RUN_AS_GID = 65532;
