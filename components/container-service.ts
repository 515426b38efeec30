import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { local } from "@pulumi/command";
import type * as Input from "@pulumi/kubernetes/types/input";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import * as appsV1 from "@pulumi/kubernetes/apps/v1";
import * as networkingV1 from "@pulumi/kubernetes/networking/v1";
import * as policyV1 from "@pulumi/kubernetes/policy/v1";
import * as autoscalingV2 from "@pulumi/kubernetes/autoscaling/v2";
import { horizontalPodAutoscalerManifest } from "./container-service/autoscaling";
import { dockerPidsLimitCommand } from "./container-service/docker-pids";
import { type KubernetesManifests, kubernetesManifests } from "./container-service/kubernetes-objects";
import { rolloutTimeouts } from "./container-service/rollout";
import { AWAITED_OBJECT_SECONDS, awaitedFor } from "./kubernetes-labels";
import {
  type AutoscalingArgs,
  dockerContainerSettings,
  dockerFilesCarrierSettings,
  dockerFilesVolumeSettings,
  type EgressArgs,
  filesSecretManifest,
  type HealthCheckArgs,
  type PeerArgs,
  type PortArgs,
  type ResolvedService,
  type ResourceArgs,
  type RouteArgs,
  resolveServiceSpec,
  type RestartPolicy,
  secretManifest,
  type SecurityOptOuts,
  selectorLabels,
  serviceLabels,
  type VolumeMountArgs,
  type WorkloadKind,
} from "./workload";
import type { Target } from "./types";

