/**
 * The default of every size and count a component takes, in one place: the components apply
 * them, and stack config (infra/config-schema.ts) defaults to the same values, so a knob left
 * out of a stack file means what the component would do anyway.
 */

/** ContainerService: one replica; CPU and memory limits (requests equal them); the Docker pids limit. */
export const SERVICE_DEFAULTS = { replicas: 1, cpu: "500m", memory: "256Mi", pids: 256 } as const;

/** PersistentVolume: size in GiB. */
export const VOLUME_DEFAULTS = { sizeGiB: 1 } as const;

/** VirtualMachine: vCPUs, memory in MiB, root disk in GiB. */
export const VM_DEFAULTS = { vcpus: 1, memoryMiB: 1024, diskSizeGiB: 20 } as const;

/** Backup: days an archive is kept. */
export const BACKUP_DEFAULTS = { retentionDays: 7 } as const;

/** ContainerService `autoscaling`: replica bounds and the CPU utilization (percent of the request) aimed at. */
export const AUTOSCALING_DEFAULTS = { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70 } as const;

/**
 * ContainerService `ingress`: the IngressClass and the namespace of its controller's pods (the
 * ingress-nginx chart's own names), and the kind of cert-manager issuer.
 */
export const INGRESS_DEFAULTS = {
  className: "nginx",
  controllerNamespace: "ingress-nginx",
  issuerKind: "ClusterIssuer",
} as const;
