/**
 * The labels every Kubernetes object dockyard declares carries besides its own: what it belongs to
 * and what manages it (the recommended `app.kubernetes.io/*` labels), so `kubectl get -l
 * app.kubernetes.io/part-of=dockyard` finds them all.
 */
export const DOCKYARD_LABELS: Readonly<Record<string, string>> = Object.freeze({
  "app.kubernetes.io/part-of": "dockyard",
  "app.kubernetes.io/managed-by": "pulumi",
});

/**
 * Annotation the Pulumi Kubernetes provider (≥ 4.18) awaits on a resource it has no await logic
 * for (custom resources): a `condition=<type>` or `jsonpath={…}=<value>` expression, as `kubectl wait --for`.
 */
export const PULUMI_WAIT_FOR = "pulumi.com/waitFor";

/**
 * How long `pulumi up` waits for the objects awaited through {@link PULUMI_WAIT_FOR}, instead of the
 * provider's default: a Certificate until Ready (an ACME order's DNS propagation or HTTP check
 * takes minutes, a private CA seconds), a Gateway until Programmed (a cloud load balancer's address
 * takes a few minutes), an HTTPRoute until Accepted (one reconcile of the implementation's
 * controller). Each bounds create and update alike.
 */
export const AWAITED_OBJECT_SECONDS = { certificate: 600, gateway: 600, route: 120 } as const;

/** The wait on creating and updating an object awaited for `seconds`. */
export function awaitedFor(seconds: number): { create: string; update: string } {
  return { create: `${seconds}s`, update: `${seconds}s` };
}
