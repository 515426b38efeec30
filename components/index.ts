/**
 * dockyard's components: the public API. Programs (infra/ included) import components from
 * here only. It holds the six components and their Args, the types those Args use, and the
 * helpers a program needs around them; the pure translators behind each component stay in its
 * folder (components/<component>/) and are not part of the API, nor are the value rules and
 * offline hooks the program's own tooling uses (components/internal.ts).
 */
export { ContainerService, type ContainerServiceArgs, type PublishedPort } from "./container-service";
export type {
  AutoscalingArgs,
  EgressArgs,
  EgressPortArgs,
  GatewayDataPlaneArgs,
  GatewayListenerRef,
  HealthCheckArgs,
  PeerArgs,
  PortArgs,
  ResourceArgs,
  RouteArgs,
  VolumeMountArgs,
} from "./workload";
export { type CertificateIssuerArgs, Gateway, type GatewayArgs, type GatewayListenerArgs } from "./gateway";
export { envoyGatewayPodLabels } from "./gateway/resolve";
export { PersistentVolume, type PersistentVolumeArgs } from "./persistent-volume";
export { Registry, type RegistryArgs, type RegistryTlsArgs } from "./registry";
export { ServiceImage, type RegistryEndpoint, type ServiceImageArgs } from "./service-image";
export { VirtualMachine, type VirtualMachineArgs } from "./virtual-machine";
export { Backup, type BackupArgs, type BackupRepositoryArgs } from "./backup";

/** The libvirt resources a VirtualMachine is made of, for programs that compose their own. */
export { StoragePool, type StoragePoolArgs } from "./libvirt/pool";
export { Volume, type VolumeArgs } from "./libvirt/volume";
export { CloudInitSeed, type CloudInitSeedArgs } from "./libvirt/seed";
export { Network, type NetworkArgs } from "./libvirt/network";
export { Domain, type DomainArgs, type DomainDiskArgs, type DomainInterfaceArgs } from "./libvirt/domain";

export type { AccessMode, Target, VolumeRef } from "./types";
export type { SecurityOptOuts } from "./workload";
export { ComponentArgError, describeValue, formatLocated, type LocatedProblem, LocatedProblemsError } from "./errors";
export {
  AUTOSCALING_DEFAULTS,
  BACKUP_DEFAULTS,
  GATEWAY_DEFAULTS,
  LIMITS,
  SERVICE_DEFAULTS,
  VM_DEFAULTS,
  VOLUME_DEFAULTS,
} from "./defaults";
export { DOCKYARD_LABELS } from "./kubernetes-labels";
/** The namespace's default-deny NetworkPolicy, and a TLS Secret for a Gateway whose certificate is given. */
export { defaultDenyPolicy } from "./workload";
export { tlsSecret, type TlsPairArgs, type TlsSecretArgs } from "./container-service/tls-secret";

/** Pull credentials for a Registry: a Kubernetes pull Secret, a Docker provider's registryAuth. */
export { dockerRegistryAuth, imagePullSecret } from "./registry/pull-credentials";
/** Image references and the policy deployed images follow. */
export {
  digestPinned,
  formatImageRef,
  type ImageRef,
  isImageDigest,
  isImageRef,
  isImageTag,
  isRepositoryPath,
  parseImageRef,
  throughMirror,
} from "./registry/image-ref";
export { type ImagePolicy, imagePolicyProblem } from "./image-policy";
/**
 * Metrics and alerts of a namespace (Prometheus Operator objects, rendered from plain data), and
 * the same rules as a Prometheus rule file: docs/guides/operations.md.
 */
export { Monitoring } from "./monitoring/monitoring";
export {
  ALERT_NAMES,
  type AlertName,
  type MonitoredBackupArgs,
  type MonitoredServiceArgs,
  type MonitoringArgs,
  type ObjectivesArgs,
} from "./monitoring/args";
export { monitoringObjects, type MonitoringObjects, prometheusRuleFile } from "./monitoring/objects";
export { standalonePrometheusConfig, type StandalonePrometheusArgs } from "./monitoring/prometheus-config";
export { HTTP_METRICS, LATENCY_BUCKETS_SECONDS, METRICS_PATH, MONITORING_DEFAULTS } from "./monitoring/defaults";
