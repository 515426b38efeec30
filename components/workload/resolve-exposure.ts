import { AUTOSCALING_DEFAULTS, LIMITS } from "../defaults";
import { allDefined, type ArgPath, knownKeys } from "../args";
import * as rules from "../rules";
import type { Target } from "../types";
import type {
  AutoscalingArgs,
  EgressArgs,
  GatewayDataPlaneArgs,
  GatewayListenerRef,
  PeerArgs,
  RouteArgs,
} from "./args";
import { podLabelsOf } from "./labels";
import type { AccessSpec, AutoscalingSpec, EgressSpec, PeerSpec, PortSpec, RouteSpec } from "./spec";

/**
 * Resolves how a service is reached and what it may reach on Kubernetes: its NetworkPolicy peers,
 * its HTTPRoute and its HorizontalPodAutoscaler. Pure; each function reports the mistakes in its
 * argument and gives undefined when a required part failed.
 */

const PEER_KEYS = ["service", "namespace"] as const;
const EGRESS_KEYS = [...PEER_KEYS, "cidr", "except", "ports"] as const;
const LIST = rules.list();

function peer(at: ArgPath, value: PeerArgs): PeerSpec {
  const service = value.service === undefined ? undefined : at.field("service").check(rules.serviceName, value.service);
  const namespace =
    value.namespace === undefined ? undefined : at.field("namespace").check(rules.dnsLabel, value.namespace);
  return { podLabels: service === undefined ? undefined : podLabelsOf(service), namespace };
}

/** `allowFrom`, `allowTo` and `allowDns`: no peer unless listed (the NetworkPolicy denies the rest). */
export function resolveAccess(root: ArgPath, from: unknown, to: unknown, dns: unknown): AccessSpec | undefined {
  return allDefined({
    from: root.field("allowFrom").each(LIST, from ?? [], (at, raw) => {
      const value = knownKeys(at, raw, PEER_KEYS) as PeerArgs | undefined;
      if (value !== undefined && value.service === undefined && value.namespace === undefined)
        return at.report("must name a service, a namespace or both (an empty peer would admit every pod)");
      return value && peer(at, value);
    }),
    to: root.field("allowTo").each(LIST, to ?? [], egress),
    dns: root.field("allowDns").optional(rules.boolean, dns, false),
  });
}

function egress(at: ArgPath, raw: unknown): EgressSpec | undefined {
  const value = knownKeys(at, raw, EGRESS_KEYS) as EgressArgs | undefined;
  if (value === undefined) return undefined;
  const cidr = value.cidr === undefined ? undefined : at.field("cidr").check(rules.cidr, value.cidr);
  if (cidr !== undefined && (value.service !== undefined || value.namespace !== undefined))
    return at.report("must name either an IP block (cidr) or pods (service, namespace), not both");
  if (value.cidr === undefined && value.service === undefined && value.namespace === undefined)
    return at.report("must name a service, a namespace or a cidr (an empty destination would allow everything)");
  const exceptAt = at.field("except");
  const except = exceptAt.each(LIST, value.except ?? [], (here, block) => here.check(rules.cidr, block));
  if (except !== undefined && except.length > 0 && value.cidr === undefined)
    return exceptAt.report("applies only with cidr");
  const portsAt = at.field("ports");
  const ports = portsAt.each(LIST, value.ports ?? [], (here, port) => {
    const given = here.optional(rules.map, port, {});
    return (
      given &&
      allDefined({
        port: here.field("port").check(rules.port, given.port),
        protocol: here.field("protocol").optional(rules.oneOf(["tcp", "udp"] as const), given.protocol, "tcp"),
      })
    );
  });
  if (ports?.length === 0) return portsAt.report("must list at least one port");
  const spec = allDefined({ except, ports });
  return spec && { ...peer(at, value), cidr, ...spec };
}

const ROUTE_KEYS = ["listener", "timeoutSeconds", "backendCaCertificate"] as const;
const LISTENER_KEYS = ["gateway", "namespace", "listener", "host", "dataPlane"] as const;