/** Arguments of {@link ContainerService}. Unsafe settings exist only as named opt-outs in `security`. */
export interface ContainerServiceArgs {
  /** Where the service runs: the local Docker engine or Kubernetes. The provider comes from the resource options (`providers`). */
  readonly target: Target;
  /**
   * Image reference to run, by digest (`repo@sha256:…`, e.g. ServiceImage.ref); may be an output,
   * which is checked when it resolves. On Docker a local image ID (`sha256:…`) is accepted too.
   * `security.allowMutableImageTag` admits a tag without digest, `security.allowLatestTag` admits `latest`.
   */
  readonly image: pulumi.Input<string>;
  /**
   * Executable and its leading arguments, replacing the image's ENTRYPOINT (Kubernetes `command`).
   * @default the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments, replacing the image's CMD (Kubernetes `args`).
   * @default the image's CMD
   */
  readonly args?: string[];
  /**
   * Ports the service listens on.
   * @default [] (no Service, ingress denied)
   */
  readonly ports?: PortArgs[];
  /**
   * Plain environment variables.
   * @default {}
   */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /**
   * Secret environment variables: wrapped with `pulumi.secret` on Docker, stored in a Kubernetes
   * Secret and referenced by `secretKeyRef` on Kubernetes. Never in plaintext in any input.
   * @default {}
   */
  readonly secrets?: Record<string, pulumi.Input<string>>;
  /**
   * PersistentVolumes to mount. A writable ReadWriteOnce volume makes the service a single-replica
   * StatefulSet on Kubernetes.
   * @default []
   */
  readonly volumes?: VolumeMountArgs[];
  /**
   * Config files: file name → content (treated as a secret), read-only to the process in
   * `filesDir`. Kubernetes: one Secret mounted read-only (mode 0440, group = fsGroup). Docker: a
   * named volume `<service>-files` mounted read-only, filled by uploads (mode 0444, owner root)
   * into a never-started carrier container `<service>-files-carrier`. Changing a file replaces
   * the service's containers or pods, which start on the new content.
   * @default {} (no files, nothing created)
   */
  readonly files?: Record<string, pulumi.Input<string>>;
  /**
   * Absolute directory the `files` appear in.
   * @default "/etc/dockyard"
   */
  readonly filesDir?: string;
  /**
   * Kubernetes only: names of `kubernetes.io/dockerconfigjson` Secrets the kubelet pulls the image
   * with (see `imagePullSecret` in components/registry/pull-credentials.ts). Ignored on Docker,
   * where the provider's `registryAuth` authenticates pulls.
   * @default []
   */
  readonly imagePullSecrets?: pulumi.Input<string>[];
  /**
   * Health check: Docker healthcheck (and waiting until healthy), Kubernetes readiness,
   * liveness and startup probes.
   * @default none (no probes; Docker does not wait)
   */
  readonly healthCheck?: HealthCheckArgs;
  /**
   * CPU, memory and pids limits.
   * @default { cpu: "500m", memory: "256Mi", pids: 256 }
   */
  readonly resources?: ResourceArgs;
  /**
   * Number of replicas, 0–100 (Docker: one container each).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Docker restart policy; Kubernetes accepts only "always" and "unless-stopped" (pods always restart).
   * @default "unless-stopped"
   */
  readonly restartPolicy?: RestartPolicy;
  /**
   * Extra labels on every object and container (the `app.kubernetes.io/*` ones are dockyard's).
   * @default {}
   */
  readonly labels?: Record<string, string>;
  /**
   * Value of the `app.kubernetes.io/component` label, e.g. "frontend".
   * @default none
   */
  readonly component?: string;
  /**
   * Value of the `app.kubernetes.io/part-of` label.
   * @default "dockyard"
   */
  readonly partOf?: string;
  /**
   * Numeric uid the process runs as; 0 needs `security.allowRunAsRoot`.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * Numeric gid the process runs as (and Kubernetes fsGroup of its volumes).
   * @default 65532
   */
  readonly runAsGroup?: number;
  /**
   * Size of the writable scratch directory /tmp (tmpfs / memory-backed emptyDir; counts as memory).
   * @default "64Mi"
   */
  readonly scratchSize?: string;
  /**
   * Seconds between SIGTERM and SIGKILL when the container stops.
   * @default 30
   */
  readonly stopGracePeriodSeconds?: number;
  /**
   * Named opt-outs from the hardened defaults (root, writable root filesystem, privilege
   * escalation, added capabilities, publishing beyond loopback).
   * @default {} (fully hardened)
   */
  readonly security?: SecurityOptOuts;
  /**
   * Docker only: name of the network to join (e.g. `network.name`).
   * @default a bridge network created for the service
   */
  readonly network?: pulumi.Input<string>;
  /**
   * Kubernetes only: namespace of the service's objects.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Kubernetes only: pods admitted to the service's ports by its NetworkPolicy, besides the
   * Gateway's data plane when `route` is set. Ignored on Docker, whose network has no policy.
   * @default [] (no pod may connect)
   */
  readonly allowFrom?: PeerArgs[];
  /**
   * Kubernetes only: where the service's pods may connect; everything else is denied by its
   * NetworkPolicy. Image pulls are the node's, not the pod's, and need no entry. Ignored on Docker.
   * @default [] (no connection out)
   */
  readonly allowTo?: EgressArgs[];
  /**
   * Kubernetes only: allow DNS lookups (UDP and TCP 53 to the cluster DNS, pods labelled
   * `k8s-app: kube-dns` in kube-system). Ignored on Docker.
   * @default false
   */
  readonly allowDns?: boolean;
  /**
   * Kubernetes only: reach the service from outside the cluster through an HTTPRoute from a
   * Gateway's HTTPS listener (`Gateway.listener(name)`). Ignored on Docker, where
   * `ports[].hostPort` publishes on 127.0.0.1.
   * @default none (reachable inside the cluster only, by the peers in allowFrom)
   */
  readonly route?: RouteArgs;
  /**
   * Kubernetes only: a HorizontalPodAutoscaler owns the replica count (leave `replicas` out). Not
   * for a single writer of its data. Ignored on Docker, which runs `replicas` containers.
   * @default none (a fixed `replicas`)
   */
  readonly autoscaling?: AutoscalingArgs;
  /**
   * Kubernetes only: seconds `pulumi up` waits for the workload (and its Service) to become ready
   * before failing, 30–86,400. Ignored on Docker, which waits for the health check instead.
   * @default derived from the health check: per rollout wave, an image pull allowance (120 s), the
   * start period and `retries + 1` full checks, plus the stop grace period for a StatefulSet (one
   * pod at a time); times the waves (a StatefulSet's replicas, a Deployment's surge steps, at most 4)
   */
  readonly rolloutTimeoutSeconds?: number;
}

/** A port published on the Docker host. */
export interface PublishedPort {
  readonly containerPort: number;
  readonly hostAddress: string;
  readonly hostPort: number;
  readonly protocol: string;
}

