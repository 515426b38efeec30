/**
 * The workload layer: what every container dockyard runs shares, whichever component declares
 * it (ContainerService, the registry's, the backup jobs and scheduler). It resolves a workload's
 * Args (`ContainerServiceArgs`) into one {@link ResolvedService} with the hardened defaults
 * applied, and renders it for both targets: the Kubernetes pod spec (probes, resources, labels,
 * NetworkPolicy, Secrets) and the Docker container settings (and their `docker run` flags).
 *
 * Container security lives in one file, `security.ts`: the hardened defaults, the named opt-outs,
 * the resolved posture and its Kubernetes securityContext and Docker renderings. Nothing outside
 * it decides a security setting.
 *
 * Components import this folder through this file only; the workload's own files import one
 * another directly. Not part of the public API (components/index.ts).
 */

// Args and the resolved workload.
export type * from "./args";
export type * from "./spec";
export { resolveServiceSpec } from "./resolve";
export { resolveDataPlane, resolveRoute } from "./resolve-exposure";

// Security: defaults, opt-outs, posture, and both renderings.
export {
  containerSecurityContext,
  dockerContainerSecurity,
  type DockerSecuritySettings,
  FILES_DIR,
  kubernetesPodSecurity,
  podSecurityContext,
  PUBLISH_ADDRESS,
  type SecurityOptOuts,
  type SecurityPosture,
} from "./security";

// Labels, resources, probes.
export { labelValue, objectMetadata, podLabelsOf, selectorLabels, serviceLabels, userLabels } from "./labels";
export { cpuQuantity, dockerCpus, dockerMemoryMiB, memoryQuantity } from "./resources";

// Kubernetes rendering.
export { podSpec, podTemplate } from "./pod-spec";
export { defaultDenyPolicy, networkPolicyManifest } from "./network-policy";
export { filesSecretManifest, secretManifest } from "./secrets";

// Docker rendering.
export { type DockerContainerSettings, dockerContainerSettings, type DockerFilesMount } from "./docker-settings";
export { dockerFilesCarrierSettings, dockerFilesVolumeSettings } from "./files";
export { type DockerRunOptions, dockerCreateCarrierArgs, dockerRunArgs } from "./docker-run";
