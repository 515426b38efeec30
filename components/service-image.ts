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
    // As few outputs as the values need: the address is usually one output shared by every image.
    const imageName = fromAddress(args.registry.address, (address) =>
      serviceImageName(address, args.repository, args.revision),
    );
    const cache = fromAddress(args.registry.address, (address) => buildCacheName(address, args.repository));
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
            password: secretOnce(args.registry.password),
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
    this.imageName = typeof imageName === "string" ? pulumi.output(imageName) : imageName;
    // What all([imageName, digest]) would give (known, secret and depended on as both are), with two outputs, not six.
    this.ref = this.imageName.apply((tagged) =>
      image.digest.apply((digest) => digestReference(where, `${untagged(tagged)}@${digest}`)),
    );
    this.registerOutputs({ imageName: this.imageName, ref: this.ref });
  }
}

/** `derive(address)`: a plain value when the address is one, else one apply on its output. */
function fromAddress(
  address: pulumi.Input<string>,
  derive: (address: string) => string,
): pulumi.Output<string> | string {
  if (typeof address === "string") return derive(address);
  return (pulumi.Output.isInstance(address) ? address : pulumi.output(address)).apply(derive);
}

/** One secret output per registry password, shared by every image pushing with it (each would make the same). */
const secrets = new WeakMap<object, pulumi.Output<string>>();

/** The password as a secret output: the one already made for this password object, if any. */
function secretOnce(password: pulumi.Input<string>): pulumi.Output<string> {
  if (typeof password !== "object") return pulumi.secret(password);
  let secret = secrets.get(password);
  if (secret === undefined) {
    secret = pulumi.secret(password);
    secrets.set(password, secret);
  }
  return secret;
}
