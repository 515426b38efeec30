/**
 * Finds container image references pinned by a tag or a digest in source text, and judges each
 * against the version inventory (versions.json). What counts as a reference is deliberately
 * narrow, so words like `node:fs`, `dockyard:target`, `localhost:5000` or `65532:65532` are not:
 *   - anything with a digest (`@sha256:<64 hex>`, or abbreviated `@sha256:6c5666b8…457e`);
 *   - a registry host and a path with a tag (`gcr.io/distroless/nodejs24-debian12:nonroot`);
 *   - a path with a tag holding a digit (`restic/restic:0.18.1`);
 *   - a bare name with a tag holding a digit and not only digits (`node:24-alpine`), or any tag
 *     when the name is one the inventory pins (`registry:2`);
 *   - in a Dockerfile, any image in a `FROM` or an `ARG` default.
 * URLs (`http://web:8080/`) are not references.
 */
import { builtinModules } from "node:module";
import { isImageRef, parseImageRef } from "../../components/registry/image-ref";

/** One image the inventory pins (versions.json `images.<key>`). */
export interface PinnedImage {
  readonly key: string;
  readonly ref: string;
  /** Dockerfile path → the ARG whose default is this image. */
  readonly dockerfileArgs: Readonly<Record<string, string>>;
}

/** A reference found in a file. */
export interface Found {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** In a comment: it may name a version for readers, as long as it agrees. */
  readonly comment: boolean;
  /** A Dockerfile `ARG <name>=<image>` default. */
  readonly dockerfileArg?: string;
}

const TOKEN = /[A-Za-z0-9][A-Za-z0-9._:/@…-]*/g;
const FULL_DIGEST = /^sha256:[0-9a-f]{64}$/;
const SHORT_DIGEST = /^sha256:([0-9a-f]*)…([0-9a-f]*)$/;
const JS_LIKE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const NODE_BUILTINS = new Set(builtinModules);

/** The parts of a reference, its digest possibly abbreviated. */
interface Parts {
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

function split(text: string): Parts | undefined {
  const at = text.indexOf("@");
  const digest = at < 0 ? undefined : text.slice(at + 1);
  if (digest !== undefined && !FULL_DIGEST.test(digest) && !SHORT_DIGEST.test(digest)) return undefined;
  const rest = at < 0 ? text : text.slice(0, at);
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  const [name, tag] = colon > slash ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, undefined];
  const parsed = parseImageRef(`${name}${tag === undefined ? "" : `:${tag}`}`);
  return isImageRef(parsed) ? { name, tag, digest } : undefined;
}

/** Whether the text names an image the way an image is pinned (see the module comment). */
function isReference(parts: Parts, pinnedNames: ReadonlySet<string>, inDockerfileInstruction: boolean): boolean {
  const { name, tag, digest } = parts;
  if (tag === undefined && digest === undefined) return false;
  if (!/[a-z]/.test(name) || name === "sha256") return false;
  // host:port, not an image.
  if (!name.includes("/") && (name.includes(".") || name === "localhost") && /^\d+$/.test(tag ?? "")) return false;
  if (name === "node" && tag !== undefined && NODE_BUILTINS.has(tag)) return false;
  if (digest !== undefined || inDockerfileInstruction) return true;
  const hasDigit = /\d/.test(tag ?? "");
  const first = name.split("/")[0];
  if (name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return true;
  if (name.includes("/")) return hasDigit;
  return pinnedNames.has(name) || (hasDigit && !/^\d+$/.test(tag ?? ""));
}

/** Character ranges of comments: `//` and `/* … *\/` in JavaScript-like files, `#` elsewhere. */
function commentRanges(file: string, text: string): [number, number][] {
  const ranges: [number, number][] = [];
  if (file.endsWith(".json")) return ranges;
  if (!JS_LIKE.test(file)) {
    let offset = 0;
    for (const line of text.split("\n")) {
      const hash = /(^|\s)#/.exec(line);
      if (hash) ranges.push([offset + hash.index, offset + line.length]);
      offset += line.length + 1;
    }
    return ranges;
  }
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      ranges.push([i, end < 0 ? text.length : end]);
      i = end < 0 ? text.length : end;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      ranges.push([i, end < 0 ? text.length : end + 2]);
      i = end < 0 ? text.length : end + 1;
    }
  }
  return ranges;
}

