/**
 * Runs a Kubernetes pod spec's containers on Docker, in the kubelet's order: each init container
 * to completion, then the (single) container; the first that fails fails the pod. What the pod's
 * contract needs is emulated: the containers' securityContext (user, group, read-only root
 * filesystem, dropped capabilities, no privilege escalation), the pod's fsGroup (a supplementary
 * group of every container, the group owner of its writable volumes, setgid), emptyDir volumes
 * (shared by the pod's containers), generic ephemeral and PersistentVolumeClaim volumes (Docker
 * volumes, claims by name), Secret volumes (their items as files, root:fsGroup, the volume's mode),
 * env values and `secretKeyRef`s. For the database backup tests: the Kubernetes jobs' scripts and
 * their hand-over through the shared scratch volume, on real engines.
 */
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { type DockerObjects, docker, dockerStatus, uniqueName } from "../../docker/support/docker";

/** What the pod's references resolve to on this engine. */
export interface PodWorld {
  /** An image reference of the pod → the local image to run. */
  readonly images: Record<string, string>;
  /** A PersistentVolumeClaim name → the Docker volume standing for it. */
  readonly claims: Record<string, string>;
  /** A Secret name → its keys and values. */
  readonly secrets: Record<string, Record<string, string>>;
  /** The Docker network the pod's containers join. */
  readonly network: string;
  /** A busybox image to prepare volumes with, as root. */
  readonly busybox: string;
}

/** One container's run. */
export interface ContainerRun {
  readonly name: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the pod to completion; resolves to each container's run, in order, up to the first failure. */
export async function runPod(objects: DockerObjects, pod: IPodSpec, world: PodWorld): Promise<ContainerRun[]> {
  const fsGroup = pod.securityContext?.fsGroup;
  const volumes = new Map<string, { source: string; readOnly: boolean }>();
  for (const volume of pod.volumes ?? []) {
    const source = await podVolume(objects, volume, world, fsGroup);
    volumes.set(volume.name, source);
  }
  const runs: ContainerRun[] = [];
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const context = { ...pod.securityContext, ...container.securityContext };
    const image = world.images[container.image ?? ""];
    if (image === undefined) throw new Error(`no local image for ${container.image}`);
    const env = (container.env ?? []).map((e) => {
      if (e.value !== undefined) return `${e.name}=${e.value}`;
      const ref = e.valueFrom?.secretKeyRef;
      const value = ref && world.secrets[ref.name ?? ""]?.[ref.key];
      if (value === undefined) throw new Error(`env ${e.name}: no value`);
      return `${e.name}=${value}`;
    });
    const mounts = (container.volumeMounts ?? []).map((m) => {
      const volume = volumes.get(m.name);
      if (volume === undefined) throw new Error(`mount ${m.name}: no such volume`);
      return `type=volume,source=${volume.source},target=${m.mountPath}${m.readOnly || volume.readOnly ? ",readonly" : ""}`;
    });
    const [entrypoint, ...rest] = container.command ?? [];
    const name = objects.container(uniqueName(container.name));
    const run = await dockerStatus([
      "run",
      "--rm",
      "--name",
      name,
      "--network",
      world.network,
      "--user",
      `${context.runAsUser}:${context.runAsGroup}`,
      ...(fsGroup === undefined ? [] : ["--group-add", String(fsGroup)]),
      ...(context.readOnlyRootFilesystem ? ["--read-only"] : []),
      ...(context.capabilities?.drop ?? []).flatMap((c) => ["--cap-drop", c]),
      ...(context.allowPrivilegeEscalation === false ? ["--security-opt", "no-new-privileges:true"] : []),
      ...env.flatMap((e) => ["--env", e]),
      ...mounts.flatMap((m) => ["--mount", m]),
      ...(entrypoint === undefined ? [] : ["--entrypoint", entrypoint]),
      image,
      ...rest,
      ...(container.args ?? []),
    ]);
    runs.push({ name: container.name, ...run });
    if (run.code !== 0) break;
  }
  return runs;
}

/** A Docker volume standing for one pod volume, prepared as the kubelet would (as root). */
async function podVolume(
  objects: DockerObjects,
  volume: NonNullable<IPodSpec["volumes"]>[number],
  world: PodWorld,
  fsGroup: number | undefined,
): Promise<{ source: string; readOnly: boolean }> {
  const group = fsGroup ?? 0;
  const claim = volume.persistentVolumeClaim?.claimName;
  const source = claim === undefined ? objects.volume(uniqueName(`pod-${volume.name}`)) : world.claims[claim];
  if (source === undefined) throw new Error(`claim ${claim}: no Docker volume stands for it`);
  if (claim === undefined) await docker(["volume", "create", source]);
  let prepare: string;
  if (volume.emptyDir !== undefined) prepare = "chmod 1777 /v";
  else if (volume.secret !== undefined) {
    const data = world.secrets[volume.secret.secretName ?? ""];
    if (data === undefined) throw new Error(`secret ${volume.secret.secretName}: unknown`);
    const items = volume.secret.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    const mode = (volume.secret.defaultMode ?? 0o644).toString(8);
    prepare = items
      .map(
        (item) =>
          `printf '%s' '${data[item.key].replace(/'/g, "'\\''")}' > '/v/${item.path}' && chown 0:${group} '/v/${item.path}' && chmod ${mode} '/v/${item.path}'`,
      )
      .join(" && ");
  } else prepare = `chown 0:${group} /v && chmod 2775 /v`; // fsGroup on a claim or an ephemeral volume
  await docker([
    "run",
    "--rm",
    "--network",
    "none",
    "--user",
    "0:0",
    "--mount",
    `type=volume,source=${source},target=/v`,
    "--entrypoint",
    "/bin/sh",
    world.busybox,
    "-euc",
    prepare,
  ]);
  return { source, readOnly: volume.secret !== undefined };
}
