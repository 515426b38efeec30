/**
 * A Prometheus configuration for a Prometheus run without the operator, e.g. beside the dev
 * stack on Docker (docs/guides/operations.md): static targets at the services' published metrics
 * ports, each labelled as the operator would label it (`job` = the service, `namespace`), so the
 * same rule file ({@link prometheusRuleFile}) applies unchanged.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/
 */
import { stringify } from "yaml";
import { METRICS_PATH } from "./defaults";

/** Arguments of {@link standalonePrometheusConfig}. */
export interface StandalonePrometheusArgs {
  /** The `namespace` label the targets get: the MonitoringArgs' namespace the rules select. */
  readonly namespace: string;
  /** Each service and the `host:port` its metrics are published at (Docker: 127.0.0.1 and the host port). */
  readonly targets: readonly { readonly service: string; readonly address: string }[];
  /** Rule files to load (absolute, or relative to the configuration file). */
  readonly ruleFiles: readonly string[];
  /** Alertmanagers to send alerts to, as `host:port`. @default [] */
  readonly alertmanagers?: readonly string[];
  /** @default "15s" */
  readonly scrapeInterval?: string;
  /** @default "15s" */
  readonly evaluationInterval?: string;
}

/** The configuration file's text. */
export function standalonePrometheusConfig(args: StandalonePrometheusArgs): string {
  const interval = args.scrapeInterval ?? "15s";
  return stringify(
    {
      global: { scrape_interval: interval, evaluation_interval: args.evaluationInterval ?? "15s" },
      rule_files: [...args.ruleFiles],
      ...(args.alertmanagers === undefined || args.alertmanagers.length === 0
        ? {}
        : { alerting: { alertmanagers: [{ static_configs: [{ targets: [...args.alertmanagers] }] }] } }),
      scrape_configs: args.targets.map((t) => ({
        job_name: t.service,
        metrics_path: METRICS_PATH,
        scrape_timeout: interval,
        static_configs: [{ targets: [t.address], labels: { namespace: args.namespace } }],
      })),
    },
    { lineWidth: 0 },
  );
}