/** `route`: Kubernetes only, from one HTTPS listener of a Gateway to the first tcp port. */
export function resolveRoute(
  at: ArgPath,
  value: RouteArgs | undefined,
  target: Target,
  ports: PortSpec[],
): RouteSpec | undefined {
  if (value === undefined || target === "docker") return undefined;
  const args = knownKeys(at, value, ROUTE_KEYS) as RouteArgs | undefined;
  if (args === undefined) return undefined;
  const port = ports.find((p) => p.protocol === "tcp");
  if (port === undefined) return at.report("needs a tcp port to route to: the service declares none");
  const listenerAt = at.field("listener");
  const ref = knownKeys(listenerAt, args.listener, LISTENER_KEYS) as GatewayListenerRef | undefined;
  if (ref === undefined) return undefined;
  if (ref.gateway === undefined) listenerAt.field("gateway").report("is required: the Gateway's name");
  else if (typeof ref.gateway === "string") listenerAt.field("gateway").check(rules.dnsSubdomain, ref.gateway);
  if (typeof ref.namespace === "string") listenerAt.field("namespace").check(rules.dnsLabel, ref.namespace);
  const spec = allDefined({
    listener: listenerAt.field("listener").check(rules.dnsLabel, ref.listener),
    host: listenerAt.field("host").check(rules.gatewayHost, ref.host),
    dataPlane: resolveDataPlane(listenerAt.field("dataPlane"), ref.dataPlane),
  });
  const timeoutSeconds = at
    .field("timeoutSeconds")
    .optional(rules.integerIn(1, 86_400), args.timeoutSeconds, undefined);
  return (
    (spec &&
      ref.gateway !== undefined && {
        ...spec,
        gateway: ref.gateway,
        gatewayNamespace: ref.namespace,
        port,
        timeoutSeconds,
        backendCaCertificate: args.backendCaCertificate,
      }) ||
    undefined
  );
}

/** A Gateway's data plane: its namespace and the labels selecting its pods (a namespace alone would admit all of it). */
export function resolveDataPlane(at: ArgPath, value: unknown): RouteSpec["dataPlane"] | undefined {
  const given = knownKeys(at, value, ["namespace", "podLabels"]) as GatewayDataPlaneArgs | undefined;
  return (
    given &&
    allDefined({
      namespace: at.field("namespace").check(rules.dnsLabel, given.namespace),
      podLabels: at.field("podLabels").check(rules.podSelector, given.podLabels),
    })
  );
}

/**
 * `autoscaling`: Kubernetes only (Docker runs `replicas` containers). The autoscaler owns the
 * count, so `replicas` must be left out, and a single writer of its data cannot scale.
 */
export function resolveAutoscaling(
  root: ArgPath,
  value: AutoscalingArgs | undefined,
  target: Target,
  replicasGiven: boolean,
  singleWriter: string | undefined,
): AutoscalingSpec | undefined {
  if (value === undefined || target === "docker") return undefined;
  const at = root.field("autoscaling");
  const args = knownKeys(at, value, ["minReplicas", "maxReplicas", "targetCpuUtilization"]) as AutoscalingArgs;
  if (args === undefined) return undefined;
  if (replicasGiven)
    return root
      .field("replicas")
      .report(
        "must be left out with autoscaling on Kubernetes: the HorizontalPodAutoscaler owns the count (minReplicas)",
      );
  if (singleWriter !== undefined)
    return at.report(`cannot scale a single writer: volume "${singleWriter}" is mounted writable by one pod only`);
  const { replicas, targetCpuUtilization: utilization } = LIMITS.autoscaling;
  const count = rules.integerIn(replicas.min, replicas.max);
  const spec = allDefined({
    minReplicas: at.field("minReplicas").optional(count, args.minReplicas, AUTOSCALING_DEFAULTS.minReplicas),
    maxReplicas: at.field("maxReplicas").optional(count, args.maxReplicas, AUTOSCALING_DEFAULTS.maxReplicas),
    targetCpuUtilization: at
      .field("targetCpuUtilization")
      .optional(
        rules.integerIn(utilization.min, utilization.max),
        args.targetCpuUtilization,
        AUTOSCALING_DEFAULTS.targetCpuUtilization,
      ),
  });
  if (spec !== undefined && spec.maxReplicas < spec.minReplicas)
    return at
      .field("maxReplicas")
      .report(`must be at least minReplicas (${spec.minReplicas}), got ${spec.maxReplicas}`);
  return spec;
}
