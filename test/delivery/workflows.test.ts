/**
 * The GitHub Actions workflows: each validates against GitHub's own workflow schema
 * (@actions/workflow-parser), and the structure that matters holds — actions pinned by full
 * commit SHA with their tag, least-privilege permissions per job, deploys serialised per stack,
 * prod behind an approved environment, after test, verifying signatures before it deploys, and
 * every `run:` an npm script that exists.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runBounded } from "../../infra/cli/bounded-run";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * Every action the workflows use, pinned to the commit its release tag points at (read with
 * `git rev-parse <tag>^{commit}` in a clone of the action's repository), and the inputs its
 * action.yml declares at that commit.
 */
const ACTIONS: Record<string, { sha: string; tag: string; inputs: string[] }> = {
  "actions/checkout": {
    sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
    tag: "v7.0.1",
    inputs: ["persist-credentials", "fetch-depth", "ref"],
  },
  "actions/setup-node": {
    sha: "820762786026740c76f36085b0efc47a31fe5020",
    tag: "v7.0.0",
    inputs: ["node-version-file", "cache"],
  },
  "actions/upload-artifact": {
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    tag: "v7.0.0",
    inputs: ["name", "path", "if-no-files-found", "retention-days"],
  },
  "actions/download-artifact": {
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    tag: "v8.0.1",
    inputs: ["name", "path", "run-id", "github-token"],
  },
  "pulumi/actions": {
    sha: "8e5e406f4007fca908480587cb9893c07090f58d",
    tag: "v7.0.0",
    inputs: [
      "pulumi-version-file",
      "command",
      "stack-name",
      "cloud-url",
      "diff",
      "comment-on-pr",
      "edit-pr-comment",
      "suppress-progress",
      "policyPacks",
      "policyPackConfigs",
      "refresh",
      "expect-no-changes",
    ],
  },
  "pulumi/auth-actions": {
    sha: "141415910c3beb54e03b48e9057c204c97b956f2",
    tag: "v2.1.0",
    inputs: ["organization", "requested-token-type", "scope"],
  },
  "sigstore/cosign-installer": {
    sha: "6f9f17788090df1f26f669e9d70d6ae9567deba6",
    tag: "v4.1.2",
    inputs: ["cosign-release"],
  },
  "anchore/scan-action": {
    sha: "e1165082ffb1fe366ebaf02d8526e7c4989ea9d2",
    tag: "v7.4.0",
    inputs: ["image", "severity-cutoff", "fail-build", "output-format", "config"],
  },
  "anchore/sbom-action": {
    sha: "e22c389904149dbc22b58101806040fa8d37a610",
    tag: "v0.24.0",
    inputs: ["image", "format", "artifact-name", "upload-release-assets"],
  },
  "docker/setup-buildx-action": { sha: "37fe631027851001ddb9b187196cc803df7f5f0e", tag: "v4.3.0", inputs: [] },
  "docker/login-action": {
    sha: "4907a6ddec9925e35a0a9e82d7399ccc52663121",
    tag: "v4.1.0",
    inputs: ["registry", "username", "password"],
  },
};

