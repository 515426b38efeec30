import type { ConfigCatalog, Secret, StackConfig } from "./config";

/**
 * The topology of dockyard, declared once for every environment. Stacks may only turn
 * the knobs in their config (sizes, endpoints, schedules); what exists and how it
 * connects is decided here, so test mirrors prod by construction.
 *
 * Pure: config in, a plain description out. No Pulumi resources are created here.
 */

/** A volume mounted into a service. */
export interface VolumeMount {
  /** Name of a volume in {@link Platform.volumes}. */
  volume: string;
  /** Absolute path inside the container. */
  mountPath: string;
  /** Mount read-only. */
  readOnly: boolean;
}

/** A container service: built from `apps/<app>`, run on the stack's target. */
export interface ServiceSpec {
  name: string;
  /** Directory under `apps/` holding the service's source and Dockerfile. */
  app: string;
  /** The port the service listens on inside the container. */
  port: number;
  /** HTTP path answering 200 when the service is healthy. */
  healthPath: string;
  replicas: number;
  /** CPU limit, Kubernetes quantity (e.g. "250m"). */
  cpu: string;
  /** Memory limit, Kubernetes quantity (e.g. "256Mi"). */
  memory: string;
  volumes: VolumeMount[];
}

/** A persistent volume whose data outlives the services mounting it. */
export interface VolumeSpec {
  name: string;
  sizeGiB: number;
  storageClass?: string;
}

/** A virtual machine, for workloads that need their own OS or strong isolation. */
export interface VmSpec {
  name: string;
  /** Why it is a VM and not a container. */
  purpose: string;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
}

/** Where the registry is and how to reach it. */
export type RegistrySpec =
  | { mode: "self-hosted" }
  | { mode: "external"; url: string; username: string; password: Secret };

/** Everything one stack deploys. */
export interface Platform {
  /** The stack settings file this platform was derived from. */
  configFile: string;
  target: "docker" | "kubernetes";
  protect: boolean;
  endpoints: StackConfig["endpoints"];
  registry: RegistrySpec;
  services: ServiceSpec[];
  volumes: VolumeSpec[];
  vms: VmSpec[];
  backup: StackConfig["backup"];
}

/** The fixed part of each service: what config cannot change. */
const SERVICES = {
  web: {
    app: "web",
    port: 8080,
    healthPath: "/healthz",
    volumes: [{ volume: "web-data", mountPath: "/data", readOnly: false }],
  },
} as const satisfies Record<string, Omit<ServiceSpec, "name" | "replicas" | "cpu" | "memory">>;

const VOLUMES = ["web-data"] as const;

const VMS = {
  legacy: { purpose: "legacy service host: software that needs its own OS and kernel" },
} as const satisfies Record<string, Pick<VmSpec, "purpose">>;

/** The names stack config may refer to; anything else in config is an error. */
export const catalog: ConfigCatalog = {
  services: Object.keys(SERVICES),
  volumes: VOLUMES,
  vms: Object.keys(VMS),
};

/** Derives the platform of one stack from its validated config. */
export function describePlatform(config: StackConfig): Platform {
  return {
    configFile: config.file,
    target: config.target,
    protect: config.protect,
    endpoints: config.endpoints,
    registry: registrySpec(config.registry),
    services: Object.entries(SERVICES).map(([name, fixed]) => ({
      name,
      ...fixed,
      volumes: fixed.volumes.map((mount) => ({ ...mount })),
      ...sizesOf(config.services, name),
    })),
    volumes: VOLUMES.map((name) => ({ name, ...config.volumes[name] })),
    vms: Object.entries(VMS)
      .filter(([name]) => config.vms[name]?.enabled)
      .map(([name, fixed]) => {
        const { vcpus, memoryMiB, diskGiB } = config.vms[name];
        return { name, ...fixed, vcpus, memoryMiB, diskGiB };
      }),
    backup: config.backup,
  };
}

function sizesOf(services: StackConfig["services"], name: string) {
  const { replicas, cpu, memory } = services[name];
  return { replicas, cpu, memory };
}

function registrySpec(registry: StackConfig["registry"]): RegistrySpec {
  if (registry.mode === "self-hosted") return { mode: "self-hosted" };
  const { url, username, password } = registry;
  if (url === undefined || username === undefined || password === undefined) {
    // config.ts rejects an external registry without these; reaching here is a bug.
    throw new Error("external registry without url, username or password passed validation");
  }
  return { mode: "external", url, username, password };
}
