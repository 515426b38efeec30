/** `npm run drift:report`: one open issue per drifted stack, commented on each night, closed when clean. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { type Fetch, main, USAGE } from "../../infra/delivery/drift-report";
import { runMain } from "../support/run-main";

const ENV = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "acme/dockyard", GITHUB_RUN_ID: "42" };

function github(open: { number: number; title: string; pull_request?: object }[]) {
  const calls: string[] = [];
  const fetchFn: Fetch = (url, init) => {
    calls.push(
      `${init.method} ${url.replace("https://api.github.com/repos/acme/dockyard", "")}${init.body ? ` ${init.body}` : ""}`,
    );
    const body = init.method === "GET" ? open : init.method === "POST" && url.endsWith("/issues") ? { number: 7 } : {};
    return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) });
  };
  return { calls, fetchFn };
}

const report = (env: NodeJS.ProcessEnv, fetchFn: Fetch, ...argv: string[]) =>
  runMain("drift:report", USAGE, (a, io) => main(a, io, env, fetchFn), argv);

/** A GitHub that never answers: the call ends only when its signal aborts it. */
const silent: Fetch = (_url, init) =>
  new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason as Error)));

describe("drift:report", () => {
  it("opens one issue for a drifted stack and fails the run", async () => {
    const { calls, fetchFn } = github([{ number: 3, title: "Drift in test" }]);
    const run = await report(ENV, fetchFn, "prod", "--status", "drifted");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("drift prod: drifted; opened #7\n");
    expect(calls[0]).toBe("GET /issues?state=open&labels=drift&per_page=100");
    expect(calls[1]).toMatch(
      /^POST \/issues \{"title":"Drift in prod","body":".*actions\/runs\/42.*","labels":\["drift"\]\}$/,
    );
  });

  it("comments on the open issue instead of opening another, and ignores pull requests of the same title", async () => {
    const { calls, fetchFn } = github([
      { number: 9, title: "Drift in prod", pull_request: {} },
      { number: 5, title: "Drift in prod" },
    ]);
    expect((await report(ENV, fetchFn, "prod", "--status", "drifted")).stdout).toBe(
      "drift prod: drifted; commented on #5\n",
    );
    expect(calls[1]).toMatch(/^POST \/issues\/5\/comments /);
  });

  it("closes the open issue when the stack is clean again", async () => {
    const { calls, fetchFn } = github([{ number: 5, title: "Drift in prod" }]);
    const run = await report(ENV, fetchFn, "prod", "--status", "clean");
    expect(run).toMatchObject({ code: 0, stdout: "drift prod: clean; closed #5\n" });
    expect(calls[2]).toBe('PATCH /issues/5 {"state":"closed","state_reason":"completed"}');
  });

  it("without a token says what it found and touches nothing; misuse and API errors are one line", async () => {
    const { calls, fetchFn } = github([]);
    expect((await report({}, fetchFn, "prod", "--status", "drifted")).code).toBe(1);
    expect(calls).toEqual([]);
    expect((await report(ENV, fetchFn, "prod", "--status", "maybe")).code).toBe(2);
    const denied: Fetch = () => Promise.resolve({ ok: false, status: 403, json: () => Promise.resolve({}) });
    const run = await report(ENV, denied, "prod", "--status", "clean");
    expect(run).toMatchObject({
      code: 1,
      stderr: "drift prod: GitHub answered 403 to GET /issues?state=open&labels=drift&per_page=100\n",
    });
  });

  it("fails in one line when GitHub does not answer within the limit", async () => {
    const run = await runMain("drift:report", USAGE, (a, io) => main(a, io, ENV, silent, 50), [
      "prod",
      "--status",
      "drifted",
    ]);
    expect(run).toMatchObject({
      code: 1,
      stderr: "drift prod: GitHub did not answer GET /issues?state=open&labels=drift&per_page=100 within 0.05 s\n",
    });
  });

  it("an API answering HTML, a list that is not issues, or no server at all: exit 1 in one line (real HTTP)", async () => {
    const bodies = ["<html><body>Sign in</body></html>", '{"message":"not a list"}'];
    const server = createServer((_request, response) => {
      const body = bodies.shift() ?? "";
      response.writeHead(200, { "content-type": body.startsWith("<") ? "text/html" : "application/json" });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const html = await report({ ...ENV, GITHUB_API_URL: api }, fetch, "prod", "--status", "drifted");
      expect(html).toMatchObject({
        code: 1,
        stderr: `drift prod: ${api}/repos/acme/dockyard answered GET /issues?state=open&labels=drift&per_page=100 with something other than JSON: is GITHUB_API_URL GitHub's API?\n`,
      });
      const notIssues = await report({ ...ENV, GITHUB_API_URL: api }, fetch, "prod", "--status", "drifted");
      expect(notIssues.stderr).toBe(
        `drift prod: ${api}/repos/acme/dockyard did not answer with a list of issues: is GITHUB_API_URL GitHub's API?\n`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // The port the server had is closed now: nothing answers there.
    const unreachable = await report({ ...ENV, GITHUB_API_URL: api }, fetch, "prod", "--status", "drifted");
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^drift prod: cannot reach GitHub for GET \/issues\?[^\n]*\n$/);
  });
});
