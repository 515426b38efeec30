/**
 * `npm run drift:report -- <stack> --status drifted|clean`
 *
 * Keeps one open GitHub issue per stack that has drifted (title "Drift in <stack>", label
 * "drift"): the nightly drift workflow calls it after `pulumi preview --refresh
 * --expect-no-changes`. Drifted: opens the issue, or comments on the open one, and exits 1 so
 * the run fails. Clean: comments on and closes an open one, exit 0. Uses GITHUB_TOKEN,
 * GITHUB_REPOSITORY, GITHUB_SERVER_URL and GITHUB_RUN_ID as Actions sets them; without a token
 * it prints what it would do.
 */
import { parseCommandLine, stackNames } from "../cli/args";
import { type CliIO, InputError, UsageError } from "../cli/run";

export const USAGE = "usage: npm run drift:report -- <stack> --status drifted|clean";

/** The slice of `fetch` this needs: JSON in, JSON out. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** How long one GitHub API call may take before the report fails (it answers in well under a second). */
export const GITHUB_TIMEOUT_MS = 30_000;

export const LABEL = "drift";
export const issueTitle = (stack: string) => `Drift in ${stack}`;

interface Issue {
  number: number;
  title: string;
  pull_request?: unknown;
}

export async function main(
  argv: string[],
  io: CliIO,
  env = process.env,
  fetchFn: Fetch = fetch,
  timeoutMs = GITHUB_TIMEOUT_MS,
): Promise<number> {
  const parsed = parseCommandLine(argv, { status: { type: "string" } });
  const [stack] = stackNames(parsed.positionals, 1);
  const status = parsed.values.status;
  if (status !== "drifted" && status !== "clean") throw new UsageError("--status takes drifted or clean");

  const server = env.GITHUB_SERVER_URL || "https://github.com";
  const run =
    env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : "this run";
  const message =
    status === "drifted"
      ? `\`pulumi preview --refresh --expect-no-changes --stack ${stack}\` found changes (or failed) in ${run}: what runs in ${stack} no longer matches its code and config. See docs/guides/delivery.md, "Drift".`
      : `No drift in ${stack} at ${run}: closing.`;
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token || !repository) {
    io.out(`drift ${stack}: ${status} (no GITHUB_TOKEN/GITHUB_REPOSITORY: no issue touched) ${message}`);
    return status === "drifted" ? 1 : 0;
  }
  const api = `${apiUrl(env.GITHUB_API_URL)}/repos/${checkedRepository(repository)}`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let response: Awaited<ReturnType<Fetch>>;
    try {
      response = await fetchFn(`${api}${path}`, {
        method,
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${token}`,
          "x-github-api-version": "2022-11-28",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new InputError(`drift ${stack}: GitHub did not answer ${method} ${path} within ${timeoutMs / 1000} s`);
      }
      throw new InputError(`drift ${stack}: cannot reach GitHub for ${method} ${path}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new InputError(`drift ${stack}: GitHub answered ${response.status} to ${method} ${path}`);
    try {
      return await response.json();
    } catch {
      // A proxy's or a login page's HTML, or a body cut off: not GitHub's API.
      throw new InputError(
        `drift ${stack}: ${api} answered ${method} ${path} with something other than JSON: is GITHUB_API_URL GitHub's API?`,
      );
    }
  };
  const open = await call("GET", `/issues?state=open&labels=${LABEL}&per_page=100`);
  if (!Array.isArray(open) || !open.every(isIssue))
    throw new InputError(
      `drift ${stack}: ${api} did not answer with a list of issues: is GITHUB_API_URL GitHub's API?`,
    );
  const issue = open.find((candidate) => candidate.title === issueTitle(stack) && candidate.pull_request === undefined);
  if (status === "drifted") {
    if (issue) {
      await call("POST", `/issues/${issue.number}/comments`, { body: message });
      io.out(`drift ${stack}: drifted; commented on #${issue.number}`);
    } else {
      const created = await call("POST", "/issues", {
        title: issueTitle(stack),
        body: message,
        labels: [LABEL],
      });
      if (!Number.isInteger((created as Partial<Issue> | null)?.number))
        throw new InputError(`drift ${stack}: ${api} did not answer the new issue's number`);
      io.out(`drift ${stack}: drifted; opened #${(created as Issue).number}`);
    }
    return 1;
  }
  if (issue) {
    await call("POST", `/issues/${issue.number}/comments`, { body: message });
    await call("PATCH", `/issues/${issue.number}`, { state: "closed", state_reason: "completed" });
    io.out(`drift ${stack}: clean; closed #${issue.number}`);
  } else io.out(`drift ${stack}: clean`);
  return 0;
}

function isIssue(value: unknown): value is Issue {
  const issue = value as Partial<Issue> | null;
  return (
    typeof issue === "object" && issue !== null && Number.isInteger(issue.number) && typeof issue.title === "string"
  );
}

/** GITHUB_API_URL as Actions sets it (GitHub Enterprise included), or github.com's. */
function apiUrl(given: string | undefined): string {
  if (!given) return "https://api.github.com";
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new InputError(`GITHUB_API_URL=${JSON.stringify(given)} is not a URL: unset it for https://api.github.com`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new InputError(`GITHUB_API_URL=${JSON.stringify(given)} must be an https:// URL`);
  return given.replace(/\/+$/, "");
}

/** GITHUB_REPOSITORY as Actions sets it: owner/name. */
function checkedRepository(given: string): string {
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/.test(given))
    throw new InputError(`GITHUB_REPOSITORY=${JSON.stringify(given)} must be owner/name`);
  return given;
}
