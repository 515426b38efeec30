import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import {
  buildCacheName,
  checkServiceImageArgs,
  digestReference,
  serviceImageName,
  untagged,
} from "./service-image/resolve";

/** Where an image is pushed, and the credentials to push it. */
export interface RegistryEndpoint {
  /** Registry address, host[:port][/path], e.g. `registry.example.com:5000`. */
  address: pulumi.Input<string>;
  /** User allowed to push. */
  username: pulumi.Input<string>;
  /** Password or token of that user (a secret). */
  password: pulumi.Input<string>;
}

/** Arguments of {@link ServiceImage}. */
export interface ServiceImageArgs {
  /** Build context directory, e.g. `apps/web`. */
  context: string;
  /** Dockerfile, relative to the context. @default "Dockerfile" */
  dockerfile?: string;
  /** Repository name inside the registry, e.g. `web`. */
  repository: string;
  /** Tag: the source revision the image is built from (see infra/source-revision.ts). */
  revision: string;
  /** Registry to push to. */
  registry: RegistryEndpoint;
  /** Build arguments, e.g. `BASE_IMAGE` resolved through the stack's mirror. @default {} */
  buildArgs?: Record<string, pulumi.Input<string>>;
  /** Target platform. @default "linux/amd64" */
  platform?: string;
  /**
   * Build during `pulumi preview` too (never pushed then): a broken Dockerfile or base fails the
   * pull request's preview instead of the deploy. @default true
   */
  buildOnPreview?: boolean;
}

/**
 * A service's image: built from its source in `apps/` with BuildKit (`@pulumi/docker-build`),
 * tagged with the source revision, pushed with the registry's credentials, and referenced by
 * digest (`repo@sha256:…`) so a deployment runs exactly the bytes that were built, never whatever a
 * tag points at later. Layers are cached in the registry (`<repository>:buildcache`), so a build
 * reuses what the last one made.
 */
export class ServiceImage extends pulumi.ComponentResource {
  /** `registry/repository:revision`, the mutable name the build was tagged with. */
  declare public readonly imageName: pulumi.Output<string>;
  /** `registry/repository@sha256:<digest>`: what services deploy. */
  declare public readonly ref: pulumi.Output<string>;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:image:ServiceImage", name, {}, opts);
    const where = `ServiceImage "${name}"`;
    checkServiceImageArgs(name, args);
    const imageName = pulumi
      .output(args.registry.address)
      .apply((address) => serviceImageName(address, args.repository, args.revision));
    const cache = pulumi.output(args.registry.address).apply((address) => buildCacheName(address, args.repository));
    const image = new dockerBuild.Image(
      name,
      {
        tags: [imageName],
        context: { location: args.context },
        dockerfile: { location: `${args.context}/${args.dockerfile ?? "Dockerfile"}` },
        buildArgs: args.buildArgs ?? {},
        platforms: [(args.platform ?? "linux/amd64") as dockerBuild.Platform],
        push: true,
        registries: [
          {
            address: args.registry.address,
            username: args.registry.username,
            password: pulumi.secret(args.registry.password),
          },
        ],
        cacheFrom: [{ registry: { ref: cache } }],
        // A preview exports the cache too; with read-only credentials that fails, and must not fail the preview.
        cacheTo: [
          { registry: { ref: cache, mode: "max", imageManifest: true, ociMediaTypes: true, ignoreError: true } },
        ],
        buildOnPreview: args.buildOnPreview ?? true,
      },
      { parent: this },
    );
    this.imageName = imageName;
    this.ref = pulumi
      .all([imageName, image.digest])
      .apply(([tagged, digest]) => digestReference(where, `${untagged(tagged)}@${digest}`));
    this.registerOutputs({ imageName: this.imageName, ref: this.ref });
  }
}
