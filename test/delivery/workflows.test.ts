/**
 * The GitHub Actions workflows: each validates against GitHub's own workflow schema
 * (@actions/workflow-parser), and the structure that matters holds — actions pinned by full
 * commit SHA with their tag, least-privilege permissions per job, deploys serialised per stack,
 * prod behind an approved environment, after test, verifying signatures before it deploys, and
 * every `run:` an npm script that exists. Jobs that reach the stacks' private hosts run on the
 * runner DOCKYARD_RUNNER names, trust the stack's CA before anything reaches a host, and log in to
 * a self-managed state backend by its URL's scheme (ADR 0019).
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runBounded } from "../../infra/cli/bounded-run";
import { loadEnvironments, workflowMatrices } from "../../infra/environments";
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
    inputs: ["name", "pattern", "path", "run-id", "github-token"],
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
  "docker/setup-buildx-action": {
    sha: "37fe631027851001ddb9b187196cc803df7f5f0e",
    tag: "v4.3.0",
    inputs: ["buildkitd-config"],
  },
  "docker/login-action": {
    sha: "4907a6ddec9925e35a0a9e82d7399ccc52663121",
    tag: "v4.1.0",
    inputs: ["registry", "username", "password"],
  },
  "aws-actions/configure-aws-credentials": {
    sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    tag: "v6.2.3",
    inputs: ["role-to-assume", "aws-region"],
  },
  "google-github-actions/auth": {
    sha: "7c6bc770dae815cd3e89ee6cdf493a5fab2cc093",
    tag: "v3.0.0",
    inputs: ["workload_identity_provider", "service_account"],
  },
  // The tag v3.0.1 is annotated: this is the commit it points at (`git rev-parse 'v3.0.1^{commit}'`).
  "azure/login": {
    sha: "f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca",
    tag: "v3.0.1",
    inputs: ["client-id", "tenant-id", "allow-no-subscriptions"],
  },
};

/** The runner every job that reaches a stack's private hosts runs on: no fallback outside their network. */
const STACK_RUNNER = "${{ fromJSON(vars.DOCKYARD_RUNNER) }}";
/** Where a job that reaches no stack runs: GitHub's own runners. */
const HOSTED_RUNNER = "ubuntu-24.04";

/**
 * Self-managed state backends, by URL scheme (the guide's list): the action that logs in to each
 * with the workflow's OIDC token.
 */
