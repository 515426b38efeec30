import * as pulumi from "@pulumi/pulumi";
import { describeValue } from "./errors";
import { isImageDigest, isImageRef, parseImageRef } from "./registry/image-ref";
import type { Target } from "./types";
import type { ArgPath } from "./args";

/**
 * What a service may run: by default one immutable image, named by digest. The two
 * relaxations are named opt-outs in `security` (see docs/decisions/0004-container-hardening.md).
 */
export interface ImagePolicy {
  /** Accept `:latest`, or a reference with neither tag nor digest. */
  readonly allowLatestTag: boolean;
  /** Accept a reference without a digest. */
  readonly allowMutableImageTag: boolean;
}

/**
 * Why a reference breaks the policy, or undefined when it complies. A local image ID is
 * immutable and accepted on Docker; Kubernetes nodes can only pull by reference.
 */
export function imagePolicyProblem(reference: string, target: Target, policy: ImagePolicy): string | undefined {
  // A local image ID (`sha256:<64 hex>`, what `docker build` reports) has a digest's form.
  if (isImageDigest(reference)) {
    return target === "docker"
      ? undefined
      : `is a local image ID ${describeValue(reference)}, which only the Docker target can run; give a registry reference (repo@sha256:…)`;
  }
  const ref = parseImageRef(reference);
  if (!isImageRef(ref)) return `${ref.error}, got ${describeValue(reference)}`;
  const implicitLatest = ref.tag === undefined && ref.digest === undefined;
  if ((ref.tag === "latest" || implicitLatest) && !policy.allowLatestTag) {
    return (
      `${describeValue(reference)} ${implicitLatest ? `has no tag, which means "latest"` : `is tagged "latest"`}: it names whatever was pushed last, ` +
      `so two deployments of one config may run different code; pin a digest (repo@sha256:…) or set security.allowLatestTag: true`
    );
  }
  if (ref.digest === undefined && !policy.allowMutableImageTag) {
    return (
      `${describeValue(reference)} has no digest: a tag can be moved to other bytes after review; ` +
      `deploy repo[:tag]@sha256:<digest> (ServiceImage.ref gives one) or set security.allowMutableImageTag: true`
    );
  }
  return undefined;
}

/**
 * Applies the policy to the service's image: a plain string is checked now (reported with the
 * other arguments, before any child exists), an output when it resolves (the deployment fails
 * with the same error, naming the component and `image`).
 */
export function checkedImage(
  at: ArgPath,
  image: pulumi.Input<string>,
  target: Target,
  policy: ImagePolicy,
): pulumi.Input<string> | undefined {
  if (typeof image === "string") {
    const problem = imagePolicyProblem(image, target, policy);
    return problem === undefined ? image : at.report(problem);
  }
  return pulumi.output(image).apply((reference) => {
    if (typeof reference !== "string")
      throw at.error(`must resolve to an image reference, got ${describeValue(reference)}`);
    const problem = imagePolicyProblem(reference, target, policy);
    if (problem !== undefined) throw at.error(problem);
    return reference;
  });
}
