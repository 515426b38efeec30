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

/** Whether `text` is a tag, as `docker tag` takes one: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-". */
export function isImageTag(text: string): boolean {
  return TAG.test(text);
}

/** Whether `text` is a content digest, `sha256:<64 lower-case hex>` (a local image ID has the same form). */
export function isImageDigest(text: string): boolean {
  return DIGEST.test(text);
}

/** Whether `text` is a repository path: lower-case components (letters, digits, separators) joined by "/". */
export function isRepositoryPath(text: string): boolean {
  return text.split("/").every((part) => COMPONENT.test(part));
}

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

/** `reference` parsed, when it names one immutable image (`repo[:tag]@sha256:…`); otherwise undefined. */
export function digestPinned(reference: string): ImageRef | undefined {
  const parsed = parseImageRef(reference);
  return isImageRef(parsed) && parsed.digest !== undefined ? parsed : undefined;
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
