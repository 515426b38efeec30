import type * as pulumi from "@pulumi/pulumi";
import type { DockerContainerSettings } from "../workload";

/**
 * A service of a Compose file (the Compose specification's common subset, which Compose v2,
 * Debian's docker-compose 1.29 and podman-compose read), rendered from the very settings a
 * `docker.Container` is declared with, so a Compose run carries the same hardening: see
 * docs/decisions/0012-compose.md. Keys are the Compose specification's.
 */
export interface ComposeService {
  readonly image: string;
  readonly build?: ComposeBuild;
  readonly entrypoint?: string[];
  readonly command?: string[];
  readonly environment?: Record<string, string>;
  readonly user: string;
  readonly read_only: boolean;
  readonly tmpfs: string[];
  readonly cap_drop: string[];
  readonly cap_add?: string[];
  readonly security_opt: string[];
  readonly privileged: boolean;
  readonly mem_limit: string;
  readonly memswap_limit: string;
  readonly cpus: number;
  readonly pids_limit: number;
  readonly ports?: string[];
  readonly volumes?: { type: "volume"; source: string; target: string; read_only: boolean }[];
  /** The list form when every network aliases the container by its service name only. */
  readonly networks: string[] | Record<string, { aliases: string[] }>;
  readonly healthcheck?: {
    test: string[];
    interval: string;
    timeout: string;
    retries: number;
    start_period: string;
  };
  readonly restart: string;
  readonly logging: { driver: string; options: Record<string, string> };
  /** `key=value` entries (the list form, which podman-compose 1.0.3 reads correctly). */
  readonly labels: string[];
  readonly stop_grace_period: string;
}

/** How Compose gets a service's image: built from source under `image`'s tag. */
export interface ComposeBuild {
  /** Build context, relative to the Compose file. */
  readonly context: string;
  /** Dockerfile, relative to the context. */
  readonly dockerfile: string;
  readonly args: Record<string, string>;
}

/** The image a Compose service runs, and how to build it when the stack builds it. */
export interface ComposeImage {
  readonly image: string;
  readonly build?: ComposeBuild;
}

/** What Compose calls the objects the settings name by their engine names. */
export interface ComposeNames {
  /** The service's key in the Compose file. */
  readonly service: string;
  /** The image to run, and how to build it when the stack builds it. */
  readonly image: ComposeImage;
  /** The Compose key of the network an engine network name belongs to. */
  readonly network: (name: string) => string;
  /** The Compose key of the volume an engine volume name belongs to. */
  readonly volume: (name: string) => string;
}

type FieldRenderer = (s: DockerContainerSettings, names: ComposeNames) => Partial<ComposeService>;

/**
 * One renderer per settings field, as for `docker run` (docker-run.ts): a field added to
 * DockerContainerSettings without a Compose rendering fails to compile, so nothing the Docker
 * translator sets can be left out of the Compose file. Fields only the Pulumi provider acts on
 * render nothing, and say why.
 */
const RENDER: Record<keyof DockerContainerSettings, FieldRenderer> = {
  image: (_s, names) => ({ image: names.image.image, ...(names.image.build ? { build: names.image.build } : {}) }),
  entrypoints: (s) => (s.entrypoints === undefined ? {} : { entrypoint: [...s.entrypoints] }),
  command: (s) => (s.command === undefined ? {} : { command: [...s.command] }),
  envs: (s) =>
    s.envs.length === 0
      ? {}
      : { environment: Object.fromEntries(s.envs.map((e, i) => splitEnv(plain(e, `envs[${i}]`)))) },
  user: (s) => ({ user: s.user }),
  readOnly: (s) => ({ read_only: s.readOnly }),
  tmpfs: (s) => ({ tmpfs: Object.entries(s.tmpfs).map(([path, options]) => `${path}:${options}`) }),
  capabilities: (s) => ({
    cap_drop: [...s.capabilities.drops],
    ...(s.capabilities.adds.length > 0 ? { cap_add: [...s.capabilities.adds] } : {}),
  }),
  securityOpts: (s) => ({ security_opt: [...s.securityOpts] }),
  privileged: (s) => ({ privileged: s.privileged }),
  memory: (s) => ({ mem_limit: `${s.memory}m` }),
  memorySwap: (s) => ({ memswap_limit: `${s.memorySwap}m` }),
  cpus: (s) => ({ cpus: Number(s.cpus) }),
  pidsLimit: (s) => ({ pids_limit: s.pidsLimit }),
  ports: (s) =>
    s.ports.length === 0
      ? {}
      : {
          ports: s.ports.map(
            (p) => `${p.ip.includes(":") ? `[${p.ip}]` : p.ip}:${p.external}:${p.internal}/${p.protocol}`,
          ),
        },
  volumes: (s, names) =>
    s.volumes.length === 0
      ? {}
      : {
          volumes: s.volumes.map((v, i) => ({
            type: "volume" as const,
            source: names.volume(plain(v.volumeName, `volumes[${i}].volumeName`)),
            target: v.containerPath,
            read_only: v.readOnly,
          })),
        },
  // Compose aliases every container by its service name on each network it joins: when that is
  // the only alias, the list form says it all. podman-compose 1.0.3 reads only that form.
  networksAdvanced: (s, names) => {
    const networks = s.networksAdvanced.map((n, i) => ({
      key: names.network(plain(n.name, `networksAdvanced[${i}].name`)),
      aliases: [...n.aliases],
    }));
    return networks.every((n) => n.aliases.length === 1 && n.aliases[0] === names.service)
      ? { networks: networks.map((n) => n.key) }
      : { networks: Object.fromEntries(networks.map((n) => [n.key, { aliases: n.aliases }])) };
  },
  healthcheck: (s) =>
    s.healthcheck === undefined
      ? {}
      : {
          healthcheck: {
            test: [...s.healthcheck.tests],
            interval: s.healthcheck.interval,
            timeout: s.healthcheck.timeout,
            retries: s.healthcheck.retries,
            start_period: s.healthcheck.startPeriod,
          },
        },
  wait: () => ({}), // the provider waits until healthy; with Compose, `up --wait` (v2) or the caller waits
  waitTimeout: () => ({}),
  restart: (s) => ({ restart: s.restart }),
  logDriver: (s) => ({ logging: { driver: s.logDriver, options: { ...s.logOpts } } }),
  logOpts: () => ({}), // rendered with logDriver
  labels: (s) => ({ labels: s.labels.map((l, i) => `${l.label}=${plain(l.value, `labels[${i}].value`)}`) }),
  stopTimeout: (s) => ({ stop_grace_period: `${s.stopTimeout}s` }),
  destroyGraceSeconds: () => ({}), // `docker compose down` stops with stop_grace_period
};

/**
 * The Compose service equivalent to a container's Docker settings. Values must be plain strings
 * (what synth recorded, or a test's own); environment entries must be `NAME=value`.
 */
export function composeService(settings: DockerContainerSettings, names: ComposeNames): ComposeService {
  const parts = (Object.keys(RENDER) as (keyof DockerContainerSettings)[]).map((k) => RENDER[k](settings, names));
  return Object.assign({}, ...parts) as ComposeService;
}

function splitEnv(entry: string): [string, string] {
  const at = entry.indexOf("=");
  if (at <= 0) throw new Error(`composeService: environment entry ${JSON.stringify(entry)} is not NAME=value`);
  return [entry.slice(0, at), entry.slice(at + 1)];
}

function plain(value: pulumi.Input<string> | undefined, what: string): string {
  if (typeof value !== "string")
    throw new Error(`composeService: ${what} must be a plain string, not an output or promise`);
  return value;
}
