/**
 * The monitoring objects of a namespace: valid for the Prometheus Operator's CRD schemas and
 * Kubernetes', selecting what the services expose, admitting Prometheus alone to the metrics
 * ports, every alert labelled and annotated; the args checked as every component checks its own;
 * and the Monitoring component declaring exactly these objects.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ALERT_NAMES,
  ComponentArgError,
  Monitoring,
  type MonitoringArgs,
  standalonePrometheusConfig,
} from "../../components";
import { Backup } from "../../components/backup";
import { monitoringObjects, prometheusRuleFile, ruleGroups } from "../../components/monitoring/objects";
import { resolveMonitoring } from "../../components/monitoring/resolve";
import { type AlertingRule, isAlert } from "../../components/monitoring/rule-model";
import { minimalArgs, REST_REPOSITORY } from "../backup/support";
import { find, ofType, record } from "../support/pulumi-harness";
import { NAMESPACE, RUNBOOK, SHOP } from "./support/fixture";
import { validateMonitoringObject } from "./support/validate";
import { T } from "../support/types";

const objects = monitoringObjects("dockyard", SHOP);
const alerts = objects.prometheusRule.spec.groups.flatMap((g) => g.rules).filter(isAlert);

describe("monitoring objects", () => {
  it("are valid for the Prometheus Operator's schemas (PrometheusRule, ServiceMonitor, PodMonitor) and Kubernetes'", () => {
    const all = [objects.prometheusRule, ...objects.monitors, ...objects.networkPolicies];
    expect(all.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "PrometheusRule/dockyard",
      "ServiceMonitor/front",
      "PodMonitor/web",
      "NetworkPolicy/front-metrics",
      "NetworkPolicy/web-metrics",
    ]);
    for (const object of all) expect(() => validateMonitoringObject(object), object.kind).not.toThrow();
  });

  it.each<[string, MonitoringArgs]>([
    ["nothing but the workloads", { namespace: "bare", release: "r" }],
    [
      "PodMonitors only, objectives on latency, cert-manager labels honoured, shortened alerts, Prometheus elsewhere",
      {
        ...SHOP,
        services: [
          {
            name: "front",
            metricsPort: 9100,
            metricsPortName: "prom",
            monitor: "PodMonitor",
            objectives: { latency: { thresholdSeconds: 1, target: 0.95 }, ignoredRoutes: [] },
          },
        ],
        certManagerNamespaceLabel: "namespace",
        alertFor: { ServiceDown: "2s", VolumeFillingUp: "0s" },
        monitoringNamespace: "observability",
        prometheusPodLabels: { app: "prometheus-k8s", "prometheus.io/instance": "main" },
        scrapeInterval: "15s",
      },
    ],
  ])("are valid for those schemas too with %s", (_what, args) => {
    const other = monitoringObjects("other", args);
    for (const object of [other.prometheusRule, ...other.monitors, ...other.networkPolicies])
      expect(() => validateMonitoringObject(object), object.kind).not.toThrow();
  });

  it("are refused by those schemas when broken (the validation bites)", () => {
    const monitor = objects.monitors[0];
    expect(() => validateMonitoringObject({ ...monitor, spec: { ...monitor.spec, selector: "front" } })).toThrow();
    const rule = objects.prometheusRule;
    expect(() =>
      validateMonitoringObject({ ...rule, spec: { groups: [{ name: "g", rules: [{ alert: "A" }] }] } }),
    ).toThrow();
    expect(() => validateMonitoringObject({ ...rule, kind: "ScrapeConfigs" })).toThrow(/no .* schema/);
  });

  it("scrape each service's metrics port by name, at /metrics, in its namespace, its job named after it", () => {
    const [front, web] = objects.monitors;
    expect(front).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: {
        name: "front",
        namespace: NAMESPACE,
        labels: {
          "app.kubernetes.io/name": "front",
          "app.kubernetes.io/component": "monitoring",
          "app.kubernetes.io/part-of": "dockyard",
          "app.kubernetes.io/managed-by": "pulumi",
          release: "kube-prometheus-stack",
        },
      },
      spec: {
        jobLabel: "app.kubernetes.io/instance",
        selector: { matchLabels: { "app.kubernetes.io/name": "front", "app.kubernetes.io/instance": "front" } },
        namespaceSelector: { matchNames: [NAMESPACE] },
        endpoints: [{ port: "metrics", path: "/metrics", scheme: "http", interval: "30s" }],
      },
    });
    expect(web.kind).toBe("PodMonitor");
    expect(web.spec.podMetricsEndpoints).toEqual([
      { port: "metrics", path: "/metrics", scheme: "http", interval: "30s" },
    ]);
    expect(web.spec.endpoints).toBeUndefined();
  });

  it("the release label is the knob the operator's selectors use, on every monitoring object", () => {
    const other = monitoringObjects("dockyard", { ...SHOP, release: "prometheus" });
    for (const o of [other.prometheusRule, ...other.monitors]) expect(o.metadata.labels.release).toBe("prometheus");
  });

  it("admit Prometheus' pods, from the monitoring namespace only, to the metrics port only", () => {
    expect(objects.networkPolicies[0].spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "front", "app.kubernetes.io/instance": "front" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
            },
          ],
          ports: [{ port: 9464, protocol: "TCP" }],
        },
      ],
    });
    const moved = monitoringObjects("dockyard", {
      ...SHOP,
      monitoringNamespace: "observability",
      prometheusPodLabels: { app: "prometheus-k8s" },
    });
    expect(moved.networkPolicies[1].spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } },
            podSelector: { matchLabels: { app: "prometheus-k8s" } },
          },
        ],
        ports: [{ port: 9464, protocol: "TCP" }],
      },
    ]);
  });

  it("hold every alert, each with a severity, a summary and description naming its object, and its runbook section", () => {
    expect(new Set(alerts.map((a) => a.alert))).toEqual(new Set(ALERT_NAMES));
    for (const a of alerts) {
      expect(["critical", "warning"], a.alert).toContain(a.labels.severity);
      expect(a.annotations.runbook_url).toBe(`${RUNBOOK}#${a.alert.toLowerCase()}`);
      expect(a.annotations.description.length, a.alert).toBeGreaterThan(40);
      // The object: named in the text, or by the label template that names it.
      expect(a.annotations.summary, a.alert).toMatch(
        /front|web|web-data|\{\{ \$labels\.(deployment|statefulset|pod|horizontalpodautoscaler) \}\}/,
      );
    }
  });

  it("watch each Backup's three CronJobs, each threshold from its own schedule (two intervals and an hour)", () => {
    const stale = alerts.filter((a) => a.alert === "CronJobNoRecentSuccess");
    const thresholds = Object.fromEntries(stale.map((a) => [a.labels.cronjob, Number(/> (\d+)\n/.exec(a.expr)?.[1])]));
    expect(thresholds).toEqual({
      // every 6 hours: 2 × 6 h + 1 h
      "web-data-backup": 13 * 3600,
      // weekly (the defaults, Sundays and Wednesdays 04:30): 2 × 7 days + 1 h
      "web-data-backup-check": 337 * 3600,
      "web-data-backup-drill": 337 * 3600,
    });
    expect(stale.map((a) => a.labels.severity)).toEqual(["critical", "warning", "warning"]);
  });

  it("name the CronJobs as the Backup component does", async () => {
    const resources = await record(
      () => new Backup("web-data-backup", minimalArgs("kubernetes", { repository: REST_REPOSITORY })),
    );
    const cronJobs = ofType(resources, T.cronJob).map((r) => (r.inputs.metadata as { name: string }).name);
    expect(resolveMonitoring("m", SHOP).cronJobs.map((j) => j.name)).toEqual(cronJobs.sort());
  });

  it("leave out the groups of what is not watched; the workloads are always watched", () => {
    const bare = monitoringObjects("dockyard", { namespace: "shop", release: "r" });
    expect(bare.prometheusRule.spec.groups.map((g) => g.name)).toEqual(["shop.workloads"]);
    expect(bare.monitors).toEqual([]);
    const noObjectives = ruleGroups(
      resolveMonitoring("m", { ...SHOP, services: [{ name: "web", metricsPort: 9464 }] }),
    );
    expect(noObjectives.map((g) => g.name)).toEqual([
      "shop.web.targets",
      "shop.workloads",
      "shop.cronjobs",
      "shop.certificates",
      "shop.volumes",
    ]);
  });

  it("select the services' HTTP metrics without the probes, and the latency bucket under both Prometheus 2 and 3", () => {
    const text = prometheusRuleFile("dockyard", SHOP);
    expect(text).toContain(
      'rate(http_request_errors_total{namespace="shop", job="front", route!~"/healthz|/readyz"}[5m])',
    );
    expect(text).toContain('le="0.5"}[1h]');
    const whole = prometheusRuleFile("dockyard", {
      ...SHOP,
      services: [{ name: "front", metricsPort: 9464, objectives: { latency: { thresholdSeconds: 1, target: 0.99 } } }],
    });
    expect(whole).toContain('le=~"1(\\\\.0)?"');
    const file = parse(text) as { groups: { name: string }[] };
    expect(file.groups.map((g) => g.name)).toEqual(objects.prometheusRule.spec.groups.map((g) => g.name));
  });

  it("shorten an alert's for: when asked (tests, drills), and its description says so", () => {
    const quick = monitoringObjects("dockyard", { ...SHOP, alertFor: { ServiceDown: "2s", CronJobFailed: "1m" } });
    const byName = (name: string) =>
      quick.prometheusRule.spec.groups
        .flatMap((g) => g.rules)
        .filter(isAlert)
        .filter((a): a is AlertingRule => a.alert === name);
    expect(byName("ServiceDown").map((a) => a.for)).toEqual(["2s", "2s"]);
    expect(byName("ServiceDown")[0].annotations.description).toContain("for 2 seconds");
    expect(byName("CronJobFailed").map((a) => a.for)).toEqual(["1m", "1m", "1m"]);
    expect(alerts.find((a) => a.alert === "ServiceDown")?.for).toBe("2m");
    expect(alerts.find((a) => a.alert === "CronJobFailed")?.for).toBeUndefined();
  });
});

describe("a Prometheus without the operator", () => {
  it("scrapes each service's published port as the operator would label it, with the rule files and Alertmanager", () => {
    const config = parse(
      standalonePrometheusConfig({
        namespace: "dev",
        targets: [
          { service: "web", address: "127.0.0.1:9464" },
          { service: "front", address: "127.0.0.1:9465" },
        ],
        ruleFiles: ["rules.yaml"],
        alertmanagers: ["127.0.0.1:9093"],
        scrapeInterval: "1s",
      }),
    ) as Record<string, unknown>;
    expect(config).toEqual({
      global: { scrape_interval: "1s", evaluation_interval: "15s" },
      rule_files: ["rules.yaml"],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:9093"] }] }] },
      scrape_configs: [
        {
          job_name: "web",
          metrics_path: "/metrics",
          scrape_timeout: "1s",
          static_configs: [{ targets: ["127.0.0.1:9464"], labels: { namespace: "dev" } }],
        },
        {
          job_name: "front",
          metrics_path: "/metrics",
          scrape_timeout: "1s",
          static_configs: [{ targets: ["127.0.0.1:9465"], labels: { namespace: "dev" } }],
        },
      ],
    });
  });
});

describe("monitoring args", () => {
  it("report every problem at once, naming the argument", () => {
    const bad = {
      namespace: "Shop",
      release: "",
      services: [
        {
          name: "front",
          metricsPort: 0,
          objectives: { availability: 1, latency: { thresholdSeconds: 0.3, target: 0.99 } },
        },
        { name: "front", metricsPort: 9464, metricsPortName: "Metrics", monitor: "Probe" },
      ],
      backups: [{ name: "web-data-backup", schedule: "0 3 * * 7" }],
      alertFor: { ServiceDwn: "1m" },
      scrapeInterval: "30 s",
    } as unknown as MonitoringArgs;
    let error: unknown;
    try {
      monitoringObjects("m", bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComponentArgError);
    const message = (error as Error).message;
    for (const part of [
      'Monitoring "m": namespace must be a DNS label',
      'release must name the release the Prometheus Operator selects by, got ""',
      "services[0].metricsPort must be a port from 1 to 65535, got 0",
      "services[0].objectives.availability must be a share between 0 and 1 (exclusive) like 0.995, got 1",
      "services[0].objectives.latency.thresholdSeconds must be a bound of the latency histogram's buckets (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 seconds), got 0.3",
      'services[1].metricsPortName must be an IANA service name (lower-case letters, digits and "-", at most 15 characters, at least one letter), got "Metrics"',
      'services[1].monitor must be "ServiceMonitor" or "PodMonitor", got "Probe"',
      "backups[0].schedule has an invalid day of week field",
      "alertFor.ServiceDwn is not a known key",
      'scrapeInterval must be a Prometheus duration like "30s", "5m" or "1h30m", got "30 s"',
    ])
      expect(message).toContain(part);
  });

  it("refuse a service or a Backup watched twice, and an empty selector for Prometheus' pods", () => {
    expect(() =>
      monitoringObjects("m", {
        ...SHOP,
        services: [
          { name: "web", metricsPort: 9464 },
          { name: "web", metricsPort: 9465 },
        ],
      }),
    ).toThrow('services[1] repeats "web", already at [0]');
    expect(() => monitoringObjects("m", { ...SHOP, backups: [{ name: "b" }, { name: "b" }] })).toThrow(
      'backups[1] repeats "b"',
    );
    expect(() => monitoringObjects("m", { ...SHOP, prometheusPodLabels: {} })).toThrow(
      "prometheusPodLabels must name at least one label",
    );
  });

  it("default a Backup's schedules to the Backup component's defaults", () => {
    const { cronJobs } = resolveMonitoring("m", { namespace: "shop", release: "r", backups: [{ name: "b" }] });
    expect(cronJobs).toEqual([
      { name: "b", backup: "b", purpose: "backup", schedule: "0 3 * * *" },
      { name: "b-check", backup: "b", purpose: "check", schedule: "30 4 * * 0" },
      { name: "b-drill", backup: "b", purpose: "drill", schedule: "30 4 * * 3" },
    ]);
  });
});

describe("the Monitoring component", () => {
  it("declares the PrometheusRule, the monitors and the metrics NetworkPolicies, as its children", async () => {
    const resources = await record(() => new Monitoring("dockyard", SHOP));
    const component = find(resources, "dockyard:monitoring:Monitoring", "dockyard");
    const rule = find(resources, T.prometheusRule, "dockyard");
    const serviceMonitor = find(resources, T.serviceMonitor, "dockyard-front");
    const podMonitor = find(resources, "kubernetes:monitoring.coreos.com/v1:PodMonitor", "dockyard-web");
    const policies = ofType(resources, T.networkPolicy);
    expect(policies.map((p) => p.name)).toEqual(["dockyard-front-metrics", "dockyard-web-metrics"]);
    for (const child of [rule, serviceMonitor, podMonitor, ...policies]) expect(child.parent).toBe(component.urn);
    expect(rule.inputs.spec).toEqual(JSON.parse(JSON.stringify(objects.prometheusRule.spec)));
    expect(serviceMonitor.inputs.metadata).toEqual(objects.monitors[0].metadata);
    expect(policies[1].inputs.spec).toEqual(objects.networkPolicies[1].spec);
  });

  it("declares nothing when its args are wrong", async () => {
    await expect(record(() => new Monitoring("dockyard", { ...SHOP, namespace: "" }))).rejects.toThrow(
      'Monitoring "dockyard": namespace must be a DNS label',
    );
  });
});
