/**
 * What monitored services promise (the metrics the apps expose with prom-client: apps/*\/metrics.ts
 * and contract.ts, held equal by test/monitoring/app-metrics.test.ts), and the defaults of
 * MonitoringArgs.
 */

/** HTTP path of a service's metrics (Prometheus' text format) on its metrics port. */
export const METRICS_PATH = "/metrics";

/** The names of a service's HTTP metrics, with the labels each carries. */
export const HTTP_METRICS = {
  /** Counter of answers sent in full: method, route (template), status. */
  requests: "http_requests_total",
  /** Counter of requests the server failed (5xx, or cut off after the answer started): method, route. */
  errors: "http_request_errors_total",
  /** Histogram of seconds to the answer's last byte: method, route. */
  duration: "http_request_duration_seconds",
} as const;

/** The latency histogram's bucket bounds, in seconds: a latency objective's threshold is one of them. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The defaults of MonitoringArgs. */
export const MONITORING_DEFAULTS = {
  monitoringNamespace: "monitoring",
  prometheusPodLabels: { "app.kubernetes.io/name": "prometheus" },
  metricsPortName: "metrics",
  monitor: "ServiceMonitor",
  ignoredRoutes: ["/healthz", "/readyz"],
  scrapeInterval: "30s",
  runbookUrl: "docs/guides/operations.md",
  certManagerNamespaceLabel: "exported_namespace",
} as const;