/**
 * A long-running, hardened container service: hardened Docker containers on a network of their
 * own, or a Deployment/StatefulSet with Service, NetworkPolicy and PodDisruptionBudget on Kubernetes.
 */
export class ContainerService extends pulumi.ComponentResource {
  /** "DockerContainer", "Deployment" or "StatefulSet". */
  declare public readonly workloadKind: pulumi.Output<WorkloadKind>;
  /** Name other services reach it by: the Docker network alias, or `<service>.<namespace>.svc`. Undefined on Kubernetes without ports. */
  declare public readonly hostname: pulumi.Output<string | undefined>;
  /** Docker only: ports published on the host. */
  declare public readonly publishedPorts: pulumi.Output<PublishedPort[]>;
  /** Docker only: the network the containers joined. */
  declare public readonly networkName: pulumi.Output<string | undefined>;
  /**
   * Names of the Docker containers, or of the Deployment/StatefulSet. An input built from it
   * waits until they exist (on Docker: with their pids limit applied, and with a health check
   * until healthy).
   */
  declare public readonly workloadNames: pulumi.Output<string[]>;
  /** Labels that select the service's pods or containers (e.g. for affinity to them); fixed for its lifetime. */
  declare public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The workloads it runs: its Docker containers, or its Deployment or StatefulSet (to depend on or wire further). */
  declare public readonly workloads: readonly (docker.Container | appsV1.Deployment | appsV1.StatefulSet)[];
  /** Kubernetes only: the Service in front of the pods, when the service has ports. */
  declare public readonly service: coreV1.Service | undefined;
  /** Kubernetes only: the HTTPRoute, when `route` is set. */
  declare public readonly route: CustomResource | undefined;
  /**
   * Where users reach it. Kubernetes with `route`: `https://<host>/`, once the Gateway is
   * Programmed and its listener has accepted the HTTPRoute. Docker: `http://` the
   * first published tcp port (on 127.0.0.1 unless opted out), once the container runs. Otherwise undefined.
   */
  declare public readonly url: pulumi.Output<string | undefined>;

  constructor(name: string, args: ContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:container:ContainerService", name, {}, opts);
    const spec = resolveServiceSpec(name, args);
    const wired = spec.target === "docker" ? this.wireDocker(spec) : this.wireKubernetes(spec);
    this.selectorLabels = selectorLabels(spec);
    this.workloads = wired.workloads;
    this.service = wired.service;
    this.route = wired.route;
    // An output already made is taken as it is: wrapping it again would only add outputs.
    this.url = asOutput(wired.url);
    this.workloadKind = pulumi.output(wired.workloadKind);
    this.hostname = asOutput(wired.hostname);
    this.publishedPorts = pulumi.output(wired.publishedPorts);
    this.networkName = asOutput(wired.networkName);
    this.workloadNames = allOf(wired.workloadNames);
    this.registerOutputs({
      workloadKind: this.workloadKind,
      hostname: this.hostname,
      publishedPorts: this.publishedPorts,
      networkName: this.networkName,
      workloadNames: this.workloadNames,
      url: this.url,
    });
  }

  private wireDocker(spec: ResolvedService): Wired {
    const labels = Object.entries(serviceLabels(spec)).map(([label, value]) => ({ label, value }));
    const network = spec.network ?? new docker.Network(spec.name, { driver: "bridge", labels }, { parent: this }).name;
    const { pidsLimit, ...settings } = dockerContainerSettings(
      spec,
      network,
      spec.files.length === 0 ? undefined : this.dockerFiles(spec),
    );
    const containerArgs: docker.ContainerArgs = settings;
    const names = Array.from({ length: spec.replicas }, (_, i) => (i === 0 ? spec.name : `${spec.name}-${i}`));
    const containers = names.map((name) => this.dockerContainer(name, containerArgs, pidsLimit));
    return {
      workloadKind: "DockerContainer",
      workloads: containers.map((c) => c.container),
      service: undefined,
      route: undefined,
      url: dockerUrl(settings.ports, containers[0]?.name),
      workloadNames: containers.map((c) => c.name),
      hostname: spec.name,
      publishedPorts: settings.ports.map((p) => ({
        containerPort: p.internal,
        hostAddress: p.ip,
        hostPort: p.external,
        protocol: p.protocol,
      })),
      networkName: network,
    };
  }

