import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { checkServiceImageArgs, digestReference, serviceImageName } from "./service-image/resolve";

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
  /** Build during `pulumi preview` too (slow; previews otherwise show the digest as unknown). @default false */
  buildOnPreview?: boolean;
}

/**
 * A service's image: built from its source in `apps/`, tagged with the source revision,
 * pushed with the registry's credentials, and referenced by digest (`repo@sha256:…`) so a
 * deployment runs exactly the bytes that were built, never whatever a tag points at later.
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
    const image = new docker.Image(
      name,
      {
        imageName,
        build: {
          context: args.context,
          dockerfile: `${args.context}/${args.dockerfile ?? "Dockerfile"}`,
          args: args.buildArgs ?? {},
          platform: args.platform ?? "linux/amd64",
        },
        registry: {
          server: args.registry.address,
          username: args.registry.username,
          password: pulumi.secret(args.registry.password),
        },
        buildOnPreview: args.buildOnPreview ?? false,
        skipPush: false,
      },
      { parent: this },
    );
    this.imageName = image.imageName;
    this.ref = image.repoDigest.apply((digest) => digestReference(where, digest));
    this.registerOutputs({ imageName: this.imageName, ref: this.ref });
  }
}
