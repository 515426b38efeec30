import type { ServiceImageArgs } from "../service-image";
import { argsOf } from "../args";
import { describeValue } from "../errors";
import { isImageTag, isRepositoryPath } from "../registry/image-ref";

/** Pure checks and names of {@link ServiceImage}: its Args, the name it pushes, the reference it gives. */

/** Checks a ServiceImage's Args, throwing one ComponentArgError that lists every mistake. */
export function checkServiceImageArgs(name: string, args: ServiceImageArgs): void {
  const root = argsOf("ServiceImage", name);
  if (!args.context) root.field("context").report("must be a build context directory, e.g. apps/web");
  if (!isRepositoryPath(args.repository))
    root.field("repository").report(`must be lowercase path components, got ${describeValue(args.repository)}`);
  if (!isImageTag(args.revision))
    root
      .field("revision")
      .report(`must be a valid tag (letters, digits, '_', '.', '-'), got ${describeValue(args.revision)}`);
  else if (args.revision === "latest") root.field("revision").report(`must name a source revision, not "latest"`);
  root.problems.done({});
}

/** `address/repository:revision`: the name a ServiceImage builds, tags and pushes. */
export function serviceImageName(address: string, repository: string, revision: string): string {
  return `${address}/${repository}:${revision}`;
}

/** `address/repository:buildcache`: where a ServiceImage's layer cache lives, beside the image. */
export function buildCacheName(address: string, repository: string): string {
  return `${address}/${repository}:buildcache`;
}

/** A reference without its tag: `<address>/<repository>:<tag>` → `<address>/<repository>`. */
export function untagged(reference: string): string {
  return reference.replace(/:[^:/]+$/, "");
}

/**
 * ServiceImage.ref from the pushed image's name and the digest the build reports
 * (`repo@sha256:…`): checked to be a sha256 digest reference, which is what services deploy.
 */
export function digestReference(where: string, repoDigest: string): string {
  if (!/@sha256:[a-f0-9]{64}$/.test(repoDigest))
    throw new Error(`${where}: the registry reported "${repoDigest}", not a sha256 digest reference`);
  return repoDigest;
}