const DIR = ".github/workflows";
const FILES = readdirSync(DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(`${DIR}/${file}`, "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;
const steps = (job: Job) => job.steps ?? [];
const needs = (job: Job) => [job.needs ?? []].flat();
const actionOf = (uses: string) => uses.split("@")[0].split("/").slice(0, 2).join("/");
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;

describe("the workflows", () => {
  it("are the four the delivery guide describes", () => {
    expect(FILES).toEqual(["deploy.yml", "drift.yml", "pull-request.yml", "rebuild-bases.yml"]);
  });

  it.each(FILES)("%s validates against GitHub's workflow schema", async (file) => {
    const result = parseWorkflow({ name: file, content: text(file) }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.length).toBeGreaterThan(0);
  });

  it("the schema check catches what GitHub would refuse", () => {
    const broken = text("deploy.yml")
      .replace("timeout-minutes: 30", "timeout-minute: 30")
      .replace("contents: read", "contents: reed")
      .replace("${{ !inputs.rollback-to-run }}", "${{ !inputs.rollback-to-run }");
    const result = parseWorkflow({ name: "broken.yml", content: broken }, new NoOperationTraceWriter());
    const messages = result.context.errors.getErrors().map((error) => error.message);
    expect(messages.some((m) => /timeout-minute/.test(m))).toBe(true);
    expect(messages.some((m) => /reed/.test(m))).toBe(true);
    expect(messages.length).toBeGreaterThanOrEqual(3);
  });

  it.each(FILES)(
    "%s pins every action by the full commit SHA of its release tag, and passes only inputs the action declares",
    (file) => {
      const lines = text(file)
        .split("\n")
        .filter((line) => /^\s*(- )?uses:/.test(line));
      for (const line of lines) {
        const match = /uses: (\S+)(?: # (\S+))?$/.exec(line.trim().replace(/^- /, ""));
        expect(match, line).not.toBeNull();
        const [, uses, comment] = match!;
        if (uses.startsWith("./")) continue;
        const known = ACTIONS[actionOf(uses)];
        expect(known, `${uses} is not a vetted action`).toBeDefined();
        expect(uses, line).toBe(`${actionOf(uses)}@${known.sha}`);
        expect(comment, `${line}: trailing "# <tag>"`).toBe(known.tag);
      }
      for (const job of Object.values(workflow(file).jobs))
        for (const step of steps(job).filter((s) => s.uses))
          for (const input of Object.keys(step.with ?? {}))
            expect(ACTIONS[actionOf(step.uses!)].inputs, `${step.uses} input ${input}`).toContain(input);
    },
  );

  it.each(FILES)("%s grants nothing by default and each job only the permissions it names", (file) => {
    const { permissions, jobs } = workflow(file);
    expect(permissions).toEqual({});
    for (const [id, job] of Object.entries(jobs)) {
      expect(typeof job.permissions, `${id}: permissions`).toBe("object");
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>))
        expect(["read", "write", "none"], `${id}: ${scope}`).toContain(level);
      expect(job.permissions).not.toHaveProperty("contents", "write");
    }
  });

  it.each(FILES)("%s runs nothing but npm scripts that exist", (file) => {
    for (const [id, job] of Object.entries(workflow(file).jobs)) {
      for (const step of steps(job).filter((s) => s.run !== undefined)) {
        const run = step.run!.trim();
        expect(run.includes("\n"), `${id}: one command per step`).toBe(false);
        if (run === "npm test" || run.startsWith("npm ci ")) continue;
        const script = /^npm run ([a-z:-]+)(?: -- .*)?$/.exec(run)?.[1];
        expect(script, `${id}: ${run}`).toBeDefined();
        expect(scripts, `${id}: ${run}`).toHaveProperty([script!]);
      }
    }
  });

  it("pull-request: the checks job runs exactly npm run ci:pull-request's steps, then previews test and prod with a PR comment", () => {
    const { jobs } = workflow("pull-request.yml");
    const { STEPS } = createRequire(`${process.cwd()}/`)("./scripts/ci-pull-request.cjs") as { STEPS: string[] };
    const runs = steps(jobs.checks).flatMap((s) => (s.run && !s.run.startsWith("npm ci") ? [s.run] : []));
    expect(runs).toEqual(STEPS);
    expect(scripts["ci:pull-request"]).toBe("node scripts/ci-pull-request.cjs");
    expect(
      steps(jobs.checks).some((s) => s.uses?.startsWith("actions/upload-artifact") && s.with?.path === "out/synth/"),
    ).toBe(true);
    const preview = steps(jobs.preview).find((s) => s.with?.command === "preview")!;
    expect(preview.with).toMatchObject({ diff: true, "comment-on-pr": true, policyPacks: "policy" });
    expect(needs(jobs.preview)).toEqual(["checks"]);
    expect(jobs.preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    // Read-only credentials (test/delivery/least-privilege.test.ts): no libvirt key, no tools.
    expect(jobs.preview.environment).toBe("preview-${{ matrix.stack }}");
    expect(
      steps(jobs.preview)
        .filter((s) => s.run?.startsWith("npm run ci:setup"))
        .map((s) => s.run),
    ).toEqual(["npm run ci:setup -- ${{ matrix.stack }} --read-only"]);
  });

  it("ci:pull-request takes no arguments: an extra one is misuse (exit 2), before any step runs", () => {
    const run = runBounded(process.execPath, ["scripts/ci-pull-request.cjs", "--skip-tests"], { timeoutMs: 10_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'ci:pull-request: takes no arguments, got "--skip-tests"\nusage: npm run ci:pull-request\n',
    );
  });

  it("deploy: builds once, scans, SBOMs and signs, deploys test and smoke-checks it, then promotes to prod behind an approved environment", () => {
    const { jobs, on } = workflow("deploy.yml");
    expect(Object.keys(on).sort()).toEqual(["push", "workflow_call", "workflow_dispatch"]);
    expect(on.push).toEqual({ branches: ["main"] });
    expect(needs(jobs.scan)).toEqual(["build"]);
    const scan = steps(jobs.scan);
    expect(scan.find((s) => s.uses?.startsWith("anchore/scan-action"))?.with).toMatchObject({
      "severity-cutoff": "critical",
      "fail-build": true,
      config: "policy/vulnerability-allowlist.yaml",
    });
    expect(scan.some((s) => s.uses?.startsWith("anchore/sbom-action"))).toBe(true);
    expect(scan.findIndex((s) => s.run?.startsWith("npm run images -- sign"))).toBeGreaterThan(
      scan.findIndex((s) => s.uses?.startsWith("anchore/scan-action")),
    );
    expect(jobs.scan.permissions).toMatchObject({ "id-token": "write" });
    expect(needs(jobs["deploy-test"]).sort()).toEqual(["build", "scan"]);
    const test = steps(jobs["deploy-test"]);
    const order = (list: Step[], find: (s: Step) => boolean) => list.findIndex(find);
    const upTest = order(test, (s) => s.with?.command === "up");
    expect(order(test, (s) => s.run === "npm run pin -- test --from-outputs out/images.json")).toBeLessThan(upTest);
    expect(order(test, (s) => s.run === "npm run smoke -- test")).toBeGreaterThan(upTest);
    expect(test[upTest].with).toMatchObject({ "stack-name": "test", policyPacks: "policy" });

    const prodJob = jobs["deploy-prod"];
    expect(needs(prodJob)).toEqual(["deploy-test"]);
    expect(prodJob.environment).toBe("production");
    const prod = steps(prodJob);
    const upProd = order(prod, (s) => s.with?.command === "up");
    expect(prod[upProd].with).toMatchObject({ "stack-name": "prod", policyPackConfigs: "policy/config/prod.json" });
    const promote = order(prod, (s) => s.run === "npm run promote -- test prod --from-outputs out/test-outputs.json");
    const copy = order(prod, (s) => s.run === "npm run images -- copy test prod");
    const verify = order(prod, (s) => s.run === "npm run images -- verify prod");
    expect([promote, copy, verify].every((i) => i >= 0)).toBe(true);
    expect(promote < copy && copy < verify && verify < upProd).toBe(true);
    expect(order(prod, (s) => s.run === "npm run smoke -- prod")).toBeGreaterThan(upProd);
    // Nothing in prod builds an image.
    expect(prod.some((s) => s.run?.includes("images -- build") || s.uses?.startsWith("docker/setup-buildx"))).toBe(
      false,
    );
  });

  it("every checkout has full history and no stored credentials; nothing overrides the source revision", () => {
    // Image revisions come from git history (infra/source-revision.ts): a shallow clone is refused.
    for (const file of FILES) {
      const checkouts = Object.values(workflow(file).jobs)
        .flatMap(steps)
        .filter((s) => s.uses?.startsWith("actions/checkout@"));
      for (const checkout of checkouts)
        expect(checkout.with, file).toMatchObject({ "persist-credentials": false, "fetch-depth": 0 });
      expect(text(file), file).not.toContain("DOCKYARD_SOURCE_REVISION");
    }
  });

  it("one Pulumi CLI version everywhere: .pulumi.version, the SDK's, read by every pulumi/actions step", () => {
    const version = readFileSync(".pulumi.version", "utf8").trim();
    const sdk = (JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> })
      .dependencies["@pulumi/pulumi"];
    expect(version).toBe(sdk);
    const uses = FILES.flatMap((file) =>
      Object.values(workflow(file).jobs)
        .flatMap(steps)
        .filter((s) => s.uses?.startsWith("pulumi/actions@")),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const step of uses) expect(step.with?.["pulumi-version-file"]).toBe(".pulumi.version");
  });

  it("every cosign install names its version, and nothing uses the deprecated cosign copy (ADR 0017)", () => {
    const installs = FILES.flatMap((file) =>
      Object.values(workflow(file).jobs)
        .flatMap(steps)
        .filter((s) => s.uses?.startsWith("sigstore/cosign-installer@")),
    );
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install.with?.["cosign-release"]).toMatch(/^v3\.\d+\.\d+$/);
    for (const file of FILES) expect(text(file)).not.toMatch(/cosign copy/);
  });

  it("deploys of one stack never overlap, and nothing cancels a deploy in progress", () => {
    const pulumiUps = FILES.flatMap((file) =>
      Object.entries(workflow(file).jobs)
        .filter(([, job]) => steps(job).some((s) => s.with?.command === "up"))
        .map(
          ([id, job]) =>
            [id, job.concurrency, steps(job).find((s) => s.with?.command === "up")!.with!["stack-name"]] as const,
        ),
    );
    expect(pulumiUps.map(([id]) => id).sort()).toEqual(["deploy-prod", "deploy-test"]);
    for (const [id, concurrency, stack] of pulumiUps)
      expect(concurrency, id).toEqual({ group: `deploy-${String(stack)}`, "cancel-in-progress": false });
    // No other job shares a deploy group: a queued job would replace a pending deploy.
    for (const file of FILES)
      for (const [id, job] of Object.entries(workflow(file).jobs)) {
        const group = typeof job.concurrency === "object" ? job.concurrency.group : job.concurrency;
        if (typeof group === "string" && group.startsWith("deploy-"))
          expect(["deploy-test", "deploy-prod"], `${file} ${id}`).toContain(id);
      }
  });

  it("drift: a nightly refresh preview per stack that must show no changes, reporting drift in one issue per stack", () => {
    const { jobs, on } = workflow("drift.yml");
    expect(on).toHaveProperty("schedule");
    const job = jobs.drift;
    const preview = steps(job).find((s) => s.with?.command === "preview")!;
    expect(preview.with).toMatchObject({
      refresh: true,
      "expect-no-changes": true,
      "stack-name": "${{ matrix.stack }}",
    });
    expect(
      steps(job)
        .map((s) => s.run)
        .filter(Boolean),
    ).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run ci:setup -- ${{ matrix.stack }} --read-only --refresh --install-tools",
      "npm run pin -- ${{ matrix.stack }} --deployed",
      "npm run drift:report -- ${{ matrix.stack }} --status drifted",
      "npm run drift:report -- ${{ matrix.stack }} --status clean",
    ]);
    expect(job.permissions).toMatchObject({ issues: "write" });
    expect(job.environment).toBe("drift-${{ matrix.stack }}");
  });

  it("rebuild-bases: weekly, the deploy workflow itself with fresh bases", () => {
    const { jobs, on } = workflow("rebuild-bases.yml");
    expect(on).toHaveProperty("schedule");
    expect(Object.values(jobs)).toEqual([
      expect.objectContaining({ uses: "./.github/workflows/deploy.yml", with: { "fresh-bases": true } }),
    ]);
  });

  it("the vulnerability allow-list names each vulnerability with a reason, and ignores nothing wholesale", () => {
    const allow = parse(readFileSync("policy/vulnerability-allowlist.yaml", "utf8")) as {
      ignore: Record<string, unknown>[];
    };
    expect(Object.keys(allow)).toEqual(["ignore"]);
    for (const rule of allow.ignore) {
      expect(String(rule.vulnerability)).toMatch(/^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$/);
      expect(typeof rule.reason === "string" ? rule.reason.length : 0).toBeGreaterThan(20);
      expect(rule).not.toHaveProperty("fix-state");
    }
  });
});