const BACKEND_LOGINS: Record<string, string> = {
  "s3://": "aws-actions/configure-aws-credentials",
  "gs://": "google-github-actions/auth",
  "azblob://": "azure/login",
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
  env?: Record<string, unknown>;
  if?: string;
}
interface Job {
  name?: string;
  "runs-on"?: unknown;
  outputs?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
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

/** A stack named on a command line: by name, or the job's matrix entry. */
const STACK_ARG = String.raw`(?:[a-z0-9-]+|\$\{\{ matrix\.stack \}\})`;
/** A matrix over the `environments` job's output `name` (infra/environments.ts's workflow matrices). */
const FROM_ENVIRONMENTS = (name: string) => `\${{ fromJSON(needs.environments.outputs.${name}) }}`;
/** The step every `environments` job runs, and the outputs each workflow reads from it. */
const ENVIRONMENTS_STEP = { id: "environments", run: "npm run ci:environments" };
/** The step that makes the job's tools trust the stack's CA. */
const trustsCa = (s: Step) => new RegExp(`^npm run ci:setup -- ${STACK_ARG} --trust-ca\\b`).test(s.run ?? "");
/** The steps that read the stack's state: `pin --deployed` and `outputs` (the Pulumi CLI's stack outputs). */
const readsState = (s: Step) =>
  new RegExp(`^npm run (pin -- ${STACK_ARG} --deployed|outputs -- ${STACK_ARG} )`).test(s.run ?? "");
/** Steps that reach a stack's registry, cluster, libvirt host or state backend (or a private Pulumi Cloud). */
const reachesStack = (s: Step) =>
  /^(docker\/|anchore\/|sigstore\/|pulumi\/|aws-actions\/|google-github-actions\/|azure\/)/.test(s.uses ?? "") ||
  /^npm run (images|smoke|promote) /.test(s.run ?? "") ||
  readsState(s);
const createsBuilder = (s: Step) => s.uses?.startsWith("docker/setup-buildx-action@") === true;
/** An action as the workflows pin it. */
const ACTION = (name: string) => `${name}@${ACTIONS[name].sha}`;

/**
 * Where a job that reaches a stack does not trust the stack's CA first, one line each: one CA
 * step (id `ca`, STACK_CA_CERT from the environment's variable), after checkout, Node and npm ci
 * only, and every BuildKit builder created from its config.
 */
function trustFindings(where: string, job: Job): string[] {
  const list = steps(job);
  const count = list.filter(trustsCa).length;
  if (count !== 1) return [`${where}: ${count} CA steps, not 1`];
  const at = list.findIndex(trustsCa);
  const findings: string[] = [];
  if (list[at].id !== "ca") findings.push(`${where}: the CA step's id is not "ca"`);
  if (JSON.stringify(list[at].env) !== JSON.stringify({ STACK_CA_CERT: "${{ vars.STACK_CA_CERT }}" }))
    findings.push(`${where}: the CA step does not take STACK_CA_CERT from the environment's variable`);
  for (const step of list.slice(0, at))
    if (step.run !== "npm ci --no-audit --no-fund" && !/^actions\/(checkout|setup-node)@/.test(step.uses ?? ""))
      findings.push(`${where}: ${step.uses ?? step.run} runs before the CA step`);
  for (const buildx of list.filter(createsBuilder))
    if (
      JSON.stringify(buildx.with) !== JSON.stringify({ "buildkitd-config": "${{ steps.ca.outputs.buildkitd-config }}" })
    )
      findings.push(`${where}: the BuildKit builder does not take the CA step's buildkitd-config`);
  return findings;
}

/** Every job of every workflow, named `<file> <job>`. */
const ALL_JOBS = FILES.flatMap((file) =>
  Object.entries(workflow(file).jobs).map(([id, job]) => [`${file} ${id}`, job] as const),
);

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
      .replace("build-stages != '[]' }}", "build-stages != '[]' }");
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

