import {
  DEFAULT_DATA_DIR,
  DEFAULT_METRICS_PORT,
  DEFAULT_PORT,
  HEALTH_COMMAND,
  HEALTH_PATH,
} from "../apps/web/contract";
import * as front from "../apps/front/contract";
import type * as pulumi from "@pulumi/pulumi";
import type {
  AutoscalingArgs,
  CertificateIssuerArgs,
  ContainerServiceArgs,
  HealthCheckArgs,
  GatewayListenerArgs,
  ImagePolicy,
  ObjectivesArgs,
  PersistentVolumeArgs,
  PortArgs,
  ResourceArgs,
  SecurityOptOuts,
  VirtualMachineArgs,
  VolumeMountArgs,
} from "../components";
import { envoyGatewayPodLabels, SERVICE_DEFAULTS } from "../components";
import type { ConfigCatalog, Secret, StackConfig } from "./config";
import { imagePolicyFor } from "./config-schema";
import VERSIONS from "../versions.json";

/**
 * The topology of dockyard, declared once for every environment. Stacks may only turn
 * the knobs in their config (sizes, endpoints, schedules); what exists and how it
 * connects is decided here, so test mirrors prod by construction.
 *
 * Pure: config in, a plain description out. No Pulumi resources are created here.
 */

/**
 * The platform's types take their fields' types from the component Args they become (as plain
 * data: the platform is a description, never an output), so a change to a component's argument
 * shows up here at compile time.
 */
type Plain<T> = pulumi.Unwrap<NonNullable<T>>;

/** A volume mounted into a service. */
export interface VolumeMount {
  /** Name of a volume in {@link Platform.volumes}. */
  volume: string;
  /** Absolute path inside the container. */
  mountPath: VolumeMountArgs["mountPath"];
  /** Mount read-only. */
  readOnly: Plain<VolumeMountArgs["readOnly"]>;
}

/** How a service's image is obtained. */
export type ImageSource =
  /** Built from `apps/<app>` by the stack, pushed to its registry, deployed by digest. */
  | { build: { app: string; baseImages: Record<string, string> } }
  /** A reference given in config (CI promoting one tested build). */
  | { ref: string }
  /**
   * Run as is from upstream, pinned by digest in versions.json and pulled through the stack's
   * mirror: every stack runs the same bytes by construction, so nothing is built or promoted.
   */
  | { upstream: string };

/** A container service run on the stack's target (becomes a ContainerService). */
export interface PlatformService {
  name: string;
  image: ImageSource;
  /** The port the service listens on inside the container. */
  port: PortArgs["containerPort"];
  /** Port published on 127.0.0.1 on the Docker target (ignored on Kubernetes). */
  hostPort: Plain<PortArgs["hostPort"]>;
  /**
   * The component's health check: an HTTP `path` (Kubernetes probes and the smoke check) and a
   * `command` (Docker's check; Kubernetes' probes where there is no path).
   */
  healthCheck: Plain<HealthCheckArgs>;
  /** Arguments replacing the image's CMD, when the service needs its own. */
  args?: string[];
  /** Plain environment of the process. */
  environment: Record<string, string>;
  /**
   * Secret files the stack generates for the service (a random password each, kept in the
   * stack's state as a secret), read-only in the component's files directory: file name → what it is.
   */
  generatedSecrets: Record<string, string>;
  /** The image's own non-root user and group, when it has one (else the component's default). */
  runAs?: { user: number; group: number };
  /**
   * Its Prometheus metrics: the port they are served on (apart from the service's own), the port
   * published on 127.0.0.1 on Docker, and the objectives alerts hold it to (docs/guides/operations.md).
   */
  metrics?: { port: number; hostPort: number; objectives?: ObjectivesArgs };
  /** Containers on Docker, pods on Kubernetes unless `autoscaling` owns the count. */
  replicas: Plain<ContainerServiceArgs["replicas"]>;
  /** Kubernetes: the HorizontalPodAutoscaler's bounds, for a service the topology scales. */
  autoscaling?: Plain<AutoscalingArgs>;
  /** Kubernetes: the host users reach it at through the stack's Gateway, for a service that serves users. */
  host?: Plain<GatewayListenerArgs["host"]>;
  /** Services it connects to (by name, on their first port): its only egress besides DNS. */
  connectsTo: string[];
  /**
   * Hardening opt-outs config grants this service (all false unless a stack says otherwise), and
   * the stack's image policy (see `imagePolicyFor`): the same one config was checked against.
   */
  security: Required<Pick<SecurityOptOuts, "allowWritableRootFilesystem" | "allowPrivilegeEscalation">> & ImagePolicy;
  /** CPU limit, Kubernetes quantity (e.g. "500m"). */
  cpu: Plain<ResourceArgs["cpu"]>;
  /** Memory limit, Kubernetes quantity (e.g. "256Mi"). */
  memory: Plain<ResourceArgs["memory"]>;
  volumes: VolumeMount[];
}

