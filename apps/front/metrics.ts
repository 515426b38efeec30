/**
 * Prometheus metrics of an HTTP service, with prom-client: every answer counted by method, route
 * (the path template, never the raw path: a scanner's random paths count as "other") and status,
 * the requests the server failed, a latency histogram, and prom-client's default process metrics
 * (CPU, memory, event loop lag, GC, open handles). They are served in Prometheus' text format by a
 * server of their own on METRICS_PORT, apart from the service's port, so a NetworkPolicy can admit
 * the monitoring namespace to them and nothing else.
 *
 * The same file in apps/web and apps/front (test/monitoring/app-metrics.test.ts holds them equal);
 * the names, labels and buckets are what components/monitoring's alerts query.
 */
import * as http from "node:http";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { LATENCY_BUCKETS_SECONDS, METRICS_PATH } from "#contract";

/** Counter of answers sent in full, by `method`, `route` and `status`. */
export const REQUESTS_METRIC = "http_requests_total";
/**
 * Counter of requests the server failed, by `method` and `route`: answered with a 5xx status, or
 * cut off after the answer had started. A client that leaves before any answer is not counted.
 */
export const ERRORS_METRIC = "http_request_errors_total";
/** Histogram of seconds from a request's arrival to its last byte answered, by `method` and `route`. */
export const DURATION_METRIC = "http_request_duration_seconds";
/** The `route` of a path that is none of the service's own. */
export const OTHER_ROUTE = "other";

/** Methods counted under their own name; anything else is counted as "OTHER". */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** What a server needs to measure its requests, and the registry the metrics server serves. */
export interface HttpMetrics {
  readonly registry: Registry;
  /** Measures one request from now until its answer is sent in full, or cut off; `route` is its template. */
  track(req: http.IncomingMessage, res: http.ServerResponse, route: string): void;
}

/**
 * The metrics of one server, in a registry of their own (a test may create several).
 * @param processMetrics prom-client's default process metrics too. @default true
 */
export function createHttpMetrics(processMetrics = true): HttpMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: REQUESTS_METRIC,
    help: "HTTP answers sent in full, by method, route template and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: ERRORS_METRIC,
    help: "HTTP requests the server failed: answered 5xx, or cut off after the answer started.",
    labelNames: ["method", "route"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: DURATION_METRIC,
    help: "Seconds from a request's arrival to the last byte of its answer, by method and route template.",
    labelNames: ["method", "route"] as const,
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  return {
    registry,
    track(req, res, route) {
      const method = req.method ?? "";
      const labels = { method: METHODS.has(method) ? method : "OTHER", route };
      const stop = duration.startTimer(labels);
      res.once("finish", () => {
        stop();
        requests.inc({ ...labels, status: String(res.statusCode) });
        if (res.statusCode >= 500) errors.inc(labels);
      });
      res.once("close", () => {
        if (!res.writableFinished && res.headersSent) errors.inc(labels);
      });
    },
  };
}

/** `path`'s route for the metrics: the path itself when it is one of `routes`, else {@link OTHER_ROUTE}. */
export function routeOf(url: string | undefined, routes: readonly string[]): string {
  const { pathname } = new URL(url ?? "/", "http://localhost");
  return routes.includes(pathname) ? pathname : OTHER_ROUTE;
}

/** The metrics server: `GET /metrics` in Prometheus' text format, nothing else. */
export function createMetricsServer(registry: Registry): http.Server {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(body);
    };
    if (new URL(req.url ?? "/", "http://localhost").pathname !== METRICS_PATH) return reply(404, "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD")
      return reply(405, "method not allowed\n", { allow: "GET, HEAD" });
    registry.metrics().then(
      (text) => reply(200, text, { "content-type": registry.contentType }),
      (error: unknown) => {
        console.error("metrics failed:", error);
        reply(500, "metrics failed\n");
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

/** Stops an HTTP server (the app's or its metrics'): no new connections, idle keep-alive ones closed, the rest after `graceMs`. */
export async function closeServer(server: http.Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
