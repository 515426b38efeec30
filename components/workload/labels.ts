import type * as Input from "@pulumi/kubernetes/types/input";
import type { ResolvedService } from "./spec";
import { allDefined, type ArgPath } from "../args";
import * as rules from "../rules";

/**
 * Labels: the Kubernetes recommended `app.kubernetes.io/*` set, used on both targets, plus the
 * caller's own labels.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */

/** Keys dockyard owns: a caller's label may not replace them (selectors depend on them). */
export const RESERVED_LABELS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/managed-by",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/component",
] as const;

/** A valid label value ({@link rules.labelValue}), or undefined after reporting. */
export function labelValue(at: ArgPath, value: unknown): string | undefined {
  return at.check(rules.labelValue, value);
}

/** A caller's labels ({} when undefined): Kubernetes syntax, none of the {@link RESERVED_LABELS}. */
export function userLabels(at: ArgPath, value: unknown): Record<string, string> | undefined {
  const map = at.optional(rules.map, value, {});
  if (map === undefined) return undefined;
  const labels: Record<string, string | undefined> = {};
  for (const [key, v] of Object.entries(map)) {
    const keyVerdict = rules.labelKey.check(key);
    if (!keyVerdict.ok) labels[key] = at.key(key).report(keyVerdict.problem);
    else if ((RESERVED_LABELS as readonly string[]).includes(key))
      labels[key] = at.key(key).report("is set by dockyard and cannot be overridden");
    else labels[key] = labelValue(at.key(key), v);
  }
  return allDefined(labels);
}

/** Labels that select a service's pods; never change them for a running service. */
export function selectorLabels(spec: ResolvedService): Record<string, string> {
  return podLabelsOf(spec.name);
}

/** The selector labels of the service named `service` (to name its pods in another service's NetworkPolicy). */
export function podLabelsOf(service: string): Record<string, string> {
  return { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": service };
}

/** Everything a service's objects and containers are labelled with. */
export function serviceLabels(spec: ResolvedService): Record<string, string> {
  return {
    ...spec.labels,
    ...selectorLabels(spec),
    ...(spec.component === undefined ? {} : { "app.kubernetes.io/component": spec.component }),
    "app.kubernetes.io/part-of": spec.partOf,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Kubernetes metadata of a service's object: its name when given, its namespace when set, its labels. */
export function objectMetadata(spec: ResolvedService, name?: string): Input.meta.v1.ObjectMeta {
  return {
    ...(name === undefined ? {} : { name }),
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    labels: serviceLabels(spec),
  };
}
