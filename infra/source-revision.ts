import { type BoundedRunOptions, outputOf } from "./cli/bounded-run";
import { InputError } from "./cli/run";

/**
 * Read once per process and directory: a program or a test run evaluates its stacks many times,
 * and two git processes per evaluation were a measurable share of the Node suite.
 */
const fromGit = new Map<string, string>();

/**
 * The source revision images are tagged with: `DOCKYARD_SOURCE_REVISION` when CI sets
 * it, else the short git commit, with `-dirty` when the working tree has changes (so a
 * tag never claims to be a commit it is not). Characters are those a Docker tag allows.
 */
export function sourceRevision(cwd = process.cwd()): string {
  const fromEnv = sourceRevisionFromEnvironment();
  if (fromEnv !== undefined) return fromEnv;
  let revision = fromGit.get(cwd);
  if (revision === undefined) {
    revision = gitRevision(cwd);
    fromGit.set(cwd, revision);
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

function gitRevision(cwd: string): string {
  try {
    // git answers in milliseconds; a repository on a hung network mount must not hang synth.
    const options: BoundedRunOptions = { cwd, stdio: ["ignore", "pipe", "ignore"], timeoutMs: GIT_TIMEOUT_MS };
    const commit = outputOf("git", ["rev-parse", "--short=12", "HEAD"], options).trim();
    const dirty = outputOf("git", ["status", "--porcelain", "--untracked-files=no"], options).trim();
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return "unversioned";
  }
}
