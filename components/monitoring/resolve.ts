import { allDefined, type ArgPath, argsOf, knownKeys } from "../args";
import { BACKUP_DEFAULTS } from "../defaults";
import { describeValue } from "../errors";
import * as rules from "../rules";
import { labelValue } from "../workload";
import {
  ALERT_NAMES,
  type AlertName,
  MONITOR_KINDS,
  type MonitorKind,
  type MonitoredBackupArgs,
  type MonitoredServiceArgs,
  type MonitoringArgs,
  type ObjectivesArgs,
} from "./args";
import { LATENCY_BUCKETS_SECONDS, MONITORING_DEFAULTS } from "./defaults";
import { durationSeconds, prometheusDuration } from "./promql";

/** A service's objectives, resolved: absent ones are undefined. */
export interface ResolvedObjectives {
  readonly availability: number | undefined;
  readonly latency: { readonly thresholdSeconds: number; readonly target: number } | undefined;
  readonly ignoredRoutes: readonly string[];
}

/** A monitored service, resolved. */
export interface ResolvedMonitoredService {
  readonly name: string;
  readonly metricsPort: number;
  readonly metricsPortName: string;
  readonly monitor: MonitorKind;
  readonly objectives: ResolvedObjectives;
}

/** What a CronJob does for its Backup. */
export type CronJobPurpose = "backup" | "check" | "drill";

/** One of a Backup's CronJobs. */
export interface MonitoredCronJob {
  /** The CronJob's name: the Backup's, or with `-check` / `-drill`. */
  readonly name: string;
  readonly backup: string;
  readonly purpose: CronJobPurpose;
  /** Its cron schedule (UTC), normalised. */
  readonly schedule: string;
}

/** MonitoringArgs with defaults applied and validated. */
export interface ResolvedMonitoring {
  /** The component instance's name: the PrometheusRule's. */
  readonly name: string;
  readonly namespace: string;
  readonly release: string;
  readonly monitoringNamespace: string;
  readonly prometheusPodLabels: Readonly<Record<string, string>>;
  readonly services: readonly ResolvedMonitoredService[];
  readonly cronJobs: readonly MonitoredCronJob[];
  readonly volumes: readonly string[];
  readonly certificates: readonly string[];
  readonly scrapeInterval: string;
  readonly runbookUrl: string;
  readonly certManagerNamespaceLabel: "namespace" | "exported_namespace";
  readonly alertFor: Readonly<Partial<Record<AlertName, string>>>;
}

const ROUTE = /^\/[!-~]*$/;
/** A share strictly between 0 and 1: an objective of 0 or 1 cannot be alerted on. */
const SHARE = rules.rule("a share between 0 and 1 like 0.995", (value) =>
  typeof value === "number" && value > 0 && value < 1
    ? rules.accept(value)
    : rules.refuse("must be a share between 0 and 1 (exclusive) like 0.995"),
);
/** A CronJob's name leaves 11 characters of the Job names (`-<minutes>`) below 63. */
const BACKUP_NAME = rules.rule(`a DNS label of at most 46 characters (its CronJobs add "-check")`, (value) => {
  const verdict = rules.dnsLabel.check(value);
  return verdict.ok && verdict.value.length <= 46
    ? verdict
    : rules.refuse(`must be a DNS label of at most 46 characters (its CronJobs add "-check" and their Jobs 11 more)`);
});

/**
 * Validates the Monitoring args and applies defaults; every problem at once, as one
 * ComponentArgError (`Monitoring "<name>": services[0].metricsPort must be …`).
 */
export function resolveMonitoring(name: string, args: MonitoringArgs): ResolvedMonitoring {
  const root = argsOf("Monitoring", name);
  root.field("name").check(rules.dnsSubdomain, name);
  const values = {
    namespace: root.field("namespace").check(rules.dnsLabel, args.namespace),
    release:
      args.release === ""
        ? root.field("release").report(`must name the release the Prometheus Operator selects by, got ""`)
        : labelValue(root.field("release"), args.release),
    monitoringNamespace: root
      .field("monitoringNamespace")
      .optional(rules.dnsLabel, args.monitoringNamespace, MONITORING_DEFAULTS.monitoringNamespace),
    prometheusPodLabels: root
      .field("prometheusPodLabels")
      .optional(rules.podSelector, args.prometheusPodLabels, MONITORING_DEFAULTS.prometheusPodLabels),
    services: uniqueNames(
      root.field("services"),
      root.field("services").each(rules.list(), args.services ?? [], service),
    ),
    cronJobs: backups(root.field("backups"), args.backups),
    volumes: uniqueNames(
      root.field("volumes"),
      root.field("volumes").each(rules.list(), args.volumes ?? [], (at, v) => at.check(rules.dnsSubdomain, v)),
    ),
    certificates: uniqueNames(
      root.field("certificates"),
      root
        .field("certificates")
        .each(rules.list(), args.certificates ?? [], (at, c) => at.check(rules.dnsSubdomain, c)),
    ),
    scrapeInterval: root
      .field("scrapeInterval")
      .optional(prometheusDuration, args.scrapeInterval, MONITORING_DEFAULTS.scrapeInterval),
    runbookUrl: root
      .field("runbookUrl")
      .optional(rules.plainText("a URL or path", 2000), args.runbookUrl, MONITORING_DEFAULTS.runbookUrl),
    certManagerNamespaceLabel: root
      .field("certManagerNamespaceLabel")
      .optional(
        rules.oneOf(["namespace", "exported_namespace"] as const),
        args.certManagerNamespaceLabel,
        MONITORING_DEFAULTS.certManagerNamespaceLabel,
      ),
    alertFor: alertFor(root.field("alertFor"), args.alertFor),
  };
  if (values.scrapeInterval !== undefined && durationSeconds(values.scrapeInterval) === 0)
    root.field("scrapeInterval").report(`must be longer than 0s, got "${values.scrapeInterval}"`);
  return { name, ...root.problems.done(values) };
}

