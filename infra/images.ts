import type * as pulumi from "@pulumi/pulumi";
import {
  ServiceImage,
  formatImageRef,
  isImageRef,
  parseImageRef,
  throughMirror,
  type RegistryEndpoint,
} from "../components";
import type { Platform, PlatformService } from "./platform";

/** An image reference as it is pulled in this stack: through the mirror when one is set. */
export function mirrored(reference: string, mirror: string | undefined): string {
  const ref = parseImageRef(reference);
  if (!isImageRef(ref)) throw new Error(`invalid image reference "${reference}" in infra/platform.ts: ${ref.error}`);
  return formatImageRef(throughMirror(ref, mirror));
}

/**
 * The image each service runs: built from source by a ServiceImage (pushed to the stack's
 * registry, deployed by digest), or the reference config gives (CI promoting a tested build).
 * `revisionOf` names the source revision of a build context (infra/source-revision.ts).
 */
export function serviceImages(
  platform: Platform,
  registry: RegistryEndpoint,
  revisionOf: (context: string) => string,
  opts: pulumi.ComponentResourceOptions,
): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(
    platform.services.map((service) => [service.name, imageOf(service, platform, registry, revisionOf, opts)]),
  );
}

function imageOf(
  service: PlatformService,
  platform: Platform,
  registry: RegistryEndpoint,
  revisionOf: (context: string) => string,
  opts: pulumi.ComponentResourceOptions,
): pulumi.Input<string> {
  if ("ref" in service.image) return service.image.ref;
  if ("upstream" in service.image) return mirrored(service.image.upstream, platform.registry.mirror);
  const { app, baseImages } = service.image.build;
  const revision = revisionOf(`apps/${app}`);
  const buildArgs = Object.fromEntries(
    Object.entries(baseImages).map(([arg, ref]) => [arg, mirrored(ref, platform.registry.mirror)]),
  );
  return new ServiceImage(
    service.name,
    {
      context: `apps/${app}`,
      repository: service.name,
      revision,
      registry,
      buildArgs: { ...buildArgs, REVISION: revision },
    },
    opts,
  ).ref;
}
