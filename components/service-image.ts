import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ArgProblems, argsOf } from "./container/validate";
import { describeValue } from "./errors";

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

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

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

/** Checks a ServiceImage's Args, throwing one ComponentArgError that lists every mistake. */
export function checkServiceImageArgs(name: string, args: ServiceImageArgs): void {
  const root = argsOf("ServiceImage", name);
  const problems = new ArgProblems();
  if (!args.context)
    problems.check(() => root.field("context").fail("must be a build context directory, e.g. apps/web"));
  if (!REPOSITORY.test(args.repository))
    problems.check(() =>
      root.field("repository").fail(`must be lowercase path components, got ${describeValue(args.repository)}`),
    );
  if (!TAG.test(args.revision))
    problems.check(() =>
      root
        .field("revision")
        .fail(`must be a valid tag (letters, digits, '_', '.', '-'), got ${describeValue(args.revision)}`),
    );
  else if (args.revision === "latest")
    problems.check(() => root.field("revision").fail(`must name a source revision, not "latest"`));
  problems.throwIfAny();
}

/** `address/repository:revision`: the name a ServiceImage builds, tags and pushes. */
export function serviceImageName(address: string, repository: string, revision: string): string {
  return `${address}/${repository}:${revision}`;
}

/**
 * ServiceImage.ref from docker.Image's `repoDigest` (the pushed image's `repo@sha256:…` entry):
 * checked to be a sha256 digest reference, which is what services deploy.
 */
export function digestReference(where: string, repoDigest: string): string {
  if (!/@sha256:[a-f0-9]{64}$/.test(repoDigest))
    throw new Error(`${where}: the registry reported "${repoDigest}", not a sha256 digest reference`);
  return repoDigest;
}