function service(at: ArgPath, raw: unknown): ResolvedMonitoredService | undefined {
  const s = knownKeys(at, raw, ["name", "metricsPort", "metricsPortName", "monitor", "objectives"]) as
    | Partial<MonitoredServiceArgs>
    | undefined;
  if (s === undefined) return undefined;
  return allDefined({
    name: at.field("name").check(rules.serviceName, s.name),
    metricsPort: at.field("metricsPort").check(rules.port, s.metricsPort),
    metricsPortName: at
      .field("metricsPortName")
      .optional(rules.portName, s.metricsPortName, MONITORING_DEFAULTS.metricsPortName),
    monitor: at.field("monitor").optional(rules.oneOf(MONITOR_KINDS), s.monitor, MONITORING_DEFAULTS.monitor),
    objectives: objectives(at.field("objectives"), s.objectives),
  });
}

function objectives(at: ArgPath, raw: unknown): ResolvedObjectives | undefined {
  const o = knownKeys(at, raw, ["availability", "latency", "ignoredRoutes"]) as Partial<ObjectivesArgs> | undefined;
  if (o === undefined) return undefined;
  const availability = o.availability === undefined ? undefined : at.field("availability").check(SHARE, o.availability);
  let latency: ResolvedObjectives["latency"] | undefined;
  if (o.latency !== undefined) {
    const l = knownKeys(at.field("latency"), o.latency, ["thresholdSeconds", "target"]);
    const threshold = l?.thresholdSeconds;
    const checked = allDefined({
      thresholdSeconds:
        typeof threshold === "number" && LATENCY_BUCKETS_SECONDS.includes(threshold)
          ? threshold
          : at
              .field("latency.thresholdSeconds")
              .report(
                `must be a bound of the latency histogram's buckets (${LATENCY_BUCKETS_SECONDS.join(", ")} seconds), got ${describeValue(threshold)}`,
              ),
      target: at.field("latency.target").check(SHARE, l?.target),
    });
    if (checked === undefined) return undefined;
    latency = checked;
  }
  const ignoredRoutes = at
    .field("ignoredRoutes")
    .each(rules.list(), o.ignoredRoutes ?? MONITORING_DEFAULTS.ignoredRoutes, (here, route) =>
      typeof route === "string" && ROUTE.test(route)
        ? route
        : here.report(`must be a route template starting with "/", got ${describeValue(route)}`),
    );
  if ((o.availability !== undefined && availability === undefined) || ignoredRoutes === undefined) return undefined;
  return { availability, latency, ignoredRoutes };
}

function backups(at: ArgPath, raw: unknown): MonitoredCronJob[] | undefined {
  const list = at.each(rules.list(), raw ?? [], (here, item): MonitoredCronJob[] | undefined => {
    const b = knownKeys(here, item, ["name", "schedule", "checkSchedule", "drillSchedule"]) as
      | Partial<MonitoredBackupArgs>
      | undefined;
    if (b === undefined) return undefined;
    const checked = allDefined({
      name: here.field("name").check(BACKUP_NAME, b.name),
      backup: here.field("schedule").optional(rules.cronSchedule, b.schedule, BACKUP_DEFAULTS.schedule),
      check: here.field("checkSchedule").optional(rules.cronSchedule, b.checkSchedule, BACKUP_DEFAULTS.check.schedule),
      drill: here.field("drillSchedule").optional(rules.cronSchedule, b.drillSchedule, BACKUP_DEFAULTS.drill.schedule),
    });
    if (checked === undefined) return undefined;
    // The Backup component's CronJob names (components/backup/service-args.ts containerName).
    return [
      { name: checked.name, backup: checked.name, purpose: "backup", schedule: checked.backup },
      { name: `${checked.name}-check`, backup: checked.name, purpose: "check", schedule: checked.check },
      { name: `${checked.name}-drill`, backup: checked.name, purpose: "drill", schedule: checked.drill },
    ];
  });
  if (list === undefined) return undefined;
  const names = uniqueNames(
    at,
    list.map((jobs) => jobs[0].backup),
  );
  return names === undefined ? undefined : list.flat();
}

function alertFor(at: ArgPath, raw: unknown): Partial<Record<AlertName, string>> | undefined {
  const map = knownKeys(at, raw, ALERT_NAMES);
  if (map === undefined) return undefined;
  const checked = Object.fromEntries(
    Object.entries(map).map(([alert, value]) => [alert, at.key(alert).check(prometheusDuration, value)]),
  );
  return allDefined(checked) as Partial<Record<AlertName, string>> | undefined;
}

/** The list when no name repeats, else undefined after reporting the repeat. */
function uniqueNames<T extends string | { readonly name: string }>(
  at: ArgPath,
  list: readonly T[] | undefined,
): T[] | undefined {
  if (list === undefined) return undefined;
  const names = list.map((item) => (typeof item === "string" ? item : item.name));
  const repeated = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (repeated >= 0)
    return at.index(repeated).report(`repeats "${names[repeated]}", already at [${names.indexOf(names[repeated])}]`);
  return [...list];
}
