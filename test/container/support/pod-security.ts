/**
 * An independent check of the Pod Security Standards "restricted" profile (plus dockyard's
 * read-only root filesystem rule), written from the standard, not from the translators:
 * returns every violation found in a pod spec.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";

const ALLOWED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
const ALLOWED_SECCOMP = ["RuntimeDefault", "Localhost"];

/** Violations of "restricted" and of read-only root filesystems; empty when the pod complies. */
export function restrictedViolations(pod: IPodSpec): string[] {
  const found: string[] = [];
  const psc = pod.securityContext ?? {};
  if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) found.push("host namespaces");
  if (pod.automountServiceAccountToken !== false) found.push("service account token mounted");
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((k) => k !== "name");
    if (types.some((t) => !ALLOWED_VOLUME_TYPES.includes(t)))
      found.push(`volume ${volume.name} of type ${types.join(",")}`);
  }
  if (psc.runAsUser === 0) found.push("pod runAsUser 0");
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged === true) found.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) found.push(`${where}: allowPrivilegeEscalation not false`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) found.push(`${where}: capabilities not dropping ALL`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length > 0) found.push(`${where}: adds ${added.join(",")}`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) found.push(`${where}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) found.push(`${where}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp === undefined || !ALLOWED_SECCOMP.includes(seccomp))
      found.push(`${where}: seccomp ${seccomp ?? "unset"}`);
    if ((c.ports ?? []).some((p) => p.hostPort !== undefined && p.hostPort !== 0)) found.push(`${where}: hostPort`);
    if (sc.readOnlyRootFilesystem !== true) found.push(`${where}: writable root filesystem`);
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    const tmpVolume = (pod.volumes ?? []).find((v) => v.name === tmp?.name);
    if (tmpVolume?.emptyDir === undefined) found.push(`${where}: no emptyDir on /tmp`);
  }
  return found;
}