/** A persistent volume whose data outlives the services mounting it (becomes a PersistentVolume). */
export interface PlatformVolume {
  name: string;
  sizeGiB: Plain<PersistentVolumeArgs["sizeGiB"]>;
  storageClass?: Plain<PersistentVolumeArgs["storageClass"]>;
}

/** A virtual machine, for workloads that need their own OS or strong isolation (becomes a VirtualMachine). */
export interface PlatformVm {
  name: string;
  /** Why it is a VM and not a container. */
  purpose: string;
  /** Storage pool on the libvirt host holding the VM's disks. */
  pool: Plain<VirtualMachineArgs["pool"]>;
  /** Cloud image volume in `pool` every VM's disk overlays (the same OS everywhere). */
  baseVolume: Plain<VirtualMachineArgs["baseVolume"]>;
  /** libvirt network the VM attaches to, by name. */
  network: string;
  adminUser: Plain<VirtualMachineArgs["adminUser"]>;
  sshAuthorizedKeys: string[];
  packages: string[];
  runCommands: string[];
  vcpus: Plain<VirtualMachineArgs["vcpus"]>;
  memoryMiB: Plain<VirtualMachineArgs["memoryMiB"]>;
  diskSizeGiB: Plain<VirtualMachineArgs["diskSizeGiB"]>;
}

/** Where the registry is and how to reach it; `mirror` serves every third-party image. */
export type PlatformRegistry = { mirror?: string } & (
  | { mode: "self-hosted"; /** Address it is exposed at (Kubernetes); 127.0.0.1 on Docker. */ address?: string }
  | { mode: "external"; address: string; username: string; password: Secret }
);

/**
 * How the registry and the user-facing services are reached on Kubernetes: the stack's Gateway,
 * its implementation's class and data plane, and where its listeners' certificates come from
 * (cert-manager, or a pair given as secrets).
 */
export interface PlatformGateway {
  className: string;
  dataPlane: { namespace: string; podLabels: Record<string, string> };
  tls:
    | { source: "cert-manager"; issuer: Required<Plain<CertificateIssuerArgs>> }
    | { source: "secret"; certificate: Secret; key: Secret };
}

/** A volume backed up on the stack's schedule, by a job placed beside the service that writes it. */
export interface PlatformBackup {
  volume: string;
  /** Service whose pods mount the volume (a ReadWriteOnce claim attaches to one node), or that serves the database. */
  colocateWith: string;
  /**
   * A database that service serves from the volume, backed up by a consistent dump of it
   * instead of the volume's files: its name, the role dumping it, and the service's generated
   * secret holding that role's password.
   */
  database?: { name: string; user: string; passwordSecret: string };
}

/** Everything one stack deploys. */
export interface Platform {
  /** The stack settings file this platform was derived from. */
  configFile: string;
  target: "docker" | "kubernetes";
  protect: boolean;
  endpoints: StackConfig["endpoints"];
  registry: PlatformRegistry;
  /** Kubernetes only: the cluster's Prometheus, which scrapes the services and evaluates the alerts. */
  monitoring?: StackConfig["monitoring"];
  /** Kubernetes only: how the registry and user-facing services are reached from outside. */
  gateway?: PlatformGateway;
  /** Kubernetes only: the minor the cluster runs, whose Pod Security profile the namespace enforces. */
  kubernetes?: StackConfig["kubernetes"];
  services: PlatformService[];
  volumes: PlatformVolume[];
  vms: PlatformVm[];
  /** Schedules, retention, checks, drills and the repository of every backup. */
  backup: StackConfig["backup"];
  backups: PlatformBackup[];
  /** The backup tool's source and base images, built like a service image. */
  backupTool: { app: string; baseImages: Record<string, string> };
}

