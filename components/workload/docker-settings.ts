import * as pulumi from "@pulumi/pulumi";
import {
  DOCKER_LOG_DRIVER,
  DOCKER_LOG_OPTIONS,
  type DockerSecuritySettings,
  dockerContainerSecurity,
} from "./security";
import { FILES_REVISION_LABEL } from "./files";
import { serviceLabels } from "./labels";
import { type DockerHealthcheck, dockerHealthcheck, dockerHealthyWithinSeconds } from "./probes";
import { dockerCpus, dockerMemoryMiB } from "./resources";
import type { ResolvedService } from "./spec";

/**
 * The hardened `docker.Container` inputs of one service replica, in @pulumi/docker 5.2's field
 * names, plain except the values a caller passes as outputs. {@link dockerRunArgs} turns the
 * same object into `docker run` flags, so what the tests run is what the component declares.
 * The security fields (user, read-only root filesystem, tmpfs, capabilities, security options,
 * privileged) are security.ts's ({@link DockerSecuritySettings}).
 */
export interface DockerContainerSettings extends DockerSecuritySettings {
  readonly image: pulumi.Input<string>;
  /** Docker's ENTRYPOINT: the service's `command`. */
  readonly entrypoints: string[] | undefined;
  /** Docker's CMD: the service's `args`. */
  readonly command: string[] | undefined;
  /** `NAME=value`; secret entries are secret outputs. */
  readonly envs: pulumi.Input<string>[];
  /** Memory limit in MiB; `memorySwap` equal to it means no swap. */
  readonly memory: number;
  readonly memorySwap: number;
  readonly cpus: string;
  /**
   * `--pids-limit`. @pulumi/docker 5.2's Container has no such input: the component applies it
   * with a `docker update` Command beside the container (docker-pids.ts); `docker run` takes it
   * as a flag.
   */
  readonly pidsLimit: number;
  readonly ports: {
    readonly internal: number;
    readonly external: number;
    readonly ip: string;
    readonly protocol: string;
  }[];
  /** PersistentVolumes, then the files volume (read-only). */
  readonly volumes: {
    readonly volumeName: pulumi.Input<string>;
    readonly containerPath: string;
    readonly readOnly: boolean;
  }[];
  readonly networksAdvanced: { readonly name: pulumi.Input<string>; readonly aliases: string[] }[];
  readonly healthcheck: DockerHealthcheck | undefined;
  /** Wait until Docker reports the container healthy (only possible with a health check). */
  readonly wait: boolean;
  readonly waitTimeout: number | undefined;
  readonly restart: string;
  readonly logDriver: string;
  readonly logOpts: Record<string, string>;
  /** The service's labels, and the files revision (an output: the carrier's ID) when it has files. */
  readonly labels: { readonly label: string; readonly value: pulumi.Input<string> }[];
  /** Seconds between SIGTERM and SIGKILL, on stop and on destroy. */
  readonly stopTimeout: number;
  readonly destroyGraceSeconds: number;
}

/**
 * Translates a resolved service into hardened Docker container settings: the security fields
 * as security.ts renders them ({@link dockerContainerSecurity}), memory (no swap), CPU and pids
 * limits, health check and wait, restart policy, rotated json-file logs,
 * ports published on the posture's address (loopback), and secrets as secret outputs.
 * @param network name of the Docker network the container joins (alias: the service name).
 * @param files the volume holding the config files and the revision that filled it (the carrier's
 *   ID, see files.ts); required when the service has files.
 */
export function dockerContainerSettings(
  spec: ResolvedService,
  network: pulumi.Input<string>,
  files?: DockerFilesMount,
): DockerContainerSettings {
  const { security, resources } = spec;
  if (spec.files.length > 0 && files === undefined)
    throw new Error("dockerContainerSettings: the service has files but no files volume was given");
  const withFiles = files !== undefined && spec.files.length > 0;
  const memory = dockerMemoryMiB(resources.memoryBytes);
  return {
    image: spec.image,
    entrypoints: spec.command,
    command: spec.args,
    envs: spec.env.map((e) =>
      e.secret ? pulumi.secret(pulumi.output(e.value).apply((v) => `${e.name}=${v}`)) : envEntry(e.name, e.value),
    ),
    ...dockerContainerSecurity(spec, withFiles),
    memory,
    memorySwap: memory,
    cpus: dockerCpus(resources.cpuMillis),
    pidsLimit: resources.pids,
    ports: spec.ports.flatMap((p) =>
      p.hostPort === undefined
        ? []
        : [{ internal: p.containerPort, external: p.hostPort, ip: security.publishAddress, protocol: p.protocol }],
    ),
    volumes: [
      ...spec.volumes.map((v) => ({ volumeName: v.source, containerPath: v.mountPath, readOnly: v.readOnly })),
      ...(withFiles ? [{ volumeName: files.volume, containerPath: spec.filesDir, readOnly: true }] : []),
    ],
    networksAdvanced: [{ name: network, aliases: [spec.name] }],
    healthcheck: spec.healthCheck === undefined ? undefined : dockerHealthcheck(spec.healthCheck),
    wait: spec.healthCheck !== undefined,
    waitTimeout: spec.healthCheck === undefined ? undefined : dockerHealthyWithinSeconds(spec.healthCheck),
    restart: spec.restartPolicy,
    logDriver: DOCKER_LOG_DRIVER,
    logOpts: { ...DOCKER_LOG_OPTIONS },
    labels: [
      ...Object.entries(serviceLabels(spec)).map(([label, value]) => ({ label, value })),
      ...(withFiles ? [{ label: FILES_REVISION_LABEL, value: files.revision }] : []),
    ],
    stopTimeout: spec.stopGraceSeconds,
    destroyGraceSeconds: spec.stopGraceSeconds,
  };
}

/** The files volume a service mounts, and the revision that filled it. */
export interface DockerFilesMount {
  /** Name of the files volume. */
  readonly volume: pulumi.Input<string>;
  /** Changes whenever the files change (the carrier container's ID). */
  readonly revision: pulumi.Input<string>;
}

function envEntry(name: string, value: pulumi.Input<string>): pulumi.Input<string> {
  return typeof value === "string" ? `${name}=${value}` : pulumi.output(value).apply((v) => `${name}=${v}`);
}
