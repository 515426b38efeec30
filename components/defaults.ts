/**
 * The default and the range of every size and count a component takes, in one place: the
 * components apply them, and stack config (infra/config-schema.ts) defaults to and checks the
 * same values, so a knob left out of a stack file means what the component would do anyway.
 */

/** ContainerService: one replica; CPU and memory limits (requests equal them); the Docker pids limit. */
export const SERVICE_DEFAULTS = { replicas: 1, cpu: "500m", memory: "256Mi", pids: 256 } as const;

/** PersistentVolume: size in GiB. */
export const VOLUME_DEFAULTS = { sizeGiB: 1 } as const;

/** VirtualMachine: vCPUs, memory in MiB, root disk in GiB. */
export const VM_DEFAULTS = { vcpus: 1, memoryMiB: 1024, diskSizeGiB: 20 } as const;

/**
 * Backup: when it runs (cron, UTC); the snapshots `restic forget` keeps (0: rule not used); the
 * weekly `restic check` and the share of data it reads back; the weekly restore drill and the
 * oldest its newest snapshot may be; the compute of each job (restic holds the repository's index
 * in memory); the size of the volume repository (dev) as a multiple of the source's.
 */
export const BACKUP_DEFAULTS = {
  schedule: "0 3 * * *",
  keep: { last: 0, hourly: 0, daily: 7, weekly: 4, monthly: 6, yearly: 0 },
  check: { schedule: "30 4 * * 0", readDataPercent: 5 },
  drill: { schedule: "30 4 * * 3", maxSnapshotAgeHours: 48 },
  resources: { cpu: "1", memory: "1Gi" },
  repositorySizeFactor: 2,
} as const;

/**
 * The range of every count and size that both stack config and a component check. The schema
 * (infra/config-schema.ts) and the components import these same constants, so a value one
 * accepts the other accepts too (test/limits.test.ts holds them to it). Stack config narrows
 * only `replicas`, to at least 1: the topology, not a stack file, decides that a service exists.
 */
export const LIMITS = {
  replicas: { min: 0, max: 100 },
  autoscaling: { replicas: { min: 1, max: 100 }, targetCpuUtilization: { min: 10, max: 100 } },
  volumeSizeGiB: { min: 1, max: 65_536 },
  vm: {
    vcpus: { min: 1, max: 256 },
    memoryMiB: { min: 64, max: 4_194_304 },
    diskSizeGiB: { min: 1, max: 65_536 },
  },
  // A drill allows at least the time a backup takes (an hour, rules/cron.ts drillAgeProblem) past the next.
  backup: { readDataPercent: { min: 0, max: 100 }, maxSnapshotAgeHours: { min: 2, max: 8760 } },
} as const;

/** ContainerService `autoscaling`: replica bounds and the CPU utilization (percent of the request) aimed at. */
export const AUTOSCALING_DEFAULTS = { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70 } as const;

/**
 * Gateway: the GatewayClass (Envoy Gateway's quickstart name), the namespace its data plane runs
 * in (Envoy Gateway's default, controller-namespace mode), and the kind of cert-manager issuer.
 */
export const GATEWAY_DEFAULTS = {
  className: "eg",
  dataPlaneNamespace: "envoy-gateway-system",
  issuerKind: "ClusterIssuer",
} as const;