/** The fixed part of each service: what config cannot change. */
interface ServiceTemplate extends Omit<
  PlatformService,
  "name" | "replicas" | "cpu" | "memory" | "image" | "security" | "autoscaling" | "host"
> {
  /** Source under `apps/` and the upstream base images its Dockerfile takes as build args, or an upstream image. */
  image: Exclude<ImageSource, { ref: string }>;
  /** Most replicas it can run, and why when that is 1. */
  maxReplicas: number;
  why?: string;
  /** It serves users: on Kubernetes a Gateway listener with TLS at `services.<name>.host`. */
  exposed: boolean;
  /** On Kubernetes a HorizontalPodAutoscaler owns its count, never below this. */
  minReplicas?: number;
}

// Every base comes from the inventory (versions.json), each pinned as it says there. The Node
// bases are tags, not digests: every build starts from the freshest patched base. What is deployed
// is the built image's digest.
const NODE_BASES = { BUILD_IMAGE: VERSIONS.images["node-build"].ref, BASE_IMAGE: VERSIONS.images["node-runtime"].ref };
/** PostgreSQL's port, and where its image keeps the cluster (the volume mounts there). */
const POSTGRES_PORT = 5432;
const POSTGRES_DATA_DIR = "/var/lib/postgresql/data";
/**
 * Where a service reads the secret files the stack generates for it (read-only, not in its
 * environment). Not under /run, which the hardening mounts read-only on Docker.
 */
export const SECRETS_DIR = "/etc/dockyard/secrets";

const SERVICES: Record<string, ServiceTemplate> = {
  web: {
    image: { build: { app: "web", baseImages: NODE_BASES } },
    port: DEFAULT_PORT,
    hostPort: DEFAULT_PORT,
    healthCheck: { path: HEALTH_PATH, command: [...HEALTH_COMMAND] },
    metrics: { port: DEFAULT_METRICS_PORT, hostPort: DEFAULT_METRICS_PORT },
    environment: { PORT: String(DEFAULT_PORT), DATA_DIR: DEFAULT_DATA_DIR },
    generatedSecrets: {},
    volumes: [{ volume: "web-data", mountPath: DEFAULT_DATA_DIR, readOnly: false }],
    // Its records live on one ReadWriteOnce volume: one writer, so one replica (a StatefulSet).
    maxReplicas: 1,
    why: "web is the single writer of its ReadWriteOnce data volume",
    // Users reach its records through front; only front connects to it.
    exposed: false,
    connectsTo: [],
  },
  // Stateless: any replica answers any request, so it scales out (a Deployment and its autoscaler).
  front: {
    image: { build: { app: "front", baseImages: NODE_BASES } },
    port: front.DEFAULT_PORT,
    hostPort: front.DEFAULT_PORT + 1,
    healthCheck: { path: front.HEALTH_PATH, readinessPath: front.READY_PATH, command: [...front.HEALTH_COMMAND] },
    // What users see: 99.5 % of requests answered without a server error, 99 % within half a second.
    metrics: {
      port: front.DEFAULT_METRICS_PORT,
      hostPort: front.DEFAULT_METRICS_PORT + 1,
      objectives: { availability: 0.995, latency: { thresholdSeconds: 0.5, target: 0.99 } },
    },
    environment: { PORT: String(front.DEFAULT_PORT), WEB_URL: `http://web:${DEFAULT_PORT}` },
    generatedSecrets: {},
    volumes: [],
    maxReplicas: 1,
    why: "on docker front is published on one 127.0.0.1 port; on kubernetes its autoscaler sets the count",
    minReplicas: 2,
    exposed: true,
    connectsTo: ["web"],
  },
  // A database from its upstream image (docs/guides/adding-a-service.md follows it): no HTTP, so
  // pg_isready is its health check everywhere; its password a generated secret file.
  postgres: {
    image: { upstream: VERSIONS.images.postgres.ref },
    port: POSTGRES_PORT,
    hostPort: POSTGRES_PORT,
    healthCheck: {
      command: ["pg_isready", "--host=127.0.0.1", `--port=${POSTGRES_PORT}`, "--username=postgres", "--quiet"],
      startPeriodSeconds: 30,
    },
    // The root filesystem is read-only: the server's socket goes to the scratch /tmp, for the
    // entrypoint's own psql too; the cluster lives in a subdirectory of the volume (never its root).
    args: ["postgres", "-c", "unix_socket_directories=/tmp"],
    environment: {
      PGDATA: `${POSTGRES_DATA_DIR}/pgdata`,
      PGHOST: "/tmp",
      POSTGRES_PASSWORD_FILE: `${SECRETS_DIR}/password`,
    },
    generatedSecrets: { password: "the postgres superuser's password" },
    runAs: { user: 70, group: 70 },
    volumes: [{ volume: "postgres-data", mountPath: POSTGRES_DATA_DIR, readOnly: false }],
    maxReplicas: 1,
    why: "postgres is the single writer of its ReadWriteOnce data volume",
    exposed: false,
    connectsTo: [],
  },
};

