import { describeValue } from "../errors";
import { AUTOSCALING_DEFAULTS, INGRESS_DEFAULTS, LIMITS } from "../defaults";
import { type ArgPath, booleanArg, integerArg, knownKeysArg, mapArg, oneOfArg } from "../args";
import * as rules from "../rules";
import type { Target } from "../types";
import type { AutoscalingArgs, EgressArgs, IngressArgs, PeerArgs } from "./args";
import { podLabelsOf } from "./labels";
import type { AccessSpec, AutoscalingSpec, EgressSpec, IngressSpec, PeerSpec, PortSpec } from "./spec";

/**
 * Resolves how a service is reached and what it may reach on Kubernetes: its NetworkPolicy peers,
 * its Ingress and its HorizontalPodAutoscaler. Pure; each function throws the ComponentArgError
 * of the first mistake in its argument.
 */

const PEER_KEYS = ["service", "namespace"] as const;
const EGRESS_KEYS = [...PEER_KEYS, "cidr", "except", "ports"] as const;

function peer(at: ArgPath, value: PeerArgs): PeerSpec {
  const service = value.service === undefined ? undefined : at.field("service").check(rules.serviceName, value.service);
  const namespace =
    value.namespace === undefined ? undefined : at.field("namespace").check(rules.dnsLabel, value.namespace);
  return { podLabels: service === undefined ? undefined : podLabelsOf(service), namespace };
}

/** `allowFrom`, `allowTo` and `allowDns`: no peer unless listed (the NetworkPolicy denies the rest). */
export function resolveAccess(root: ArgPath, from: unknown, to: unknown, dns: unknown): AccessSpec {
  const list = (at: ArgPath, value: unknown): unknown[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) at.fail(`must be a list, got ${describeValue(value)}`);
    return value;
  };
  const fromAt = root.field("allowFrom");
  const peers = list(fromAt, from).map((raw, i) => {
    const at = fromAt.index(i);
    const value = knownKeysArg(at, raw, PEER_KEYS) as PeerArgs;
    if (value.service === undefined && value.namespace === undefined)
      at.fail("must name a service, a namespace or both (an empty peer would admit every pod)");
    return peer(at, value);
  });
  const toAt = root.field("allowTo");
  const destinations = list(toAt, to).map((raw, i): EgressSpec => {
    const at = toAt.index(i);
    const value = knownKeysArg(at, raw, EGRESS_KEYS) as unknown as EgressArgs;
    const cidr = value.cidr === undefined ? undefined : at.field("cidr").check(rules.cidr, value.cidr);
    if (cidr !== undefined && (value.service !== undefined || value.namespace !== undefined))
      at.fail("must name either an IP block (cidr) or pods (service, namespace), not both");
    if (cidr === undefined && value.service === undefined && value.namespace === undefined)
      at.fail("must name a service, a namespace or a cidr (an empty destination would allow everything)");
    const exceptAt = at.field("except");
    const except = list(exceptAt, value.except).map((block, j) => exceptAt.index(j).check(rules.cidr, block));
    if (except.length > 0 && cidr === undefined) exceptAt.fail("applies only with cidr");
    const portsAt = at.field("ports");
    const ports = list(portsAt, value.ports);
    if (ports.length === 0) portsAt.fail("must list at least one port");
    return {
      ...peer(at, value),
      cidr,
      except,
      ports: ports.map((raw, j) => {
        const port = mapArg(portsAt.index(j), raw);
        return {
          port: portsAt.index(j).field("port").check(rules.port, port.port),
          protocol: oneOfArg(portsAt.index(j).field("protocol"), port.protocol, ["tcp", "udp"] as const, "tcp"),
        };
      }),
    };
  });
  return { from: peers, to: destinations, dns: booleanArg(root.field("allowDns"), dns, false) };
}

const INGRESS_KEYS = [
  "host",
  "className",
  "controllerNamespace",
  "tlsSecretName",
  "certificateIssuer",
  "maxBodyMiB",
  "timeoutSeconds",
  "streamRequests",
  "backendProtocol",
] as const;

