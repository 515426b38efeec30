import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ContainerService } from "./container-service";
import type { Target } from "./types";
import type { GatewayListenerRef } from "./workload";
import { PersistentVolume } from "./persistent-volume";
import { type RegistryCredentials, dockerConfigJsonOf } from "./registry/pull-credentials";
import { type RegistryTlsArgs, type SelfHostedSpec, resolveRegistrySpec } from "./registry/registry-spec";
import { PASSWORD_POLICY, selfHostedFiles, selfHostedServiceArgs } from "./registry/self-hosted";
import { registryImageBuild } from "./registry/local-image";

export type { RegistryTlsArgs } from "./registry/registry-spec";

/**
 * Arguments of {@link Registry}. A self-hosted registry takes the fields marked "self-hosted";
 * an external one takes `address`, `username` and `password` only (anything else is an error).
 */
export interface RegistryArgs {
  /** Where a self-hosted registry runs: the local Docker engine or Kubernetes (provider from the resource options). */
  readonly target: Target;
  /**
   * `self-hosted`: run the distribution registry as a ContainerService with its own volume and
   * a generated password; `external`: use an existing registry with the credentials given.
   * @default "self-hosted"
   */
  readonly mode?: "self-hosted" | "external";
  /**
   * host[:port][/path] the deploying machine pushes to and nodes pull from, no scheme. Required
   * for an external registry and for a self-hosted one on Kubernetes (its Gateway listener's host).
   * @default self-hosted on Docker: `localhost:<hostPort>` when published on loopback (Podman logs in over plain HTTP only to `localhost`), else `<publishAddress>:<hostPort>`
   */
  readonly address?: string;
  /**
   * User name (1-64 letters, digits, ".", "_", "-"). Required for an external registry.
   * @default "dockyard" (self-hosted)
   */
  readonly username?: string;
  /**
   * External only, and required there: the password or token (a secret). A self-hosted
   * registry generates its own.
   * @default generated (self-hosted): 40 letters and digits
   */
  readonly password?: pulumi.Input<string>;
  /**
   * Self-hosted: the upstream registry image, pinned by digest. Docker builds apps/registry on
   * it (see ADR 0005); Kubernetes runs it as is (fsGroup makes the volume writable). It must be
   * distribution 3 or 2.8, whose config the translator writes (docs/guides/registry.md).
   * @default versions.json `images.registry`: "docker.io/library/registry:3.0.0@sha256:6c5666b8…457e"
   */
  readonly image?: string;
  /**
   * Self-hosted: registry host[:port] the upstream image is pulled through (`throughMirror`).
   * @default none (pulled from its own registry)
   */
  readonly mirror?: string;
  /**
   * Self-hosted: allow deleting manifests and blobs (needed for garbage collection).
   * @default false
   */
  readonly deleteEnabled?: boolean;
  /**
   * Self-hosted: serve HTTPS with this certificate and key (PEM contents, secrets), delivered as
   * files. Required on Docker when the registry is published or addressed beyond 127.0.0.1 (plain
   * HTTP only on loopback); on Kubernetes the Gateway then speaks HTTPS to it too, verifying the
   * certificate for `address` against the chain given (a BackendTLSPolicy): the chain must end in its CA.
   * @default none: plain HTTP (loopback on Docker; on Kubernetes TLS ends at the Gateway)
   */
  readonly tls?: RegistryTlsArgs;
  /**
   * Self-hosted on Kubernetes, and required there: the Gateway listener serving TLS at `address`
   * (`Gateway.listener(name)`); the registry's HTTPRoute allows a request 900 s (a large layer).
   * @default none (required on Kubernetes)
   */
  readonly listener?: GatewayListenerRef;
  /**
   * Self-hosted on Docker: host port the registry is published on.
   * @default 5000
   */
  readonly hostPort?: number;
  /**
   * Self-hosted on Docker: host address the port is published on (the ContainerService's `security.publishAddress`).
   * @default "127.0.0.1"
   */
  readonly publishAddress?: string;
  /**
   * Self-hosted: size of the blob volume in GiB (Kubernetes; Docker's local driver does not limit size).
   * @default 10
   */
  readonly storageGiB?: number;
  /**
   * Self-hosted on Kubernetes: StorageClass of the blob volume.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: pulumi.Input<string>;
  /**
   * Self-hosted on Kubernetes: namespace of the registry's objects.
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Self-hosted on Docker: build context of the derived registry image, relative to the working directory.
   * @default "apps/registry"
   */
  readonly buildContext?: string;
}

