import type * as pulumi from "@pulumi/pulumi";
import { GATEWAY_DEFAULTS } from "../defaults";
import { allDefined, type ArgPath, argsOf, knownKeys } from "../args";
import * as rules from "../rules";
import type { GatewayArgs } from "../gateway";
import { resolveDataPlane } from "../workload";

/** A Gateway's Args, validated, defaults applied. */
export interface GatewaySpec {
  /** The Gateway's object name (and its Pulumi name). */
  readonly name: string;
  readonly className: string;
  readonly namespace: pulumi.Input<string> | undefined;
  readonly listeners: readonly { readonly name: string; readonly host: string }[];
  /** The TLS Secret every listener serves, or undefined when cert-manager issues one per listener. */
  readonly tlsSecretName: pulumi.Input<string> | undefined;
  readonly issuer: { readonly name: string; readonly kind: "ClusterIssuer" | "Issuer" } | undefined;
  readonly dataPlane: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

/** Names a listener may not take: the plain-HTTP listener's. */
export const HTTP_LISTENER = "http";

/** The pods of Envoy Gateway's data plane for a Gateway, in its default (controller namespace) mode. */
export function envoyGatewayPodLabels(gateway: string, namespace: string): Record<string, string> {
  return {
    "gateway.envoyproxy.io/owning-gateway-name": gateway,
    "gateway.envoyproxy.io/owning-gateway-namespace": namespace,
  };
}

const KEYS = ["className", "namespace", "listeners", "tlsSecretName", "certificateIssuer", "dataPlane"] as const;

/** Validates a Gateway's Args: TLS always (a Secret or a cert-manager issuer), listeners unique by name and host. */
export function resolveGatewaySpec(name: string, args: GatewayArgs): GatewaySpec {
  const root = argsOf("Gateway", name);
  root.field("name").check(rules.dnsSubdomain, name);
  knownKeys(root, args, KEYS);
  const namespace = root.field("namespace").plain(rules.dnsLabel, args.namespace);
  const listeners = root.field("listeners").each(rules.list(), args.listeners, (at, raw) => {
    const given = knownKeys(at, raw, ["name", "host"]);
    return (
      given &&
      allDefined({
        name: at.field("name").check(rules.dnsLabel, given.name),
        host: at.field("host").check(rules.gatewayHost, given.host),
      })
    );
  });
  if (listeners !== undefined) uniqueListeners(root.field("listeners"), listeners);
  if (args.tlsSecretName !== undefined && args.certificateIssuer !== undefined)
    root.report("takes tlsSecretName or certificateIssuer, not both: one source of the certificates");
  else if (args.tlsSecretName === undefined && args.certificateIssuer === undefined)
    root.report(
      "needs tlsSecretName (a kubernetes.io/tls Secret) or certificateIssuer (cert-manager): every listener serves TLS",
    );
  void root.field("tlsSecretName").plain(rules.dnsSubdomain, args.tlsSecretName);
  const issuerAt = root.field("certificateIssuer");
  const issuerArgs =
    args.certificateIssuer === undefined ? undefined : knownKeys(issuerAt, args.certificateIssuer, ["name", "kind"]);
  const issuer =
    issuerArgs &&
    allDefined({
      name: issuerAt.field("name").check(rules.dnsSubdomain, issuerArgs.name),
      kind: issuerAt
        .field("kind")
        .optional(rules.oneOf(["ClusterIssuer", "Issuer"] as const), issuerArgs.kind, GATEWAY_DEFAULTS.issuerKind),
    });
  const checked = root.problems.done({
    className: root.field("className").optional(rules.dnsSubdomain, args.className, GATEWAY_DEFAULTS.className),
    listeners,
    dataPlane: dataPlaneOf(root.field("dataPlane"), args.dataPlane, name, namespace),
  });
  return { name, namespace, tlsSecretName: args.tlsSecretName, issuer, ...checked };
}

function uniqueListeners(at: ArgPath, listeners: { name: string; host: string }[]): void {
  listeners.forEach((listener, i) => {
    if (listener.name === HTTP_LISTENER)
      at.index(i)
        .field("name")
        .report(`must not be "${HTTP_LISTENER}": the plain-HTTP listener redirecting to HTTPS has it`);
    const earlier = listeners.slice(0, i);
    if (earlier.some((l) => l.name === listener.name))
      at.index(i).field("name").report(`must be unique: "${listener.name}" names another listener`);
    if (earlier.some((l) => l.host === listener.host))
      at.index(i).field("host").report(`must be unique: "${listener.host}" is another listener's host`);
  });
}

/** The data plane: given, or Envoy Gateway's (needs the namespace as a plain name for its labels). */
function dataPlaneOf(
  at: ArgPath,
  value: GatewayArgs["dataPlane"],
  name: string,
  namespace: pulumi.Input<string> | undefined,
): GatewaySpec["dataPlane"] | undefined {
  if (value === undefined) {
    if (typeof namespace !== "string")
      return at.report(
        "is required unless namespace is a plain name: Envoy Gateway's data plane labels name the Gateway's namespace",
      );
    return { namespace: GATEWAY_DEFAULTS.dataPlaneNamespace, podLabels: envoyGatewayPodLabels(name, namespace) };
  }
  return resolveDataPlane(at, value);
}
