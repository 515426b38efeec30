import type * as pulumi from "@pulumi/pulumi";
import type { DockerContainerSettings } from "./docker-settings";
import type { DockerFilesCarrierSettings } from "./files";

/** Options of {@link dockerRunArgs}. */
export interface DockerRunOptions {
  /** Container name (`--name`). */
  readonly name: string;
  /**
   * The image's own HEALTHCHECK test (`docker image inspect` → Config.Healthcheck.Test).
   * `docker run --health-cmd` always runs through /bin/sh, which distroless images lack, so an
   * exec-form (`CMD`) check can only be the image's own: pass it, and it must equal the
   * settings' test. Shell-form (`CMD-SHELL`) checks become `--health-cmd`.
   */
  readonly imageHealthcheck?: readonly string[];
}

type FlagRenderer = (s: DockerContainerSettings, o: DockerRunOptions) => string[];

const pair = (flag: string, values: readonly string[]): string[] => values.flatMap((v) => [flag, v]);

/**
 * One renderer per settings field: a field added to DockerContainerSettings without a
 * `docker run` rendering fails to compile. Fields the engine applies only through the API
 * (wait, destroy grace) render nothing, which the comment beside them says.
 */
const RENDER: Record<keyof DockerContainerSettings, FlagRenderer> = {
  image: () => [], // positional, appended last
  entrypoints: (s) => (s.entrypoints === undefined ? [] : ["--entrypoint", plain(s.entrypoints[0], "entrypoints[0]")]),
  command: () => [], // positional, after the image
  envs: (s) =>
    pair(
      "--env",
      s.envs.map((e, i) => plain(e, `envs[${i}]`)),
    ),
  user: (s) => ["--user", s.user],
  readOnly: (s) => (s.readOnly ? ["--read-only"] : []),
  tmpfs: (s) =>
    pair(
      "--tmpfs",
      Object.entries(s.tmpfs).map(([p, opts]) => `${p}:${opts}`),
    ),
  capabilities: (s) => [...pair("--cap-drop", s.capabilities.drops), ...pair("--cap-add", s.capabilities.adds)],
  securityOpts: (s) => pair("--security-opt", s.securityOpts),
  privileged: (s) => (s.privileged ? ["--privileged"] : []),
  memory: (s) => ["--memory", `${s.memory}m`],
  memorySwap: (s) => ["--memory-swap", `${s.memorySwap}m`],
  cpus: (s) => ["--cpus", s.cpus],
  pidsLimit: (s) => ["--pids-limit", String(s.pidsLimit)],
  ports: (s) =>
    pair(
      "--publish",
      s.ports.map((p) => `${p.ip.includes(":") ? `[${p.ip}]` : p.ip}:${p.external}:${p.internal}/${p.protocol}`),
    ),
  volumes: (s) => pair("--mount", s.volumes.map(mountValue)),
  networksAdvanced: (s) =>
    s.networksAdvanced.flatMap((n, i) => [
      "--network",
      plain(n.name, `networksAdvanced[${i}].name`),
      ...pair("--network-alias", n.aliases),
    ]),
  healthcheck: (s, o) => (s.healthcheck === undefined ? [] : healthFlags(s.healthcheck, o)),
  wait: () => [], // the provider polls until healthy; docker run callers wait themselves
  waitTimeout: () => [],
  restart: (s) => ["--restart", s.restart],
  logDriver: (s) => ["--log-driver", s.logDriver],
  logOpts: (s) =>
    pair(
      "--log-opt",
      Object.entries(s.logOpts).map(([k, v]) => `${k}=${v}`),
    ),
  labels: (s) =>
    pair(
      "--label",
      s.labels.map((l, i) => `${l.label}=${plain(l.value, `labels[${i}].value`)}`),
    ),
  stopTimeout: (s) => ["--stop-timeout", String(s.stopTimeout)],
  destroyGraceSeconds: () => [], // `docker stop` uses --stop-timeout
};

/**
 * One volume as `--mount` takes it. Its fields are split on ",", which no volume name or mount
 * path holds (components/workload/mount-path.ts).
 */
function mountValue(
  v: { readonly volumeName: pulumi.Input<string>; readonly containerPath: string; readonly readOnly: boolean },
  i: number,
): string {
  const source = plain(v.volumeName, `volumes[${i}].volumeName`);
  return `type=volume,source=${source},target=${v.containerPath}${v.readOnly ? ",readonly" : ""}`;
}

/**
 * The `docker run` arguments (after `run`) equivalent to the settings, for running a service
 * by hand or in tests exactly as the component declares it. Values must be plain strings.
 */
export function dockerRunArgs(settings: DockerContainerSettings, options: DockerRunOptions): string[] {
  const flags = (Object.keys(RENDER) as (keyof DockerContainerSettings)[]).flatMap((k) => RENDER[k](settings, options));
  const entry = settings.entrypoints ?? [];
  return [
    "--name",
    options.name,
    ...flags,
    plain(settings.image, "image"),
    ...entry.slice(1),
    ...(settings.command ?? []),
  ];
}

/**
 * The `docker create` arguments (after `create`) of a files carrier (files.ts): created, never
 * started; the uploads then go through the engine API as the provider sends them.
 */
export function dockerCreateCarrierArgs(carrier: DockerFilesCarrierSettings, name: string): string[] {
  const flags: Record<keyof DockerFilesCarrierSettings, () => string[]> = {
    image: () => [], // positional, last
    start: () => [], // docker create never starts
    mustRun: () => [], // provider-only: a stopped carrier is its normal state
    readOnly: () => (carrier.readOnly ? ["--read-only"] : []),
    user: () => ["--user", carrier.user],
    networkMode: () => ["--network", carrier.networkMode],
    capabilities: () => [
      ...pair("--cap-drop", carrier.capabilities.drops),
      ...pair("--cap-add", carrier.capabilities.adds),
    ],
    securityOpts: () => pair("--security-opt", carrier.securityOpts),
    restart: () => ["--restart", carrier.restart],
    volumes: () => pair("--mount", carrier.volumes.map(mountValue)),
    uploads: () => [], // sent after creation, through the engine API
    labels: () =>
      pair(
        "--label",
        carrier.labels.map((l) => `${l.label}=${l.value}`),
      ),
  };
  return [
    "--name",
    name,
    ...(Object.keys(flags) as (keyof DockerFilesCarrierSettings)[]).flatMap((k) => flags[k]()),
    plain(carrier.image, "image"),
  ];
}

function healthFlags(check: NonNullable<DockerContainerSettings["healthcheck"]>, options: DockerRunOptions): string[] {
  const [form, ...rest] = check.tests;
  let command: string[];
  if (form === "CMD-SHELL") command = ["--health-cmd", rest.join(" ")];
  else if (form === "CMD" && sameList(check.tests, options.imageHealthcheck)) command = [];
  else {
    throw new Error(
      `docker run cannot express the exec-form health check ${JSON.stringify(check.tests)} (--health-cmd runs through /bin/sh); ` +
        `it must be the image's own HEALTHCHECK, which is ${JSON.stringify(options.imageHealthcheck ?? null)}`,
    );
  }
  return [
    ...command,
    "--health-interval",
    check.interval,
    "--health-timeout",
    check.timeout,
    "--health-retries",
    String(check.retries),
    "--health-start-period",
    check.startPeriod,
  ];
}

function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function plain(value: pulumi.Input<string> | undefined, what: string): string {
  if (typeof value !== "string")
    throw new Error(`dockerRunArgs: ${what} must be a plain string, not an output or promise`);
  return value;
}
