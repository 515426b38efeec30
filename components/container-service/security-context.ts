import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedService } from "./spec";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/**
 * Pod-level security context: non-root numeric user and group, RuntimeDefault seccomp, and
 * `fsGroup` so mounted volumes are group-writable by the service's gid (Kubernetes' answer to
 * volume ownership; on Docker the image pre-creates its data directory instead).
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function podSecurityContext(spec: ResolvedService): PodSecurityContext {
  return {
    runAsNonRoot: spec.security.runAsNonRoot,
    runAsUser: spec.runAsUser,
    runAsGroup: spec.runAsGroup,
    fsGroup: spec.runAsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: spec.security.seccompProfile },
  };
}

/**
 * Container-level security context: everything "restricted" asks of a container (no privilege
 * escalation, ALL capabilities dropped, seccomp, non-root) plus a read-only root filesystem.
 */
export function containerSecurityContext(spec: ResolvedService): SecurityContext {
  const { security } = spec;
  return {
    runAsNonRoot: security.runAsNonRoot,
    runAsUser: spec.runAsUser,
    runAsGroup: spec.runAsGroup,
    privileged: false,
    allowPrivilegeEscalation: !security.noNewPrivileges,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    capabilities: {
      drop: [...security.dropCapabilities],
      ...(security.addCapabilities.length > 0 ? { add: [...security.addCapabilities] } : {}),
    },
    seccompProfile: { type: security.seccompProfile },
  };
}
