import * as docker from "@pulumi/docker";
import { Provider } from "@pulumi/kubernetes/provider";
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { DOCKYARD_LABELS } from "../components";
import type { Platform } from "./platform";

/** The explicit provider every container resource of a stack uses, and where it places things. */
export interface TargetProviders {
  /** Provider to pass as `{ provider }` to container resources. */
  provider: pulumi.ProviderResource;
  /** Kubernetes namespace (kubernetes target only). */
  namespace?: coreV1.Namespace;
  /** The network every container joins (docker target only), so services reach each other by name. */
  network?: docker.Network;
}

/**
 * Explicit providers built from stack config, so nothing falls back to ambient
 * credentials: a stack deploys exactly where its config says.
 */
export function targetProviders(platform: Platform): TargetProviders {
  if (platform.target === "docker") {
    const provider = new docker.Provider("docker", { host: platform.endpoints.dockerHost });
    const network = new docker.Network(
      "dockyard",
      { driver: "bridge", labels: [{ label: "app.kubernetes.io/part-of", value: "dockyard" }] },
      { provider },
    );
    return { provider, network };
  }
  // Refuse to guess a cluster: the context always comes from config (required on kubernetes), so
  // the ambient kubeconfig's current context is never used.
  const provider = new Provider("kubernetes", {
    context: platform.endpoints.kubeContext,
    namespace: platform.endpoints.namespace,
    // Fields are owned per manager: the HorizontalPodAutoscaler's replica count is never overwritten.
    enableServerSideApply: true,
  });
  // config.ts gives every kubernetes stack a version; reaching here without one is a bug.
  const version = platform.kubernetes?.version;
  if (version === undefined) throw new Error("kubernetes stack without kubernetes.version passed validation");
  const namespace = new coreV1.Namespace(
    "namespace",
    {
      metadata: {
        name: platform.endpoints.namespace,
        labels: {
          // Pod Security admission enforces the "restricted" profile on everything in the namespace,
          // and warns and audits at the same level (kubectl shows why a pod is refused), each as of
          // the Kubernetes minor the stack targets: a cluster upgrade does not change the profile.
          ...Object.fromEntries(
            ["enforce", "warn", "audit"].flatMap((mode) => [
              [`pod-security.kubernetes.io/${mode}`, "restricted"],
              [`pod-security.kubernetes.io/${mode}-version`, version],
            ]),
          ),
          ...DOCKYARD_LABELS,
        },
      },
    },
    { provider, protect: platform.protect, retainOnDelete: platform.protect },
  );
  return { provider, namespace };
}
