/**
 * The monitoring of a namespace "shop" the tests render: front with both objectives (a
 * ServiceMonitor), web with none (a PodMonitor), web-data's Backup every 6 hours (its check and
 * drill weekly, the defaults), the web-data claim and front's Certificate.
 */
import type { MonitoringArgs } from "../../../components/monitoring/args";

export const NAMESPACE = "shop";
export const RUNBOOK = "docs/guides/operations.md";

export const SHOP: MonitoringArgs = {
  namespace: NAMESPACE,
  release: "kube-prometheus-stack",
  services: [
    {
      name: "front",
      metricsPort: 9464,
      objectives: { availability: 0.995, latency: { thresholdSeconds: 0.5, target: 0.99 } },
    },
    { name: "web", metricsPort: 9464, monitor: "PodMonitor" },
  ],
  backups: [{ name: "web-data-backup", schedule: "0 */6 * * *" }],
  volumes: ["web-data"],
  certificates: ["front"],
};