/** `ingress`: Kubernetes only, TLS always (a Secret or a cert-manager issuer), to the first tcp port. */
export function resolveIngress(
  at: ArgPath,
  value: IngressArgs | undefined,
  target: Target,
  ports: PortSpec[],
  serviceName: string,
): IngressSpec | undefined {
  if (value === undefined || target === "docker") return undefined;
  const args = knownKeysArg(at, value, INGRESS_KEYS) as unknown as IngressArgs;
  const host = at.field("host").check(rules.ingressHost, args.host);
  const port = ports.find((p) => p.protocol === "tcp");
  if (port === undefined) at.fail("needs a tcp port to route to: the service declares none");
  if (args.tlsSecretName !== undefined && args.certificateIssuer !== undefined)
    at.fail("takes tlsSecretName or certificateIssuer, not both: one source of the certificate");
  if (args.tlsSecretName === undefined && args.certificateIssuer === undefined)
    at.fail(
      "needs tlsSecretName (a kubernetes.io/tls Secret) or certificateIssuer (cert-manager): TLS is always on off loopback",
    );
  if (typeof args.tlsSecretName === "string") at.field("tlsSecretName").check(rules.dnsSubdomain, args.tlsSecretName);
  let issuer: IngressSpec["issuer"];
  if (args.certificateIssuer !== undefined) {
    const issuerAt = at.field("certificateIssuer");
    const raw = knownKeysArg(issuerAt, args.certificateIssuer, ["name", "kind"]);
    issuer = {
      name: issuerAt.field("name").check(rules.dnsSubdomain, raw.name),
      kind: oneOfArg(
        issuerAt.field("kind"),
        raw.kind,
        ["ClusterIssuer", "Issuer"] as const,
        INGRESS_DEFAULTS.issuerKind,
      ),
    };
  }
  return {
    host,
    className: at.field("className").optional(rules.dnsSubdomain, args.className, INGRESS_DEFAULTS.className),
    controllerNamespace: at
      .field("controllerNamespace")
      .optional(rules.dnsLabel, args.controllerNamespace, INGRESS_DEFAULTS.controllerNamespace),
    tlsSecretName: args.tlsSecretName ?? certificateSecretName(serviceName),
    issuer,
    port,
    maxBodyMiB:
      args.maxBodyMiB === undefined ? undefined : integerArg(at.field("maxBodyMiB"), args.maxBodyMiB, 0, 1_048_576, 0),
    timeoutSeconds:
      args.timeoutSeconds === undefined
        ? undefined
        : integerArg(at.field("timeoutSeconds"), args.timeoutSeconds, 1, 86_400, 60),
    streamRequests: booleanArg(at.field("streamRequests"), args.streamRequests, false),
    backendProtocol: oneOfArg(at.field("backendProtocol"), args.backendProtocol, ["HTTP", "HTTPS"] as const, "HTTP"),
  };
}

/** The Secret cert-manager writes a service's certificate into. */
export function certificateSecretName(serviceName: string): string {
  return `${serviceName}-tls`;
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
  const args = knownKeysArg(at, value, ["minReplicas", "maxReplicas", "targetCpuUtilization"]) as AutoscalingArgs;
  if (replicasGiven)
    root
      .field("replicas")
      .fail(
        "must be left out with autoscaling on Kubernetes: the HorizontalPodAutoscaler owns the count (minReplicas)",
      );
  if (singleWriter !== undefined)
    at.fail(`cannot scale a single writer: volume "${singleWriter}" is mounted writable by one pod only`);
  const { replicas: bounds, targetCpuUtilization: utilization } = LIMITS.autoscaling;
  const minReplicas = integerArg(
    at.field("minReplicas"),
    args.minReplicas,
    bounds.min,
    bounds.max,
    AUTOSCALING_DEFAULTS.minReplicas,
  );
  const maxReplicas = integerArg(
    at.field("maxReplicas"),
    args.maxReplicas,
    bounds.min,
    bounds.max,
    AUTOSCALING_DEFAULTS.maxReplicas,
  );
  if (maxReplicas < minReplicas)
    at.field("maxReplicas").fail(`must be at least minReplicas (${minReplicas}), got ${maxReplicas}`);
  return {
    minReplicas,
    maxReplicas,
    targetCpuUtilization: integerArg(
      at.field("targetCpuUtilization"),
      args.targetCpuUtilization,
      utilization.min,
      utilization.max,
      AUTOSCALING_DEFAULTS.targetCpuUtilization,
    ),
  };
}