/** Every image reference pinned by a tag or digest in one file's text. */
export function findReferences(file: string, text: string, pinnedNames: ReadonlySet<string>): Found[] {
  const comments = commentRanges(file, text);
  const dockerfile = /(^|\/)Dockerfile$/.test(file);
  const found: Found[] = [];
  for (const match of text.matchAll(TOKEN)) {
    if (match[0].includes("://")) continue;
    const token = match[0].replace(/[.:,;/-]+$/, "");
    const lineStart = text.lastIndexOf("\n", match.index) + 1;
    const before = text.slice(lineStart, match.index);
    const comment = comments.some(([start, end]) => match.index >= start && match.index < end);
    const arg = dockerfile && !comment ? /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=$/.exec(before)?.[1] : undefined;
    const instruction = dockerfile && !comment && (arg !== undefined || /^\s*FROM\s+(--\S+\s+)*$/i.test(before));
    const parts = split(token);
    if (parts === undefined || !isReference(parts, pinnedNames, instruction)) continue;
    found.push({
      file,
      line: text.slice(0, match.index).split("\n").length,
      text: token,
      comment,
      ...(arg === undefined ? {} : { dockerfileArg: arg }),
    });
  }
  return found;
}

/** `example`, `.invalid`, synth's stand-in: a placeholder in documentation, never pulled. */
function isPlaceholder(parts: Parts): boolean {
  const components = parts.name.split(/[/.:]/);
  if (components.some((c) => c === "example" || c === "invalid" || c.includes("offline-secret-value"))) return true;
  const short = parts.digest === undefined ? undefined : SHORT_DIGEST.exec(parts.digest);
  if (short && short[1].length + short[2].length < 4) return true;
  return parts.digest !== undefined && /^sha256:(.)\1{63}$/.test(parts.digest);
}

/** The repository an image is, whatever registry serves it (a mirror serves the same image). */
function repositoryOf(name: string): string {
  const parsed = parseImageRef(name);
  return isImageRef(parsed) ? parsed.repository : name;
}

function agrees(parts: Parts, pinned: Parts): boolean {
  if (parts.tag !== undefined && parts.tag !== pinned.tag) return false;
  if (parts.digest === undefined) return true;
  if (pinned.digest === undefined) return false;
  const short = SHORT_DIGEST.exec(parts.digest);
  if (short === null) return parts.digest === pinned.digest;
  const hex = pinned.digest.slice("sha256:".length);
  return hex.startsWith(short[1]) && hex.endsWith(short[2]);
}

/** What is wrong with a found reference, or undefined when it may stand where it is. */
export function judge(found: Found, images: readonly PinnedImage[]): string | undefined {
  const parts = split(found.text);
  if (parts === undefined || isPlaceholder(parts)) return undefined;
  const repository = repositoryOf(parts.name);
  // Built here, never pulled from elsewhere: dockyard's own images and the tests' stand-ins.
  if (repository.startsWith("dockyard/") || repository.startsWith("dockyard-test/")) return undefined;
  const where = `${found.file}:${found.line}: ${found.text}`;
  const image = images.find((candidate) => repositoryOf(split(candidate.ref)!.name) === repository);
  if (image === undefined) return `${where} is not in versions.json: list it under images (and read it from there)`;
  if (!agrees(parts, split(image.ref)!))
    return `${where} disagrees with versions.json images.${image.key}: ${image.ref}`;
  if (found.comment) return undefined;
  if (found.dockerfileArg !== undefined && image.dockerfileArgs[found.file] === found.dockerfileArg)
    return found.text === image.ref
      ? undefined
      : `${where} must be exactly versions.json images.${image.key}: ${image.ref}`;
  return found.dockerfileArg === undefined
    ? `${where} repeats versions.json images.${image.key}: read it from versions.json`
    : `${where} is a default of ARG ${found.dockerfileArg}, which versions.json images.${image.key}.dockerfileArgs does not list for ${found.file}`;
}