const VOLUMES = ["web-data", "postgres-data"] as const;

/** State worth backing up. The registry's blobs are not: every image is rebuilt from source. */
const BACKUPS: PlatformBackup[] = [
  { volume: "web-data", colocateWith: "web" },
  // A live database's files are no backup: a pg_dump of it is (docs/decisions/0020-database-backups.md).
  {
    volume: "postgres-data",
    colocateWith: "postgres",
    database: { name: "postgres", user: "postgres", passwordSecret: "password" },
  },
];

/** Whether the topology backs any volume up: its stacks then run the backup tool's image too. */
export const backsUp = BACKUPS.length > 0;

/** restic, busybox, ssh and CA certificates: the upstream restic image, by digest (apps/backup/Dockerfile). */
const BACKUP_TOOL = { app: "backup", baseImages: { BASE_IMAGE: VERSIONS.images.restic.ref } };

type VmTemplate = Omit<PlatformVm, "name" | "vcpus" | "memoryMiB" | "diskSizeGiB" | "sshAuthorizedKeys">;

const VMS: Record<string, VmTemplate> = {
  legacy: {
    purpose: "legacy service host: software that needs its own OS and kernel",
    // The VM host's operators keep Debian's genericcloud image in this pool (docs/guides/virtual-machines.md).
    pool: "default",
    baseVolume: "debian-12-genericcloud-amd64.qcow2",
    network: "default",
    adminUser: "ops",
    packages: ["unattended-upgrades"],
    runCommands: ["systemctl enable --now unattended-upgrades"],
  },
};

/** The names stack config may refer to; anything else in config is an error. */
export const catalog: ConfigCatalog = {
  services: Object.fromEntries(
    Object.entries(SERVICES).map(([name, { maxReplicas, why, exposed, minReplicas, image }]) => [
      name,
      { maxReplicas, why, exposed, builds: "build" in image, ...(minReplicas === undefined ? {} : { minReplicas }) },
    ]),
  ),
  volumes: VOLUMES,
  vms: Object.keys(VMS),
};

/**
 * The services built from source (`apps/<app>`): what CI builds, pins, signs and promotes. The
 * others run an upstream image pinned by digest in versions.json, the same in every stack.
 */
export const builtServices: readonly string[] = Object.keys(SERVICES).filter((name) => "build" in SERVICES[name].image);

