import { isAbsolute, posix, relative } from "node:path";
import { type BoundedRunOptions, outputOf } from "./cli/bounded-run";
import { InputError } from "./cli/run";
// The grammar module alone: every command checks the revision first, before loading the SDKs.
import { isImageTag } from "../components/registry/image-ref";

/**
 * Read once per process, directory and build context: a program or a test run evaluates its
 * stacks many times, and git processes per evaluation were a measurable share of the Node suite.
 */
const fromGit = new Map<string, string>();

/** What git says of a working tree once for all its build contexts, or undefined outside git. */
const worktrees = new Map<string, Worktree | undefined>();

interface Worktree {
  shallow: boolean;
  /** The repository's top level and the directory asked from, relative to it ("" or "sub/"). */
  toplevel: string;
  prefix: string;
  /** Every changed or untracked path, relative to the top level. */
  changed: string[];
}

/**
 * The revision an image built from `context` (a directory such as `apps/web`) is tagged with:
 * `DOCKYARD_SOURCE_REVISION` when set, else the full commit that last changed that directory,
 * with `-dirty` when the directory has uncommitted changes (so a tag never claims to be a
 * commit it is not). It depends on the image's own source only: a commit or an edit elsewhere
 * (a stack file `pin` rewrites, docs) leaves every image, and so previews and drift, unchanged.
 */
export function sourceRevision(context: string, cwd = process.cwd()): string {
  const fromEnv = sourceRevisionFromEnvironment();
  if (fromEnv !== undefined) return fromEnv;
  const key = `${cwd}\0${context}`;
  let revision = fromGit.get(key);
  if (revision === undefined) {
    revision = gitRevision(context, cwd);
    fromGit.set(key, revision);
  }
  return revision;
}

/**
 * `DOCKYARD_SOURCE_REVISION` when set and valid; an {@link InputError} naming it when set and
 * invalid. Every command checks it before its work (infra/cli/run.ts), so a bad value is one
 * line, exit 1, rather than a failure in the middle of a program's evaluation.
 */
export function sourceRevisionFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.DOCKYARD_SOURCE_REVISION;
  if (fromEnv === undefined || fromEnv === "") return undefined;
  if (!isImageTag(fromEnv))
    throw new InputError(
      `DOCKYARD_SOURCE_REVISION=${JSON.stringify(fromEnv)} is not a valid image tag (up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'): set it to the commit, or unset it to use git's`,
    );
  return fromEnv;
}

function gitRevision(context: string, cwd: string): string {
  if (!worktrees.has(cwd)) worktrees.set(cwd, readWorktree(cwd));
  const tree = worktrees.get(cwd);
  if (tree === undefined) return "unversioned";
  if (tree.shallow)
    throw new InputError(
      `${cwd} is a shallow git clone, which cannot tell which commit last changed ${context}: fetch its full history (git fetch --unshallow; actions/checkout with fetch-depth: 0)`,
    );
  const commit = git(cwd, "log", "-1", "--format=%H", "--", context)?.trim();
  if (!commit) return "unversioned";
  const inRepository = isAbsolute(context) ? relative(tree.toplevel, context) : posix.join(tree.prefix, context);
  const root = posix.normalize(inRepository).replace(/\/+$/, "");
  // Untracked files count: a build context sends them to the builder too.
  const dirty = tree.changed.some((file) => root === "." || file === root || file.startsWith(`${root}/`));
  return dirty ? `${commit}-dirty` : commit;
}

/** Read once per directory: with one `git log` per context, 2 + k git processes where 3k were. */
function readWorktree(cwd: string): Worktree | undefined {
  const revParse = git(cwd, "rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-prefix")?.trimEnd();
  if (revParse === undefined) return undefined;
  const [shallow, toplevel, prefix = ""] = revParse.split("\n");
  return { shallow: shallow === "true", toplevel, prefix, changed: changedPaths(cwd) };
}

/**
 * `git status --porcelain -z`: entries "XY path", NUL-terminated and unquoted; a rename or copy
 * (X or Y is R or C) is followed by its original path, and both count as changed.
 */
function changedPaths(cwd: string): string[] {
  const entries = (git(cwd, "status", "--porcelain", "-z", "--untracked-files=all") ?? "").split("\0");
  const changed: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    changed.push(entry.slice(3));
    if (/[RC]/.test(entry.slice(0, 2)) && i + 1 < entries.length) changed.push(entries[++i]);
  }
  return changed;
}

const GIT_TIMEOUT_MS = 10_000;

/** git's output, or undefined when it fails (not a repository, no git). */
function git(cwd: string, ...args: string[]): string | undefined {
  // git answers in milliseconds; a repository on a hung network mount must not hang synth.
  const options: BoundedRunOptions = { cwd, stdio: ["ignore", "pipe", "ignore"], timeoutMs: GIT_TIMEOUT_MS };
  try {
    return outputOf("git", args, options);
  } catch {
    return undefined;
  }
}