  /**
   * One running container, and the Command that applies its pids limit (@pulumi/docker 5.2's
   * Container has no input for it; see container-service/docker-pids.ts) on the host of the container's
   * provider, again whenever the container is replaced. Every container dockyard runs on Docker
   * (services, the registry, the backup scheduler) is created here. Resolves to the container's
   * name once the limit is applied.
   */
  private dockerContainer(
    name: string,
    args: docker.ContainerArgs,
    pidsLimit: number,
  ): { container: docker.Container; name: pulumi.Output<string> } {
    const container = new docker.Container(name, args, { parent: this });
    const command = dockerPidsLimitCommand(pidsLimit, container.id, this.dockerHost());
    const applied = new local.Command(`${name}-pids-limit`, command, { parent: this, dependsOn: [container] });
    return { container, name: pulumi.all([container.name, applied.id]).apply(([containerName]) => containerName) };
  }

  /** The host of the Docker provider this component's containers use, when it names one. */
  private dockerHost(): pulumi.Output<string | undefined> | undefined {
    const provider = this.getProvider("docker:index/container:Container");
    return docker.Provider.isInstance(provider) ? provider.host : undefined;
  }

  /**
   * The files volume, filled by a never-started carrier container (see workload/files.ts). The
   * carrier gets no pids limit: it never runs, so it has no processes to limit.
   */
  private dockerFiles(spec: ResolvedService): { volume: pulumi.Output<string>; revision: pulumi.Output<string> } {
    const volume = new docker.Volume(`${spec.name}-files`, dockerFilesVolumeSettings(spec), { parent: this }).name;
    const carrier = new docker.Container(`${spec.name}-files-carrier`, dockerFilesCarrierSettings(spec, volume), {
      parent: this,
    });
    return { volume, revision: carrier.id };
  }

  private wireKubernetes(spec: ResolvedService): Wired {
    const parent = { parent: this };
    const secretObject = secretManifest(spec);
    const secret =
      secretObject === undefined
        ? undefined
        : new coreV1.Secret(
            `${spec.name}-secrets`,
            {
              metadata: secretObject.metadata,
              type: secretObject.type,
              stringData: secretValues(secretObject.stringData),
            },
            parent,
          );
    const filesObject = filesSecretManifest(spec);
    const filesSecret =
      filesObject === undefined
        ? undefined
        : new coreV1.Secret(
            `${spec.name}-files`,
            {
              metadata: filesObject.metadata,
              type: filesObject.type,
              stringData: secretValues(filesObject.stringData),
            },
            parent,
          );
    const objects = kubernetesManifests(spec, secret?.metadata.name, filesSecret?.metadata.name);
    const workload = objects.workload;
    // Pulumi waits for both until the pods are ready: as long as the rollout may take, no longer.
    const awaited = { ...parent, customTimeouts: rolloutTimeouts(spec) };
    const created =
      workload.kind === "StatefulSet"
        ? new appsV1.StatefulSet(spec.name, { metadata: workload.metadata, spec: workload.spec }, awaited)
        : new appsV1.Deployment(spec.name, { metadata: workload.metadata, spec: workload.spec }, awaited);
    const service =
      objects.service === undefined
        ? undefined
        : new coreV1.Service(spec.name, { metadata: objects.service.metadata, spec: objects.service.spec }, awaited);
    if (objects.podDisruptionBudget !== undefined) {
      new policyV1.PodDisruptionBudget(
        spec.name,
        { metadata: objects.podDisruptionBudget.metadata, spec: objects.podDisruptionBudget.spec },
        parent,
      );
    }
    new networkingV1.NetworkPolicy(
      spec.name,
      { metadata: objects.networkPolicy.metadata, spec: objects.networkPolicy.spec },
      parent,
    );
    // One output for the workload's name, shared by the autoscaler and workloadNames.
    const workloadName = created.metadata.name;
    if (spec.autoscaling !== undefined) {
      const hpa = horizontalPodAutoscalerManifest(spec, workloadName);
      new autoscalingV2.HorizontalPodAutoscaler(spec.name, { metadata: hpa.metadata, spec: hpa.spec }, parent);
    }
    return {
      workloadKind: workload.kind === "StatefulSet" ? "StatefulSet" : "Deployment",
      workloads: [created],
      service,
      ...this.exposeKubernetes(spec, objects, service),
      workloadNames: [workloadName],
      hostname: service === undefined ? undefined : serviceHostname(service),
      publishedPorts: [],
      networkName: undefined,
    };
  }