  it("pull-request: the checks job runs exactly npm run ci:pull-request's steps, then previews every CI environment with a PR comment", () => {
    const { jobs } = workflow("pull-request.yml");
    const { STEPS } = createRequire(`${process.cwd()}/`)("./scripts/ci-pull-request.cjs") as { STEPS: string[] };
    const runs = steps(jobs.checks).flatMap((s) => (s.run && !s.run.startsWith("npm ci") ? [s.run] : []));
    expect(runs).toEqual(STEPS);
    expect(scripts["ci:pull-request"]).toBe("node scripts/ci-pull-request.cjs");
    expect(
      steps(jobs.checks).some((s) => s.uses?.startsWith("actions/upload-artifact") && s.with?.path === "out/synth/"),
    ).toBe(true);
    const preview = steps(jobs.preview).find((s) => s.with?.command === "preview")!;
    expect(preview.with).toMatchObject({
      diff: true,
      "comment-on-pr": true,
      policyPacks: "policy",
      "stack-name": "${{ matrix.stack }}",
      // A protected stack's enforcement config; "" (advisory) for the others.
      policyPackConfigs: "${{ matrix.policyConfig }}",
    });
    expect(needs(jobs.preview)).toEqual(["checks", "environments"]);
    expect(jobs.preview.strategy).toEqual({ "fail-fast": false, matrix: { include: FROM_ENVIRONMENTS("ci") } });
    expect(jobs.preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    // Read-only credentials (test/delivery/least-privilege.test.ts): no libvirt key, no tools.
    expect(jobs.preview.environment).toBe("preview-${{ matrix.stack }}");
    expect(
      steps(jobs.preview)
        .filter((s) => s.run?.startsWith("npm run ci:setup"))
        .map((s) => s.run),
    ).toEqual([
      "npm run ci:setup -- ${{ matrix.stack }} --trust-ca",
      "npm run ci:setup -- ${{ matrix.stack }} --read-only",
    ]);
  });

  it.each([
    ["pull-request.yml", ["ci"]],
    ["drift.yml", ["ci"]],
    ["deploy.yml", ["build-stages", "promoted"]],
  ])(
    "%s takes its environments from a first job that runs npm run ci:environments on GitHub's runner",
    (file, outputs) => {
      const { jobs } = workflow(file);
      const job = jobs.environments;
      expect(job["runs-on"]).toBe(HOSTED_RUNNER);
      expect(job.permissions).toEqual({ contents: "read" });
      expect(steps(job).find((s) => s.run === ENVIRONMENTS_STEP.run)).toMatchObject(ENVIRONMENTS_STEP);
      expect(job.outputs).toEqual(
        Object.fromEntries(outputs.map((name) => [name, `\${{ steps.environments.outputs.${name} }}`])),
      );
      // Each output is one of the matrices infra/environments.ts derives, and every job reading one needs the job.
      const matrices = workflowMatrices(loadEnvironments());
      for (const name of outputs) expect(Object.keys(matrices)).toContain(name);
      for (const [id, other] of Object.entries(jobs)) {
        const read = [...JSON.stringify(other).matchAll(/needs\.environments\.outputs\.([a-z-]+)/g)].map((m) => m[1]);
        for (const name of read) expect(outputs, `${file} ${id}`).toContain(name);
        if (read.length > 0) expect(needs(other), `${file} ${id}`).toContain("environments");
      }
      // An empty matrix is an error in GitHub: every job over one is skipped when it is empty.
      for (const [id, other] of Object.entries(jobs)) {
        const include = other.strategy?.matrix?.include;
        const name = /needs\.environments\.outputs\.([a-z-]+)/.exec(String(include))?.[1];
        if (name === undefined) continue;
        const guarded = [other, ...needs(other).map((need) => jobs[need])].some((job) =>
          (job.if ?? "").includes(`needs.environments.outputs.${name} != '[]'`),
        );
        expect(guarded, `${file} ${id}: skipped when ${name} is empty`).toBe(true);
      }
    },
  );

  it("ci:pull-request takes no arguments: an extra one is misuse (exit 2), before any step runs", () => {
    const run = runBounded(process.execPath, ["scripts/ci-pull-request.cjs", "--skip-tests"], { timeoutMs: 10_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'ci:pull-request: takes no arguments, got "--skip-tests"\nusage: npm run ci:pull-request\n',
    );
  });

  it("pull-request: gates pull requests and a merge queue's merged result alike", () => {
    const { on } = workflow("pull-request.yml");
    expect(Object.keys(on).sort()).toEqual(["merge_group", "pull_request"]);
  });

  it("deploy: builds once per build stage, scans, SBOMs and signs, deploys and smoke-checks each, then promotes each promoted stack behind its environment", () => {
    const { jobs, on } = workflow("deploy.yml");
    expect(Object.keys(on).sort()).toEqual(["push", "workflow_call", "workflow_dispatch"]);
    // Prose alone deploys nothing (and asks no reviewer for an approval); anything else on main does.
    expect(on.push).toEqual({ branches: ["main"], "paths-ignore": ["docs/**", "**/*.md"] });
    const order = (list: Step[], find: (s: Step) => boolean) => list.findIndex(find);

    // One build per build stage, into its own registry, kept as the artefact images-<stack>.
    expect(needs(jobs.build)).toEqual(["environments"]);
    expect(jobs.build.strategy?.matrix).toEqual({ include: FROM_ENVIRONMENTS("build-stages") });
    expect(jobs.build.environment).toBe("${{ matrix.stack }}");
    const build = steps(jobs.build);
    expect(build.find((s) => s.run?.startsWith("npm run images -- build"))?.run).toBe(
      "npm run images -- build ${{ matrix.stack }} --out out/images.json ${{ inputs.fresh-bases && '--fresh' || '' }}",
    );
    expect(build.find((s) => s.uses?.startsWith("actions/upload-artifact"))?.with).toMatchObject({
      name: "images-${{ matrix.stack }}",
      path: "out/images.json",
    });
    // A matrix job's outputs are its last leg's: the images come back through their artefacts.
    expect(needs(jobs.images)).toEqual(["build"]);
    expect(steps(jobs.images).find((s) => s.uses?.startsWith("actions/download-artifact"))?.with).toEqual({
      pattern: "images-*",
      path: "out/built/",
    });
    expect(steps(jobs.images).find((s) => s.id === "images")?.run).toBe("npm run ci:environments -- --built out/built");
    expect(jobs.images.outputs).toEqual({ images: "${{ steps.images.outputs.images }}" });

    expect(needs(jobs.scan)).toEqual(["images"]);
    expect(jobs.scan.strategy?.matrix).toEqual({ include: "${{ fromJSON(needs.images.outputs.images) }}" });
    expect(jobs.scan.environment).toBe("${{ matrix.stack }}");
    const scan = steps(jobs.scan);
    expect(scan.find((s) => s.uses?.startsWith("anchore/scan-action"))?.with).toMatchObject({
      image: "${{ matrix.ref }}",
      "severity-cutoff": "critical",
      "fail-build": true,
      config: "policy/vulnerability-allowlist.yaml",
    });
    expect(scan.find((s) => s.uses?.startsWith("anchore/sbom-action"))?.with).toMatchObject({
      "artifact-name": "sbom-${{ matrix.stack }}-${{ matrix.name }}.spdx.json",
    });
    expect(scan.findIndex((s) => s.run?.startsWith("npm run images -- sign"))).toBeGreaterThan(
      scan.findIndex((s) => s.uses?.startsWith("anchore/scan-action")),
    );
    expect(jobs.scan.permissions).toMatchObject({ "id-token": "write" });

    // Each build stage deploys what it built, after every image is scanned and signed.
    const deployJob = jobs.deploy;
    expect(needs(deployJob).sort()).toEqual(["build", "environments", "scan"]);
    expect(deployJob.strategy?.matrix).toEqual({ include: FROM_ENVIRONMENTS("build-stages") });
    expect(deployJob.environment).toBe("${{ matrix.stack }}");
    const deploy = steps(deployJob);
    const up = order(deploy, (s) => s.with?.command === "up");
    expect(deploy.find((s) => s.uses?.startsWith("actions/download-artifact"))?.with).toEqual({
      name: "images-${{ matrix.stack }}",
      path: "out/",
    });
    expect(
      order(deploy, (s) => s.run === "npm run pin -- ${{ matrix.stack }} --from-outputs out/images.json"),
    ).toBeLessThan(up);
    expect(order(deploy, (s) => s.run === "npm run smoke -- ${{ matrix.stack }}")).toBeGreaterThan(up);
    expect(deploy[up].with).toMatchObject({
      "stack-name": "${{ matrix.stack }}",
      policyPacks: "policy",
      policyPackConfigs: "${{ matrix.policyConfig }}",
    });
    const outputs = order(
      deploy,
      (s) => s.run === "npm run outputs -- ${{ matrix.stack }} --out out/${{ matrix.stack }}-outputs.json",
    );
    expect(outputs).toBeGreaterThan(up);
    // Named as before (`test-outputs`), so a rollback can still promote an earlier run's.
    expect(deploy.find((s) => s.uses?.startsWith("actions/upload-artifact"))?.with).toMatchObject({
      name: "${{ matrix.stack }}-outputs",
      path: "out/${{ matrix.stack }}-outputs.json",
    });

    // Each promoted stack, in its own environment (its reviewers approve), takes what its build stage deployed.
    const promoteJob = jobs.promote;
    expect(needs(promoteJob)).toEqual(["environments", "deploy"]);
    expect(promoteJob.if).toBe(
      "${{ !cancelled() && needs.environments.outputs.promoted != '[]' && (needs.deploy.result == 'success' || (inputs.rollback-to-run && needs.deploy.result == 'skipped')) }}",
    );
    expect(promoteJob.strategy).toEqual({ "fail-fast": false, matrix: { include: FROM_ENVIRONMENTS("promoted") } });
    expect(promoteJob.environment).toBe("${{ matrix.stack }}");
    const promote = steps(promoteJob);
    expect(promote.find((s) => s.uses?.startsWith("actions/download-artifact"))?.with).toMatchObject({
      name: "${{ matrix.from }}-outputs",
      "run-id": "${{ inputs.rollback-to-run || github.run_id }}",
    });
    const upPromoted = order(promote, (s) => s.with?.command === "up");
    expect(promote[upPromoted].with).toMatchObject({
      "stack-name": "${{ matrix.stack }}",
      policyPacks: "policy",
      policyPackConfigs: "${{ matrix.policyConfig }}",
    });
    const pin = order(
      promote,
      (s) =>
        s.run ===
        "npm run promote -- ${{ matrix.from }} ${{ matrix.stack }} --from-outputs out/${{ matrix.from }}-outputs.json",
    );
    const copy = order(promote, (s) => s.run === "npm run images -- copy ${{ matrix.from }} ${{ matrix.stack }}");
    const verify = order(promote, (s) => s.run === "npm run images -- verify ${{ matrix.stack }}");
    expect([pin, copy, verify].every((i) => i >= 0)).toBe(true);
    expect(pin < copy && copy < verify && verify < upPromoted).toBe(true);
    expect(order(promote, (s) => s.run === "npm run smoke -- ${{ matrix.stack }}")).toBeGreaterThan(upPromoted);
    // Nothing in a promoted stack builds an image.
    expect(promote.some((s) => s.run?.includes("images -- build") || s.uses?.startsWith("docker/setup-buildx"))).toBe(
      false,
    );
  });

  it("deploy: on this commit's stack files, the build stages are built and deployed, and every promoted stack comes from one of them", () => {
    const environments = loadEnvironments();
    const matrices = workflowMatrices(environments);
    expect(matrices["build-stages"].length).toBeGreaterThan(0);
    const stages = matrices["build-stages"].map((leg) => leg.stack);
    for (const leg of matrices.promoted) expect(stages).toContain(leg.from);
    // Every CI environment is deployed by exactly one of the two jobs.
    expect([...stages, ...matrices.promoted.map((leg) => leg.stack)].sort()).toEqual(
      environments.ci.map((e) => e.stack).sort(),
    );
    // A protected stack deploys with its enforcement config, the others advisory.
    for (const leg of [...matrices["build-stages"], ...matrices.promoted])
      expect(leg.policyConfig).toBe(
        environments.protected.some((e) => e.stack === leg.stack) ? `policy/config/${leg.stack}.json` : "",
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
    expect(pulumiUps.map(([id]) => id).sort()).toEqual(["deploy", "promote"]);
    for (const [id, concurrency, stack] of pulumiUps)
      expect(concurrency, id).toEqual({ group: `deploy-${String(stack)}`, "cancel-in-progress": false });
    // No other job shares a deploy group: a queued job would replace a pending deploy.
    for (const file of FILES)
      for (const [id, job] of Object.entries(workflow(file).jobs)) {
        const group = typeof job.concurrency === "object" ? job.concurrency.group : job.concurrency;
        if (typeof group === "string" && group.startsWith("deploy-"))
          expect(["deploy", "promote"], `${file} ${id}`).toContain(id);
      }
  });

  it("drift: a nightly refresh preview per CI environment that must show no changes, reporting drift in one issue per stack", () => {
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
      "npm run ci:setup -- ${{ matrix.stack }} --trust-ca",
      "npm run ci:setup -- ${{ matrix.stack }} --read-only --refresh --install-tools",
      "npm run pin -- ${{ matrix.stack }} --deployed",
      "npm run drift:report -- ${{ matrix.stack }} --status drifted",
      "npm run drift:report -- ${{ matrix.stack }} --status clean",
    ]);
    expect(job.permissions).toMatchObject({ issues: "write" });
    expect(job.environment).toBe("drift-${{ matrix.stack }}");
    // Every CI environment, from the stack files.
    expect(needs(job)).toEqual(["environments"]);
    expect(job.strategy).toEqual({ "fail-fast": false, matrix: { include: FROM_ENVIRONMENTS("ci") } });
  });

  it("rebuild-bases: weekly, the deploy workflow itself with fresh bases", () => {
    const { jobs, on } = workflow("rebuild-bases.yml");
    expect(on).toHaveProperty("schedule");
    expect(Object.values(jobs)).toEqual([
      expect.objectContaining({ uses: "./.github/workflows/deploy.yml", with: { "fresh-bases": true } }),
    ]);
  });

  it("jobs that reach a stack's hosts run on the runner DOCKYARD_RUNNER names, never falling back; the others on GitHub's", () => {
    const reaching = ALL_JOBS.filter(([, job]) => steps(job).some(reachesStack)).map(([where]) => where);
    expect(reaching).toEqual([
      "deploy.yml build",
      "deploy.yml scan",
      "deploy.yml deploy",
      "deploy.yml promote",
      "drift.yml drift",
      "pull-request.yml preview",
    ]);
    for (const [where, job] of ALL_JOBS) {
      if (job.uses !== undefined) continue;
      expect(job["runs-on"], where).toBe(reaching.includes(where) ? STACK_RUNNER : HOSTED_RUNNER);
    }
    // One variable, no default: an unset DOCKYARD_RUNNER fails the job instead of running it outside the network.
    for (const file of FILES) expect(text(file), file).not.toMatch(/DOCKYARD_RUNNER[^}]*\|\|/);
  });

