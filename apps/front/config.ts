import {
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_METRICS_PORT,
  DEFAULT_PORT,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  DEFAULT_WEB_URL,
} from "#contract";

/** Runtime settings of the front, read from the environment. */
export interface FrontConfig {
  readonly port: number;
  /** Port of the metrics server (Prometheus' text format at METRICS_PATH); never the service's port. */
  readonly metricsPort: number;
  /** Base URL of the web service (scheme, host, port; no path). */
  readonly webUrl: URL;
  readonly maxRecordBytes: number;
  readonly upstreamTimeoutMs: number;
  /** Milliseconds readiness answers 503 after SIGTERM while still serving, before closing. */
  readonly shutdownDrainMs: number;
  /** Milliseconds to finish in-flight requests after that before exiting anyway. */
  readonly shutdownGraceMs: number;
}

/**
 * Reads PORT, METRICS_PORT, WEB_URL, MAX_RECORD_BYTES, UPSTREAM_TIMEOUT_MS, SHUTDOWN_DRAIN_MS
 * and SHUTDOWN_GRACE_MS; throws naming the bad variable.
 */
export function readConfig(env: NodeJS.ProcessEnv): FrontConfig {
  const raw = env.WEB_URL ?? DEFAULT_WEB_URL;
  let webUrl: URL;
  try {
    webUrl = new URL(raw);
  } catch {
    throw new Error(`WEB_URL must be an http:// or https:// URL, got "${raw}"`);
  }
  if (!["http:", "https:"].includes(webUrl.protocol) || webUrl.username !== "" || webUrl.pathname !== "/")
    throw new Error(`WEB_URL must be an http:// or https:// URL without credentials or path, got "${raw}"`);
  const port = integer(env, "PORT", DEFAULT_PORT, 1, 65535);
  const metricsPort = integer(env, "METRICS_PORT", DEFAULT_METRICS_PORT, 1, 65535);
  if (metricsPort === port) throw new Error(`METRICS_PORT must differ from PORT (${port}), got "${metricsPort}"`);
  return {
    port,
    metricsPort,
    webUrl,
    maxRecordBytes: integer(env, "MAX_RECORD_BYTES", DEFAULT_MAX_RECORD_BYTES, 1, 16 * 1024 * 1024),
    upstreamTimeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", DEFAULT_UPSTREAM_TIMEOUT_MS, 100, 60_000),
    shutdownDrainMs: integer(env, "SHUTDOWN_DRAIN_MS", 5_000, 0, 60_000),
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}
