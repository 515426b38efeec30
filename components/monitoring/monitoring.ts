import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as networkingV1 from "@pulumi/kubernetes/networking/v1";
import type { MonitoringArgs } from "./args";
import { monitoringObjects } from "./objects";

/**
 * The monitoring of one namespace on Kubernetes, for a Prometheus run by the Prometheus Operator
 * (its CRDs installed, e.g. by kube-prometheus-stack, with kube-state-metrics, the kubelet's
 * metrics and cert-manager's scraped): a PrometheusRule `<name>` holding every alert, a
 * ServiceMonitor or PodMonitor per service, and a NetworkPolicy `<service>-metrics` per service
 * admitting Prometheus to its metrics port. Its args are plain data; `monitoringObjects` renders
 * the same objects offline, `prometheusRuleFile` the rules as a rule file.
 * See docs/guides/operations.md and docs/decisions/0023-metrics-and-alerts.md.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** The PrometheusRule holding every alert. */
  declare public readonly prometheusRule: CustomResource;
  /** The ServiceMonitors and PodMonitors, by service name. */
  declare public readonly monitors: Readonly<Record<string, CustomResource>>;
  /** The metrics NetworkPolicies, by service name. */
  declare public readonly networkPolicies: Readonly<Record<string, networkingV1.NetworkPolicy>>;

  /** Validates `args` before declaring anything: a ComponentArgError lists every problem. */
  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:monitoring:Monitoring", name, {}, opts);
    const objects = monitoringObjects(name, args);
    // A component's dependsOn does not reach its children: each waits for the same (the namespace).
    const parent = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    this.prometheusRule = new CustomResource(name, { ...objects.prometheusRule }, parent);
    this.monitors = Object.fromEntries(
      objects.monitors.map((m) => [
        m.metadata.name,
        new CustomResource(`${name}-${m.metadata.name}`, { ...m }, parent),
      ]),
    );
    this.networkPolicies = Object.fromEntries(
      objects.networkPolicies.map((policy) => {
        const service = policy.metadata.name.replace(/-metrics$/, "");
        return [
          service,
          new networkingV1.NetworkPolicy(
            `${name}-${service}-metrics`,
            { metadata: policy.metadata, spec: policy.spec },
            parent,
          ),
        ];
      }),
    );
    this.registerOutputs({ prometheusRule: this.prometheusRule.metadata.name });
  }
}
