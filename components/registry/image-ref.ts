/**
 * Container image references (`[registry/]repository[:tag][@sha256:digest]`), parsed and
 * rewritten without I/O. Follows the distribution reference grammar closely enough to
 * reject what `docker pull` would reject.
 * @see https://github.com/distribution/reference
 */

/** A parsed image reference. */
export interface ImageRef {
  /** Registry host[:port]; `docker.io` when the reference names none. */
  registry: string;
  /** Repository path, e.g. `library/registry` or `team/web`. */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` */
  digest?: string;
}

const DEFAULT_REGISTRY = "docker.io";
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;

/** Parses a reference, or returns the reason it is not one. */
export function parseImageRef(reference: string): ImageRef | { error: string } {
  if (reference.trim() !== reference || reference === "")
    return { error: "must be a non-empty image reference without spaces" };
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `has digest "${digest}", expected sha256:<64 lowercase hex>` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: `has tag "${tag}", expected letters, digits, '_', '.', '-' (max 128)` };
  }
  const parts = rest.split("/");
  let registry = DEFAULT_REGISTRY;
  if (
    parts.length > 1 &&
    (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost" || parts[0].startsWith("["))
  ) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) return { error: `has registry "${registry}", expected host[:port]` };
  }
  if (parts.length === 0 || parts.some((part) => !COMPONENT.test(part))) {
    return { error: `has repository "${parts.join("/")}", expected lowercase path components` };
  }
  if (registry === DEFAULT_REGISTRY && parts.length === 1) parts.unshift("library");
  return { registry, repository: parts.join("/"), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Whether a parse result is a reference (not an error). */
export function isImageRef(parsed: ImageRef | { error: string }): parsed is ImageRef {
  return !("error" in parsed);
}

/** The canonical string of a reference: registry/repository[:tag][@digest]. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Whether a reference names one immutable image (has a digest). */
export function isDigestPinned(ref: ImageRef): boolean {
  return ref.digest !== undefined;
}

/**
 * The same reference served by a mirror registry: every image of a stack can be pulled
 * through one registry (air-gapped sites). The original registry's host becomes nothing:
 * `docker.io/example/app:1.2` through `mirror.internal:5000` is
 * `mirror.internal:5000/example/app:1.2`.
 */
export function throughMirror(ref: ImageRef, mirror: string | undefined): ImageRef {
  return mirror ? { ...ref, registry: mirror } : ref;
}
