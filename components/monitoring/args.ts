/**
 * What the monitoring of one namespace takes: plain data only (strings, numbers, lists), so a
 * program can build it from its topology and stack config, and tests and synth can render it
 * offline. See docs/guides/operations.md and docs/decisions/0023-metrics-and-alerts.md.
 */

/** Every alert the generated PrometheusRule can hold; each has a runbook section in docs/guides/operations.md. */
export const ALERT_NAMES = [
  "ServiceDown",
  "MetricsTargetDown",
  "ServiceMetricsAbsent",
  "ErrorBudgetBurnFast",
  "ErrorBudgetBurnSlow",
  "LatencyBudgetBurnFast",
  "LatencyBudgetBurnSlow",
  "PodRestartingOften",
  "DeploymentUnavailable",
  "DeploymentReplicasUnavailable",
  "StatefulSetUnavailable",
  "StatefulSetReplicasNotReady",
  "HorizontalPodAutoscalerAtMax",
  "CronJobNoRecentSuccess",
  "CronJobFailed",
  "CronJobNotScheduled",
  "CertificateNotReady",
  "CertificateExpiringSoon",
  "CertificateExpiryImminent",
  "VolumeNearlyFull",
  "VolumeFillingUp",
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** How Prometheus finds a service's metrics: through its Service's port, or its pods' container port. */
export const MONITOR_KINDS = ["ServiceMonitor", "PodMonitor"] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];

/**
 * A service-level objective on a service's own HTTP metrics (apps/*\/metrics.ts: `http_requests_total`,
 * `http_request_errors_total`, `http_request_duration_seconds`), alerted on by multi-window
 * burn rates over a 30-day budget.
 */
export interface ObjectivesArgs {
  /**
   * Share of requests that must not fail (errors / answers), e.g. 0.995: at most 0.5 % errors.
   * @default none: no error-rate alerts
   */
  readonly availability?: number;
  /**
   * Share of requests answered within `thresholdSeconds`, e.g. `{ thresholdSeconds: 0.5, target: 0.99 }`.
   * The threshold must be a bucket bound of the service's latency histogram (apps' LATENCY_BUCKETS_SECONDS).
   * @default none: no latency alerts
   */
  readonly latency?: { readonly thresholdSeconds: number; readonly target: number };
  /**
   * Routes left out of the objectives: probes are not users.
   * @default ["/healthz", "/readyz"]
   */
  readonly ignoredRoutes?: readonly string[];
}

/** A service whose metrics Prometheus scrapes. */
export interface MonitoredServiceArgs {
  /** The ContainerService's name: its pods carry `app.kubernetes.io/instance: <name>`, its Service is `<name>`. */
  readonly name: string;
  /** The container port serving `/metrics` (the apps' DEFAULT_METRICS_PORT, 9464). */
  readonly metricsPort: number;
  /**
   * The name of that port on the Service and the container (a ServiceMonitor selects by it).
   * @default "metrics"
   */
  readonly metricsPortName?: string;
  /**
   * ServiceMonitor (the port is on the service's Service) or PodMonitor (on its pods only).
   * @default "ServiceMonitor"
   */
  readonly monitor?: MonitorKind;
  /** @default none: only the target alerts (ServiceDown, MetricsTargetDown, ServiceMetricsAbsent) */
  readonly objectives?: ObjectivesArgs;
}

/**
 * A Backup's CronJobs (`<name>`, `<name>-check`, `<name>-drill`), each alerted on when it has not
 * succeeded for two of its intervals and an hour, when its newest run failed, and when it is not
 * being scheduled.
 */
export interface MonitoredBackupArgs {
  /** The Backup's name (dockyard's stacks: `<volume>-backup`). */
  readonly name: string;
  /** The backup's cron schedule (UTC). @default BACKUP_DEFAULTS.schedule, "0 3 * * *" */
  readonly schedule?: string;
  /** The check's cron schedule. @default BACKUP_DEFAULTS.check.schedule, "30 4 * * 0" */
  readonly checkSchedule?: string;
  /** The drill's cron schedule. @default BACKUP_DEFAULTS.drill.schedule, "30 4 * * 3" */
  readonly drillSchedule?: string;
}

/** Arguments of {@link monitoringObjects} and the Monitoring component. */
export interface MonitoringArgs {
  /** The namespace watched: the services, CronJobs, claims and Certificates live here, and so do the monitoring objects. */
  readonly namespace: string;
  /**
   * The `release` label on every ServiceMonitor, PodMonitor and PrometheusRule: the value the
   * Prometheus Operator's selectors pick them by (kube-prometheus-stack: its Helm release name).
   */
  readonly release: string;
  /**
   * Where Prometheus runs: the metrics NetworkPolicies admit its pods from this namespace to the metrics ports, and nothing else.
   * @default "monitoring"
   */
  readonly monitoringNamespace?: string;
  /** Labels of the Prometheus pods in that namespace. @default { "app.kubernetes.io/name": "prometheus" } */
  readonly prometheusPodLabels?: Readonly<Record<string, string>>;
  /** Services to scrape, and their objectives. @default [] */
  readonly services?: readonly MonitoredServiceArgs[];
  /** Backups whose CronJobs to watch (kube-state-metrics). @default [] */
  readonly backups?: readonly MonitoredBackupArgs[];
  /** PersistentVolumeClaims to watch for space (kubelet volume stats). @default [] */
  readonly volumes?: readonly string[];
  /** cert-manager Certificates to watch for readiness and expiry. @default [] */
  readonly certificates?: readonly string[];
  /** How often Prometheus scrapes each service, a Prometheus duration. @default "30s" */
  readonly scrapeInterval?: string;
  /**
   * Where the runbooks are: each alert's `runbook_url` is this and `#<alert name, lower case>`.
   * @default "docs/guides/operations.md" (a repository path: give a URL readers can open)
   */
  readonly runbookUrl?: string;
  /**
   * The label cert-manager's metrics carry a Certificate's namespace in, as Prometheus stores
   * them: `exported_namespace` when its scrape does not honor labels (cert-manager's chart's
   * default), `namespace` when it does.
   * @default "exported_namespace"
   */
  readonly certManagerNamespaceLabel?: "namespace" | "exported_namespace";
  /**
   * How long an alert's condition must hold before it fires (a Prometheus duration; "0s" at
   * once), replacing the default of each alert named. For tests and drills.
   * @default {}
   */
  readonly alertFor?: Readonly<Partial<Record<AlertName, string>>>;
}
