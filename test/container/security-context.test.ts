import { describe, expect, it } from "vitest";
import { PodSecurityContext, type IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import { SecurityContext, type ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import { containerSecurityContext, podSecurityContext } from "../../components/workload/security";
import { plain, serviceSpec } from "./support/fixtures";

describe("security contexts", () => {
  it("default: non-root numeric user, fsGroup for volumes, RuntimeDefault seccomp", () => {
    const pod = plain<IPodSecurityContext>(podSecurityContext(serviceSpec()));
    expect(pod).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(() => new PodSecurityContext(pod).validate()).not.toThrow();
  });

  it("default container: no escalation, ALL dropped, read-only root, not privileged", () => {
    const container = plain<ISecurityContext>(containerSecurityContext(serviceSpec()));
    expect(container).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(() => new SecurityContext(container).validate()).not.toThrow();
  });

  it("custom uid/gid and each opt-out reach the contexts", () => {
    const spec = serviceSpec({
      runAsUser: 0,
      runAsGroup: 1000,
      security: {
        allowRunAsRoot: true,
        allowWritableRootFilesystem: true,
        allowPrivilegeEscalation: true,
        addCapabilities: ["NET_BIND_SERVICE", "CHOWN"],
      },
    });
    expect(podSecurityContext(spec)).toMatchObject({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 1000,
      fsGroup: 1000,
    });
    expect(containerSecurityContext(spec)).toMatchObject({
      runAsNonRoot: false,
      runAsUser: 0,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "CHOWN"] },
    });
  });
});
