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
