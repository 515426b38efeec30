/**
 * docs/guides/adding-an-environment.md, done: in a scratch copy of this working tree, its steps in
 * the repository exactly as the guide writes them — the copy command run by a shell, the YAML of
 * the keys to change merged into the copied file, then each check command run by npm. Its last
 * check, `npm run ci:pull-request`, would run `npm test` (and so this test) again: its other
 * steps run instead, through the same `runSteps` (scripts/ci-pull-request.cjs). Then the
 * workflows' structure and least-privilege tests run in the copy, where staging now is a CI
 * environment, and `ci:environments` shows that the workflows cover it: its preview and drift
 * check (`ci`) and its place in the deploy chain (`build-stages`).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { runBounded } from "../../infra/cli/bounded-run";
import { blockAfter as guideBlock, childEnvironment, commandLines, scratchCopy } from "../support/scratch-copy";

const GUIDE = readFileSync("docs/guides/adding-an-environment.md", "utf8");

const blockAfter = (heading: string, lang: string) => guideBlock(GUIDE, heading, lang);

const COPY = blockAfter("### 1. Copy the stack it mirrors", "sh");
const CHANGES = blockAfter("### 2. Give it its own endpoints", "yaml");
const CHECKS = blockAfter("### 3. Check it", "sh");
const commands = commandLines;

/** Sets every key the guide's YAML gives in the file's document, keeping the rest (and its comments). */
function mergeInto(file: string, changes: string): void {
  const document = parseDocument(readFileSync(file, "utf8"));
  const set = (path: string[], value: unknown) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      for (const [key, inner] of Object.entries(value)) set([...path, key], inner);
    else document.setIn(path, value);
  };
  set([], parse(changes));
  writeFileSync(file, document.toString());
}

describe("the guide to adding an environment", () => {
  it("names the commands the test runs: a copy, then synth, parity, policy, ci:environments and the pull-request checks", () => {
    expect(commands(COPY)).toEqual(["cp stacks/Pulumi.test.yaml stacks/Pulumi.staging.yaml"]);
    expect(CHANGES.split("\n")[0]).toBe("# stacks/Pulumi.staging.yaml: the keys that differ from test's");
    expect(commands(CHECKS)).toEqual([
      "npm run synth -- staging",
      "npm run parity -- staging prod",
      "npm run policy -- staging",
      "npm run ci:environments",
      "npm run ci:pull-request",
    ]);
  });

  it("done in a scratch copy, every check passes and the workflows cover staging", { timeout: 600_000 }, (context) => {
    const root = scratchCopy("new-environment");
    context.onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const env = childEnvironment();
    const run = (command: string, args: string[]) => {
      const result = runBounded(command, args, { cwd: root, env, timeoutMs: 300_000 });
      expect(result.status, `${[command, ...args].join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
      return result.stdout;
    };

    // 1. As written, by a shell.
    for (const line of commands(COPY)) run("sh", ["-c", line]);
    // 2. The keys the guide gives, set in the file its block names.
    const target = /^# (\S+):/.exec(CHANGES)![1];
    mergeInto(join(root, target), CHANGES);
    const staging = (parse(readFileSync(join(root, target), "utf8")) as { config: Record<string, unknown> }).config;
    expect(staging["dockyard:endpoints"]).toMatchObject({ namespace: "dockyard-staging" });
    // The rest of the copy is test's (the TLS source beside the changed issuer too).
    expect(staging["dockyard:gateway"]).toMatchObject({
      tls: { source: "cert-manager", issuer: "internal-ca-staging" },
    });

    // 3. Each check as written; ci:pull-request's steps but npm test.
    const { STEPS, runSteps } = createRequire(`${process.cwd()}/`)("./scripts/ci-pull-request.cjs") as {
      STEPS: string[];
      runSteps: (
        steps: string[],
        options: { cwd: string; env: NodeJS.ProcessEnv; capture: boolean },
      ) => { ok: boolean; output: string };
    };
    const outputs = new Map<string, string>();
    for (const line of commands(CHECKS)) {
      if (line === "npm run ci:pull-request") {
        const steps = STEPS.filter((step) => step !== "npm test");
        expect(steps).toEqual(["npm run ci:synth", "npm run parity", "npm run ci:policy"]);
        const result = runSteps(steps, { cwd: root, env, capture: true });
        expect(result.ok, result.output).toBe(true);
        outputs.set(line, result.output);
      } else {
        const [command, ...args] = line.split(" ");
        outputs.set(line, run(command, args));
      }
    }

    expect(outputs.get("npm run synth -- staging")).toMatch(/staging: \d+ resources → out\/staging\//);
    expect(outputs.get("npm run parity -- staging prod")).toMatch(/^parity staging ≡ prod: mirrored/m);
    expect(outputs.get("npm run policy -- staging")).toMatch(
      /^policy staging: \d+ resources, no violations \(advisory: staging is not a protected environment\)$/m,
    );
    const pullRequest = outputs.get("npm run ci:pull-request")!;
    expect(pullRequest).toMatch(/^staging: \d+ resources → out\/synth\/staging\//m);
    expect(pullRequest).toMatch(/^parity test ≡ prod: mirrored/m);
    expect(pullRequest).toMatch(/^parity staging ≡ prod: mirrored/m);
    expect(pullRequest).toMatch(/^policy staging: \d+ resources, no violations/m);
    expect(pullRequest).toMatch(/^policy prod: \d+ resources, no violations \(config policy\/config\/prod\.json\)/m);

    // The workflows cover staging: previews and drift (ci), and the deploy chain (a build stage beside test).
    const printed = outputs.get("npm run ci:environments")!;
    const { matrices } = JSON.parse(printed.slice(printed.indexOf("{"))) as {
      matrices: Record<string, { stack: string; from?: string }[]>;
    };
    expect(matrices.ci.map((leg) => leg.stack)).toEqual(["staging", "test", "prod"]);
    expect(matrices["build-stages"].map((leg) => leg.stack)).toEqual(["staging", "test"]);
    expect(matrices.promoted).toEqual([{ stack: "prod", from: "test", policyConfig: "policy/config/prod.json" }]);

    // And the workflows' own tests hold there: valid workflows, no stack named in them, read-only
    // previews and drift checks in staging's environments, each documented by the delivery guide.
    run(process.execPath, [
      "node_modules/vitest/vitest.mjs",
      "run",
      "--project",
      "node",
      "test/delivery/workflows.test.ts",
      "test/delivery/least-privilege.test.ts",
      "test/delivery/no-environment-names.test.ts",
    ]);
  });
});
