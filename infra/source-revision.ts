import { type BoundedRunOptions, outputOf } from "./cli/bounded-run";
import { InputError } from "./cli/run";

/**
 * Read once per process, directory and build context: a program or a test run evaluates its
 * stacks many times, and git processes per evaluation were a measurable share of the Node suite.
 */
const fromGit = new Map<string, string>();

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
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(fromEnv))
    throw new InputError(
      `DOCKYARD_SOURCE_REVISION=${JSON.stringify(fromEnv)} is not a valid image tag (up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'): set it to the commit, or unset it to use git's`,
    );
  return fromEnv;
}

const GIT_TIMEOUT_MS = 10_000;

function gitRevision(context: string, cwd: string): string {
  // git answers in milliseconds; a repository on a hung network mount must not hang synth.
  const options: BoundedRunOptions = { cwd, stdio: ["ignore", "pipe", "ignore"], timeoutMs: GIT_TIMEOUT_MS };
  const git = (...args: string[]) => {
    try {
      return outputOf("git", args, options).trim();
    } catch {
      return undefined;
    }
  };
  if (git("rev-parse", "--is-shallow-repository") === "true")
    throw new InputError(
      `${cwd} is a shallow git clone, which cannot tell which commit last changed ${context}: fetch its full history (git fetch --unshallow; actions/checkout with fetch-depth: 0)`,
    );
  const commit = git("log", "-1", "--format=%H", "--", context);
  if (!commit) return "unversioned";
  // Untracked files count: a build context sends them to the builder too.
  const dirty = git("status", "--porcelain", "--", context);
  return dirty ? `${commit}-dirty` : commit;
}
