import type * as Input from "@pulumi/kubernetes/types/input";
import { objectMetadata } from "./labels";
import type { ResolvedService } from "./spec";

/**
 * The Opaque Secret holding a service's secret variables (key = variable name), or undefined
 * when it has none. Pulumi names it; the caller wraps the values with `pulumi.secret`.
 */
export function secretManifest(spec: ResolvedService): Input.core.v1.Secret | undefined {
  const secrets = spec.env.filter((e) => e.secret);
  if (secrets.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMetadata(spec),
    type: "Opaque",
    stringData: Object.fromEntries(secrets.map((e) => [e.name, e.value])),
  };
}

/**
 * The Opaque Secret holding a service's config files (key = file name), or undefined when it
 * has none. Pulumi names it, so changed contents make a new Secret and roll the pods; the
 * caller wraps the values with `pulumi.secret`.
 */
export function filesSecretManifest(spec: ResolvedService): Input.core.v1.Secret | undefined {
  if (spec.files.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMetadata(spec),
    type: "Opaque",
    stringData: Object.fromEntries(spec.files.map((f) => [f.name, f.content])),
  };
}
