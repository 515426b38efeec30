/**
 * The Pod Security Standards "restricted" profile, read-only root filesystems and dropped
 * capabilities, checked on a pod spec by the policy pack's own policies (policy/
 * container-policies.ts: written from the standard, not from the translators, and the one place
 * the profile is implemented), plus two things dockyard's pods promise that the pack leaves to
 * workloads: no service account token, and memory-backed scratch on /tmp.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { dropAllCapabilities, readOnlyRootFilesystem, restrictedPodProfile } from "../../../policy/container-policies";

const POD_POLICIES = [restrictedPodProfile, readOnlyRootFilesystem, dropAllCapabilities];

/** What the pack's pod policies and dockyard's two pod promises find in a pod spec; empty when it complies. */
export function restrictedViolations(pod: IPodSpec): string[] {
  const found: string[] = [];
  const report: ReportViolation = (message) => found.push(message);
  // The container policies read a resource's type and inputs only.
  const args = { type: "kubernetes:core/v1:Pod", name: "pod", props: { spec: structuredClone(pod) } };
  for (const policy of POD_POLICIES)
    for (const validate of [policy.validateResource ?? []].flat())
      void validate(args as unknown as ResourceValidationArgs, report);
  if (pod.automountServiceAccountToken !== false) found.push("the service account token is mounted");
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    const tmpVolume = (pod.volumes ?? []).find((v) => v.name === tmp?.name);
    if (tmpVolume?.emptyDir === undefined) found.push(`container "${c.name}" has no emptyDir on /tmp`);
  }
  return found;
}