  it("every job that reaches a stack trusts its CA first: before any step reaches a host, and BuildKit through the CA step's config", () => {
    for (const [where, job] of ALL_JOBS.filter(([, j]) => steps(j).some(reachesStack)))
      expect(trustFindings(where, job)).toEqual([]);
    const stackOf = (file: string, id: string) => steps(workflow(file).jobs[id]).find(trustsCa)!.run;
    expect(stackOf("deploy.yml", "build")).toBe("npm run ci:setup -- ${{ matrix.stack }} --trust-ca");
    expect(stackOf("deploy.yml", "scan")).toBe("npm run ci:setup -- ${{ matrix.stack }} --trust-ca");
    expect(stackOf("deploy.yml", "deploy")).toBe("npm run ci:setup -- ${{ matrix.stack }} --trust-ca");
    // A promoted stack's job copies from its build stage's registry too.
    expect(stackOf("deploy.yml", "promote")).toBe(
      "npm run ci:setup -- ${{ matrix.stack }} --trust-ca --registry-of ${{ matrix.from }}",
    );
    expect(steps(workflow("deploy.yml").jobs.build).some(createsBuilder)).toBe(true);
  });

  it("the CA check catches a builder created before the CA step, or without its config", () => {
    const build = workflow("deploy.yml").jobs.build;
    const ca = steps(build).find(trustsCa)!;
    const late = steps(build)
      .filter((s) => s !== ca)
      .map((s) => (createsBuilder(s) ? { uses: s.uses } : s));
    late.splice(late.findIndex(createsBuilder) + 1, 0, ca);
    expect(trustFindings("build", { ...build, steps: late })).toEqual([
      `build: ${ACTION("docker/setup-buildx-action")} runs before the CA step`,
      "build: the BuildKit builder does not take the CA step's buildkitd-config",
    ]);
    expect(trustFindings("build", { ...build, steps: steps(build).filter((s) => s !== ca) })).toEqual([
      "build: 0 CA steps, not 1",
    ]);
  });