/** Derives the platform of one stack from its validated config. */
export function describePlatform(config: StackConfig): Platform {
  return {
    configFile: config.file,
    target: config.target,
    protect: config.protect,
    endpoints: config.endpoints,
    registry: registrySpec(config.registry, config.target),
    ...(config.target === "kubernetes"
      ? {
          gateway: gatewaySpec(config.gateway, config.endpoints.namespace),
          kubernetes: { version: config.kubernetes.version },
          monitoring: { ...config.monitoring },
        }
      : {}),
    services: Object.entries(SERVICES).map(([name, template]) => {
      const { image: source, maxReplicas: _max, why: _why, exposed, minReplicas, ...fixed } = structuredClone(template);
      const { image, host, autoscaling } = config.services[name];
      const kubernetes = config.target === "kubernetes";
      return {
        name,
        // A pin in config replaces a build (CI promoting one tested image); an upstream image has none.
        image: image === undefined || !("build" in source) ? source : { ref: image },
        ...fixed,
        ...sizesOf(config.services, name, imagePolicyFor(config.target, config.unsafe)),
        ...(kubernetes && exposed && host !== undefined ? { host } : {}),
        ...(kubernetes && minReplicas !== undefined && autoscaling !== undefined
          ? { autoscaling: { ...autoscaling } }
          : {}),
      };
    }),
    volumes: VOLUMES.map((name) => ({ name, ...config.volumes[name] })),
    vms: Object.entries(VMS)
      .filter(([name]) => config.vms[name]?.enabled)
      .map(([name, fixed]) => {
        const { vcpus, memoryMiB, diskSizeGiB, sshAuthorizedKeys = [] } = config.vms[name];
        return {
          name,
          ...fixed,
          packages: [...fixed.packages],
          runCommands: [...fixed.runCommands],
          sshAuthorizedKeys,
          vcpus,
          memoryMiB,
          diskSizeGiB,
        };
      }),
    backup: config.backup,
    backups: BACKUPS.map((backup) => ({ ...backup })),
    backupTool: { app: BACKUP_TOOL.app, baseImages: { ...BACKUP_TOOL.baseImages } },
  };
}

function sizesOf(services: StackConfig["services"], name: string, imagePolicy: ImagePolicy) {
  const { replicas = SERVICE_DEFAULTS.replicas, cpu, memory, security } = services[name];
  return { replicas, cpu, memory, security: { ...security, ...imagePolicy } };
}

/** The stack's Gateway object name: its data plane's pods carry it (Envoy Gateway's labels). */
export const GATEWAY_NAME = "dockyard";

function gatewaySpec(gateway: StackConfig["gateway"], namespace: string): PlatformGateway {
  const { className, dataPlane, tls } = gateway;
  const plane = {
    namespace: dataPlane.namespace,
    podLabels: dataPlane.podLabels ?? envoyGatewayPodLabels(GATEWAY_NAME, namespace),
  };
  if (tls.source === "secret" && tls.certificate !== undefined && tls.key !== undefined)
    return { className, dataPlane: plane, tls: { source: "secret", certificate: tls.certificate, key: tls.key } };
  if (tls.source === "cert-manager" && tls.issuer !== undefined)
    return {
      className,
      dataPlane: plane,
      tls: { source: "cert-manager", issuer: { name: tls.issuer, kind: tls.issuerKind } },
    };
  // config.ts rejects a kubernetes stack without a complete certificate source; reaching here is a bug.
  throw new Error("kubernetes stack without a complete gateway.tls passed validation");
}

function registrySpec(registry: StackConfig["registry"], target: StackConfig["target"]): PlatformRegistry {
  const mirror = registry.mirror === undefined ? {} : { mirror: registry.mirror };
  // A self-hosted registry on Docker is on 127.0.0.1 (plain HTTP, which Docker allows only there):
  // an address given for a cluster means nothing on Docker.
  if (registry.mode === "self-hosted")
    return {
      mode: "self-hosted",
      ...(registry.address === undefined || target === "docker" ? {} : { address: registry.address }),
      ...mirror,
    };
  const { address, username, password } = registry;
  if (address === undefined || username === undefined || password === undefined) {
    // config.ts rejects an external registry without these; reaching here is a bug.
    throw new Error("external registry without address, username or password passed validation");
  }
  return { mode: "external", address, username, password, ...mirror };
}
