/**
 * The labels every Kubernetes object dockyard declares carries besides its own: what it belongs to
 * and what manages it (the recommended `app.kubernetes.io/*` labels), so `kubectl get -l
 * app.kubernetes.io/part-of=dockyard` finds them all.
 */
export const DOCKYARD_LABELS: Readonly<Record<string, string>> = Object.freeze({
  "app.kubernetes.io/part-of": "dockyard",
  "app.kubernetes.io/managed-by": "pulumi",
});