  it("every job that reaches the state backend logs in to each self-managed backend the guide lists, by OIDC, when the URL has that scheme", () => {
    const guide = readFileSync("docs/guides/delivery.md", "utf8");
    for (const [scheme, action] of Object.entries(BACKEND_LOGINS)) {
      expect(guide, scheme).toContain(`\`${scheme}`);
      expect(guide, action).toContain(action);
    }
    const backendJobs = ALL_JOBS.filter(([, job]) => steps(job).some((s) => s.uses?.startsWith("pulumi/actions@")));
    expect(backendJobs.map(([where]) => where)).toEqual([
      "deploy.yml deploy",
      "deploy.yml promote",
      "drift.yml drift",
      "pull-request.yml preview",
    ]);
    for (const [where, job] of backendJobs) {
      const list = steps(job);
      const firstUse = list.findIndex((s) => s.uses?.startsWith("pulumi/actions@") || readsState(s));
      for (const [scheme, action] of Object.entries(BACKEND_LOGINS)) {
        const logins = list.filter((s) => s.uses?.startsWith(`${action}@`));
        expect(logins, `${where}: ${action}`).toHaveLength(1);
        expect(logins[0].if, `${where}: ${action}`).toBe(`\${{ startsWith(vars.PULUMI_BACKEND_URL, '${scheme}') }}`);
        expect(list.indexOf(logins[0]), `${where}: ${action}`).toBeLessThan(firstUse);
      }
      expect(job.permissions, where).toMatchObject({ "id-token": "write" });
    }
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