  /**
   * The HTTPRoute after the Service it routes to (and, with backend TLS, after the CA bundle and
   * the BackendTLSPolicy, so the Gateway never speaks plain HTTP to a TLS port). The route waits for
   * the Gateway through its name and is awaited until its listener accepts it (`pulumi.com/waitFor`),
   * so `url` resolves only once the host is served.
   */
  private exposeKubernetes(
    spec: ResolvedService,
    objects: KubernetesManifests,
    service: coreV1.Service | undefined,
  ): Pick<Wired, "route" | "url"> {
    if (spec.route === undefined || objects.route === undefined) return { route: undefined, url: undefined };
    const parent = { parent: this };
    const after: pulumi.Resource[] = service ? [service] : [];
    if (objects.backendTls !== undefined) {
      const { caBundle, policy } = objects.backendTls;
      const ca = new coreV1.ConfigMap(
        `${spec.name}-backend-ca`,
        { metadata: caBundle.metadata, data: caBundle.data },
        parent,
      );
      const tls = new CustomResource(
        `${spec.name}-backend-tls`,
        { ...policy },
        {
          ...parent,
          dependsOn: [ca, ...after],
        },
      );
      after.push(ca, tls);
    }
    const route = new CustomResource(
      spec.name,
      { ...objects.route },
      {
        ...parent,
        dependsOn: after,
        customTimeouts: awaitedFor(AWAITED_OBJECT_SECONDS.route),
      },
    );
    const url = `https://${spec.route.host}/`;
    return { route, url: pulumi.all([route.id, spec.route.gateway]).apply(() => url) };
  }
}

/** `http://<address>:<port>/` of the first published tcp port, once `ready` resolves; undefined without one. */
function dockerUrl(
  ports: readonly { internal: number; external?: number; ip?: string; protocol?: string }[],
  ready: pulumi.Output<string> | undefined,
): pulumi.Output<string> | undefined {
  const published = ports.find((p) => p.external !== undefined && (p.protocol ?? "tcp") === "tcp");
  if (published === undefined || ready === undefined) return undefined;
  const ip = published.ip ?? "127.0.0.1";
  const url = `http://${ip.includes(":") ? `[${ip}]` : ip}:${published.external}/`;
  return ready.apply(() => url);
}

/**
 * `<name>.<namespace>.svc` of a Service: known, and depending on the Service, as the interpolation of
 * its name and namespace is, with four outputs instead of eight.
 */
function serviceHostname(service: coreV1.Service): pulumi.Output<string> {
  const { name, namespace } = service.metadata;
  return name.apply((serviceName) => namespace.apply((inNamespace) => `${serviceName}.${inNamespace}.svc`));
}

/** The value as an output: itself when it is one already. */
function asOutput(value: pulumi.Input<string> | undefined): pulumi.Output<string | undefined> {
  return pulumi.Output.isInstance(value) ? value : pulumi.output(value);
}

/** `pulumi.all(values)`, with one output instead of three for the usual single output. */
function allOf(values: pulumi.Input<string>[]): pulumi.Output<string[]> {
  const [only] = values;
  return values.length === 1 && pulumi.Output.isInstance(only) ? only.apply((value) => [value]) : pulumi.all(values);
}

/** Every value wrapped as a secret. */
function secretValues(data: Input.core.v1.Secret["stringData"]): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    Object.entries((data ?? {}) as Record<string, pulumi.Input<string>>).map(([k, v]) => [k, pulumi.secret(v)]),
  );
}

/** What a target's wiring returns to the constructor. */
interface Wired {
  readonly workloadKind: WorkloadKind;
  readonly workloads: (docker.Container | appsV1.Deployment | appsV1.StatefulSet)[];
  readonly service: coreV1.Service | undefined;
  readonly route: CustomResource | undefined;
  readonly url: pulumi.Input<string> | undefined;
  readonly workloadNames: pulumi.Input<string>[];
  readonly hostname: pulumi.Input<string> | undefined;
  readonly publishedPorts: PublishedPort[];
  readonly networkName: pulumi.Input<string> | undefined;
}
