import { isImageDigest, isImageRef, parseImageRef } from "../../components";
import { InputError } from "../cli/run";
import { validateConfig } from "../config";
import { settingsConfigSource } from "../config-source";
import { backsUp, builtServices, catalog } from "../platform";
import { OFFLINE_SECRET_VALUE, readStackSettings } from "../stack-file";

/** How `pulumi stack output --json` prints a secret without `--show-secrets`. */
const MASKED = "[secret]";

/**
 * Where a stack file pins an image, below its `image` key: `services.<name>` for a service,
 * `backup` for the backup tool. Outputs, promotion and pinning all speak of images by slot.
 */
export type ImageSlot = string;

/** An image a stack deployed: where its registry serves it, and the digest that names it. */
export interface DeployedImage {
  /** Repository path below the registry address, e.g. `web`. */
  repository: string;
  digest: string;
}

/** A stack's registry address (`host[:port][/path]`), from its settings file: images are pinned under it. */
export function registryAddressOf(stack: string, file: string): string {
  const { data } = validateConfig(catalog, settingsConfigSource(readStackSettings(file)));
  const address = data.registry.address;
  if (address === undefined)
    throw new InputError(
      `${file}: ${stack} sets no registry.address: promotion pins images at the address its registry serves them (set dockyard:registry.address)`,
    );
  if (address.includes(OFFLINE_SECRET_VALUE))
    throw new InputError(
      `${file}: ${stack}'s registry.address is a secret: promotion cannot write a reference under it`,
    );
  return address.replace(/\/+$/, "");
}

/**
 * What outputs are read for, which decides how complete they must be:
 * - `promoted`: a deployed stack's, promoted to the next: every service and the backup tool,
 *   nothing the program does not declare;
 * - `built`: CI's build (`out/images.json`): what it built; a service whose image the stack file
 *   pins on purpose is not rebuilt, so it is absent;
 * - `deployed`: what a stack runs now (`pin --deployed`, before previews and drift), deployed by
 *   older code: a service this program no longer declares (removed, renamed) is ignored, and one
 *   it adds, or a backup tool the outputs do not report, is simply not pinned.
 */
export type OutputsUse = "promoted" | "built" | "deployed";

/**
 * The images a stack deployed, by slot, from its outputs as `pulumi stack output --json` prints
 * them: services (`images`) and the backup tool (`backupImage`), each `<registry
 * address>/<repository>@sha256:<64 hex>` under `registry` (the stack's own registry), as
 * complete as `use` requires. Anything else is refused, one line per problem.
 */
export function deployedImages(
  outputs: unknown,
  source: string,
  registry: string,
  use: OutputsUse = "promoted",
): Record<ImageSlot, DeployedImage> {
  const problems: string[] = [];
  const refuse = (key: string, why: string) => problems.push(`${source}: ${key} ${why}`);
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs))
    throw new InputError(`${source}: must be a JSON object of stack outputs (pulumi stack output --json)`);
  const { images, backupImage, registry: reported } = outputs as Record<string, unknown>;
  if (typeof images !== "object" || images === null || Array.isArray(images))
    throw new InputError(`${source}: has no "images" object: is it the output of pulumi stack output --json?`);
  if (reported !== undefined && reported !== MASKED && reported !== registry)
    refuse(
      "registry",
      `is ${JSON.stringify(reported)}, not this stack's registry ${registry}: outputs of another stack?`,
    );
  const services = builtServices;
  const found: Record<string, DeployedImage> = {};
  for (const [name, value] of Object.entries(images as Record<string, unknown>)) {
    const key = `images.${name}`;
    if (!services.includes(name)) {
      if (use !== "deployed") refuse(key, `names no service of this program (services: ${services.join(", ")})`);
      continue;
    }
    const image = checkImage(value, registry);
    if ("problem" in image) refuse(key, image.problem);
    else found[`services.${name}`] = image;
  }
  if (use === "promoted")
    for (const name of services)
      if (!(name in images)) refuse(`images.${name}`, "is missing: every service's deployed image is promoted");
  if (backupImage !== undefined) {
    const image = checkImage(backupImage, registry);
    if ("problem" in image) refuse("backupImage", image.problem);
    else found.backup = image;
  } else if (use === "promoted" && backsUp)
    refuse(
      "backupImage",
      "is missing: the backup tool's deployed image is promoted too (deploy with this version first)",
    );
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return found;
}

function checkImage(value: unknown, registry: string): DeployedImage | { problem: string } {
  if (value === MASKED) return { problem: "is a secret in the outputs: promotion needs the reference itself" };
  if (typeof value !== "string" || value.length > 512)
    return { problem: "must be an image reference repo@sha256:<64 hex>" };
  const shown = JSON.stringify(value);
  const ref = parseImageRef(value);
  if (!isImageRef(ref)) return { problem: `is ${shown}: ${ref.error}` };
  if (ref.tag !== undefined || ref.digest === undefined || !isImageDigest(ref.digest))
    return { problem: `is ${shown}, not repo@sha256:<64 hex>: only a digest names what was deployed` };
  const name = `${ref.registry}/${ref.repository}`;
  if (!name.startsWith(`${registry}/`))
    return { problem: `is ${shown}, not served by this stack's registry ${registry}` };
  return { repository: name.slice(registry.length + 1), digest: ref.digest };
}

/** `<registry>/<repository>@<digest>`: the reference a stack pins, served by its own registry. */
export function pinnedReference(registry: string, image: DeployedImage): string {
  return `${registry}/${image.repository}@${image.digest}`;
}