/**
 * A container registry with authentication always on: self-hosted (the distribution registry
 * as a hardened ContainerService, blobs on a PersistentVolume `<name>-data` that is retained on
 * delete and takes `protect` from the resource options, htpasswd with a generated password,
 * config delivered as files) or external (credentials passed through).
 */
export class Registry extends pulumi.ComponentResource implements RegistryCredentials {
  /** host[:port][/path] to push to and pull from. Self-hosted: resolves once the registry runs. */
  declare public readonly address: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  /** A secret. */
  declare public readonly password: pulumi.Output<string>;
  /** `.dockerconfigjson` content for a `kubernetes.io/dockerconfigjson` Secret (a secret). */
  declare public readonly dockerConfigJson: pulumi.Output<string>;
  /** Self-hosted: the service running the registry. */
  public readonly service: ContainerService | undefined;
  /** Self-hosted: the volume holding its blobs. */
  public readonly volume: PersistentVolume | undefined;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:registry:Registry", name, {}, opts);
    const spec = resolveRegistrySpec(name, args);
    if (spec.mode === "external") {
      this.address = pulumi.output(spec.address);
      this.username = pulumi.output(spec.username);
      this.password = pulumi.secret(spec.password);
    } else {
      const hosted = this.selfHosted(spec, opts?.protect);
      this.service = hosted.service;
      this.volume = hosted.volume;
      // Anything built from the address (a push, a pull Secret) waits until the registry runs and,
      // on Kubernetes, its Gateway is Programmed and its listener has accepted its HTTPRoute.
      this.address = pulumi.all([hosted.service.workloadNames, hosted.service.url]).apply(() => spec.address);
      this.username = pulumi.output(spec.username);
      this.password = hosted.password;
    }
    this.dockerConfigJson = dockerConfigJsonOf(this);
    this.registerOutputs({
      address: this.address,
      username: this.username,
      password: this.password,
      dockerConfigJson: this.dockerConfigJson,
    });
  }

  private selfHosted(
    spec: SelfHostedSpec,
    protect: boolean | undefined,
  ): { service: ContainerService; volume: PersistentVolume; password: pulumi.Output<string> } {
    // protect guards the data and the credentials; the container stays replaceable for upgrades.
    const guarded = { parent: this, protect: protect ?? false };
    const generated = new random.RandomPassword(`${spec.name}-password`, { ...PASSWORD_POLICY }, guarded);
    const volume = new PersistentVolume(
      `${spec.name}-data`,
      {
        target: spec.target,
        sizeGiB: spec.storageGiB,
        storageClass: spec.storageClass,
        namespace: spec.namespace,
        retainOnDelete: true,
      },
      guarded,
    );
    const files = selfHostedFiles(spec, pulumi.secret(generated.bcryptHash));
    const service = new ContainerService(spec.name, selfHostedServiceArgs(spec, this.image(spec), volume, files), {
      parent: this,
      protect: false,
    });
    return { service, volume, password: pulumi.secret(generated.result) };
  }

  /**
   * Docker: the upstream image with a data directory owned by the non-root user, built with
   * BuildKit (`@pulumi/docker-build`, the provider from the resource options), also on preview,
   * loaded into the engine and never pushed (no registry exists yet to push it to), with a local
   * layer cache; run by its tag, which names a hash of the build inputs
   * ({@link registryImageBuild}): other inputs, another tag, a replaced container. Kubernetes:
   * upstream as is.
   */
  private image(spec: SelfHostedSpec): pulumi.Input<string> {
    if (spec.target === "kubernetes") return spec.upstreamImage;
    const build = registryImageBuild(spec);
    const built = new dockerBuild.Image(
      `${spec.name}-image`,
      {
        tags: [build.tag],
        context: { location: build.context },
        dockerfile: { location: build.dockerfile },
        buildArgs: { ...build.buildArgs },
        push: false,
        load: true,
        buildOnPreview: true,
        cacheFrom: [{ local: { src: build.cacheDirectory } }],
        // A cache that cannot be written (a read-only checkout, a full disk) never fails the build.
        cacheTo: [{ local: { dest: build.cacheDirectory, mode: "max", ignoreError: true } }],
      },
      { parent: this, protect: false },
    );
    // The tag, known at preview, once the image is loaded: the container is created after it.
    return built.urn.apply(() => build.tag);
  }
}
