import { DEFAULT_DATA_DIR, DEFAULT_MAX_RECORD_BYTES, DEFAULT_METRICS_PORT, DEFAULT_PORT } from "#contract";

/** Runtime settings of the web service, read from the environment. */
export interface WebConfig {
  readonly port: number;
  /** Port of the metrics server (Prometheus' text format at METRICS_PATH); never the service's port. */
  readonly metricsPort: number;
  readonly dataDir: string;
  readonly maxRecordBytes: number;
  /** Milliseconds to finish in-flight requests after SIGTERM before exiting anyway. */
  readonly shutdownGraceMs: number;
}

/** Reads PORT, METRICS_PORT, DATA_DIR, MAX_RECORD_BYTES and SHUTDOWN_GRACE_MS; throws naming the bad variable. */
export function readConfig(env: NodeJS.ProcessEnv): WebConfig {
  const dataDir = env.DATA_DIR ?? DEFAULT_DATA_DIR;
  if (!dataDir.startsWith("/")) throw new Error(`DATA_DIR must be an absolute path, got "${dataDir}"`);
  const port = integer(env, "PORT", DEFAULT_PORT, 1, 65535);
  const metricsPort = integer(env, "METRICS_PORT", DEFAULT_METRICS_PORT, 1, 65535);
  if (metricsPort === port) throw new Error(`METRICS_PORT must differ from PORT (${port}), got "${metricsPort}"`);
  return {
    port,
    metricsPort,
    dataDir,
    maxRecordBytes: integer(env, "MAX_RECORD_BYTES", DEFAULT_MAX_RECORD_BYTES, 1, 16 * 1024 * 1024),
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
