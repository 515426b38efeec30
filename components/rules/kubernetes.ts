import { accept, refuse, rule, type Rule } from "./rule";

/**
 * The grammar Pod Security admission accepts for its `*-version` namespace labels, besides
 * `latest`: `v1.` and a minor without leading zeros (`^v1\.([0-9]|[1-9][0-9]*)$` in
 * k8s.io/pod-security-admission/api ParseVersion; anything else makes the Namespace invalid), here
 * with at most four digits.
 */
const MINOR_VERSION = /^v1\.(0|[1-9][0-9]{0,3})$/;

/**
 * The oldest minor a stack may target: Pod Security admission is stable from 1.25 (a cluster
 * before it may not enforce the labels at all).
 */
export const OLDEST_KUBERNETES_MINOR = 25;

/**
 * A Kubernetes minor version as the cluster's API server takes it in a Pod Security
 * `*-version` label: `v1.<minor>`, from v1.25. Not `latest`: a pinned version is the point (the
 * profile's checks then change only when the stack says so, not with each cluster upgrade).
 */
export const kubernetesVersion: Rule<string> = rule(
  `a Kubernetes minor version like "v1.37" (v1.${OLDEST_KUBERNETES_MINOR} or later; no patch, not "latest")`,
  (value) => {
    const expects = `a Kubernetes minor version "v1.<minor>" like "v1.37"`;
    if (value === "latest")
      return refuse(
        `must be ${expects}, not "latest": the Pod Security profile is pinned to the minor the stack targets, so a cluster upgrade does not change it`,
      );
    const match = typeof value === "string" ? MINOR_VERSION.exec(value) : null;
    if (match === null)
      return refuse(
        `must be ${expects} (the form Pod Security admission accepts: "v", major 1, a dot, the minor without leading zeros; no patch)`,
      );
    if (Number(match[1]) < OLDEST_KUBERNETES_MINOR)
      return refuse(
        `must be v1.${OLDEST_KUBERNETES_MINOR} or later: Pod Security admission is stable from Kubernetes 1.${OLDEST_KUBERNETES_MINOR}`,
      );
    return accept(value as string);
  },
);
