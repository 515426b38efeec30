/**
 * infra/environments.ts: the environments are the stack files, and what the workflows, the policy
 * pack and parity do with each comes from its own config; every mistake across the files is one
 * line naming the file and the key.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ConfigError } from "../infra/config";
import { main as eachStack } from "../infra/delivery/each-stack";
import { builtImages, ENVIRONMENTS_USAGE, environmentsMain } from "../infra/delivery/each-stack";
import {
  type EnvironmentSources,
  loadEnvironments,
  parityPairs,
  readEnvironment,
  workflowMatrices,
} from "../infra/environments";
import { STACK_TRACE } from "./support/cli";
import { runMain } from "./support/run-main";

type Config = Record<string, unknown>;

/**
 * A copy of dev's, test's and prod's stack files and prod's enforcement config, changed by the test
 * (whatever other environments the repository has: adding one changes no case here).
 */
function scratch(): { dir: string; policyDir: string; sources: EnvironmentSources } {
  const root = mkdtempSync(join(tmpdir(), "dockyard-environments-"));
  const dir = join(root, "stacks");
  const policyDir = join(root, "policy-config");
  mkdirSync(dir);
  mkdirSync(policyDir);
  for (const stack of ["dev", "test", "prod"])
    copyFileSync(`stacks/Pulumi.${stack}.yaml`, join(dir, `Pulumi.${stack}.yaml`));
  copyFileSync("policy/config/prod.json", join(policyDir, "prod.json"));
  return { dir, policyDir, sources: { dir, policyDir } };
}

const committed = (stack: string) =>
  (parse(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8")) as { config: Config }).config;

function writeStack(dir: string, stack: string, config: Config): string {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(file, stringify({ config }));
  return file;
}

/** test's config as another build stage (its endpoints its own), with `change` applied. */
function stagingOf(change: (config: Config) => void = () => {}): Config {
  const config = structuredClone(committed("test"));
  config["dockyard:endpoints"] = {
    kubeContext: "dockyard-staging",
    namespace: "dockyard-staging",
    libvirtUri: "qemu+ssh://ops@vm-host.staging.example.internal/system",
  };
  config["dockyard:registry"] = { address: "registry.staging.example.internal" };
  const services = config["dockyard:services"] as Record<string, Config>;
  services.front = { ...services.front, host: "app.staging.example.internal" };
  const backup = config["dockyard:backup"] as { repository: Config };
  backup.repository = { ...backup.repository, url: "rest:https://backup.staging.example.internal/dockyard" };
  change(config);
  return config;
}

/** The lines a ConfigError says (or "no error"). */
function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n");
    throw error;
  }
  return ["no error"];
}

describe("the committed environments", () => {
  // dev, test and prod as committed, in a copy (the repository may have more: see the guide).
  const environments = loadEnvironments(scratch().sources);
  const names = (list: readonly { stack: string }[]) => list.map((e) => e.stack);

  it("are the stack files: dev local; test a build stage; prod protected, promoted from test", () => {
    expect(names(environments.all)).toEqual(["dev", "prod", "test"]);
    expect(names(environments.ci)).toEqual(["test", "prod"]);
    expect(names(environments.buildStages)).toEqual(["test"]);
    expect(names(environments.promoted)).toEqual(["prod"]);
    expect(names(environments.protected)).toEqual(["prod"]);
    const file = (stack: string) => expect.stringMatching(new RegExp(`/Pulumi\\.${stack}\\.yaml$`)) as string;
    expect(environments.all).toEqual([
      {
        stack: "dev",
        file: file("dev"),
        target: "docker",
        ci: false,
        protected: false,
        digestPinned: false,
        from: undefined,
        policyConfig: undefined,
      },
      {
        stack: "prod",
        file: file("prod"),
        target: "kubernetes",
        ci: true,
        protected: true,
        digestPinned: true,
        from: "test",
        policyConfig: expect.stringMatching(/\/prod\.json$/) as string,
      },
      {
        stack: "test",
        file: file("test"),
        target: "kubernetes",
        ci: true,
        protected: false,
        digestPinned: true,
        from: undefined,
        policyConfig: undefined,
      },
    ]);
  });

  it("give the workflows their matrices and parity its pairs", () => {
    const prod = environments.protected[0].policyConfig!;
    expect(workflowMatrices(environments)).toEqual({
      ci: [
        { stack: "test", policyConfig: "" },
        { stack: "prod", policyConfig: prod },
      ],
      "build-stages": [{ stack: "test", policyConfig: "" }],
      promoted: [{ stack: "prod", policyConfig: prod, from: "test" }],
    });
    expect(parityPairs(environments)).toEqual([["test", "prod"]]);
  });

  it("in the repository, as they are: every stack file, its enforcement config beside protected ones", () => {
    const committed = loadEnvironments();
    expect(names(committed.all)).toEqual(expect.arrayContaining(["dev", "test", "prod"]));
    for (const environment of committed.all)
      expect(environment.policyConfig).toBe(
        environment.protected ? `policy/config/${environment.stack}.json` : undefined,
      );
  });
});

describe("a new stack file is a new environment", () => {
  it("a copy of test is a second build stage, previewed, checked, deployed and mirrored against prod", () => {
    const { dir, sources } = scratch();
    writeStack(dir, "staging", stagingOf());
    const environments = loadEnvironments(sources);
    expect(environments.ci.map((e) => e.stack)).toEqual(["staging", "test", "prod"]);
    expect(workflowMatrices(environments)).toEqual({
      ci: [
        { stack: "staging", policyConfig: "" },
        { stack: "test", policyConfig: "" },
        { stack: "prod", policyConfig: join(sources.policyDir!, "prod.json") },
      ],
      "build-stages": [
        { stack: "staging", policyConfig: "" },
        { stack: "test", policyConfig: "" },
      ],
      promoted: [{ stack: "prod", policyConfig: join(sources.policyDir!, "prod.json"), from: "test" }],
    });
    expect(parityPairs(environments)).toEqual([
      ["test", "prod"],
      ["staging", "prod"],
    ]);
  });

  it("a stack promoted from test is compared with test; a protected build stage is compared with nothing else", () => {
    const { dir, sources } = scratch();
    writeStack(
      dir,
      "uat",
      stagingOf((c) => (c["dockyard:promotion"] = { from: "test" })),
    );
    const environments = loadEnvironments(sources);
    expect(environments.promoted.map((e) => [e.stack, e.from])).toEqual([
      ["prod", "test"],
      ["uat", "test"],
    ]);
    expect(parityPairs(environments)).toEqual([
      ["test", "prod"],
      ["test", "uat"],
    ]);
  });

  it("--config-file replaces a committed file or adds a stack", () => {
    const { dir, sources } = scratch();
    const elsewhere = mkdtempSync(join(tmpdir(), "dockyard-given-"));
    const file = writeStack(elsewhere, "staging", stagingOf());
    const environments = loadEnvironments({ ...sources, files: new Map([["staging", file]]) });
    expect(environments.all.find((e) => e.stack === "staging")).toMatchObject({ file, ci: true, from: undefined });
    expect(readEnvironment("staging", file, sources.policyDir)).toMatchObject({ stack: "staging", protected: false });
    rmSync(join(dir, "Pulumi.dev.yaml"));
    expect(loadEnvironments(sources).all.map((e) => e.stack)).toEqual(["prod", "test"]);
  });
});

describe("every mistake is one line naming the file and the key", () => {
  const cases: [string, (dir: string, policyDir: string) => void, (dir: string, policyDir: string) => string[]][] = [
    [
      "promoted from itself",
      (dir) =>
        writeStack(
          dir,
          "staging",
          stagingOf((c) => (c["dockyard:promotion"] = { from: "staging" })),
        ),
      (dir) => [
        `${dir}/Pulumi.staging.yaml: dockyard:promotion.from names staging itself: a stack is promoted from another one; name a build stage (test)`,
      ],
    ],
    [
      "promoted from a stack without a file",
      (dir) =>
        writeStack(
          dir,
          "staging",
          stagingOf((c) => (c["dockyard:promotion"] = { from: "tset" })),
        ),
      (dir) => [
        `${dir}/Pulumi.staging.yaml: dockyard:promotion.from names "tset", which has no stack file (${dir}/Pulumi.tset.yaml): name a build stage (test)`,
      ],
    ],
    [
      "promoted from a local stack",
      (dir) =>
        writeStack(
          dir,
          "staging",
          stagingOf((c) => (c["dockyard:promotion"] = { from: "dev" })),
        ),
      (dir) => [
        `${dir}/Pulumi.staging.yaml: dockyard:promotion.from names dev, which is not a CI environment (target docker: local only): name a build stage (test)`,
      ],
    ],
    [
      "promoted from a promoted stack",
      (dir) =>
        writeStack(
          dir,
          "staging",
          stagingOf((c) => (c["dockyard:promotion"] = { from: "prod" })),
        ),
      (dir) => [
        `${dir}/Pulumi.staging.yaml: dockyard:promotion.from names prod, which is itself promoted (from test): name a build stage (test), which the deploy workflow deploys before every promoted stack`,
      ],
    ],
    [
      "a promotion cycle",
      (dir) => {
        writeStack(
          dir,
          "staging",
          stagingOf((c) => (c["dockyard:promotion"] = { from: "test" })),
        );
        const test = committed("test");
        test["dockyard:promotion"] = { from: "staging" };
        writeStack(dir, "test", test);
      },
      (dir) => [
        `${dir}/Pulumi.prod.yaml: dockyard:promotion.from names test, which is itself promoted (from staging): name a build stage, which the deploy workflow deploys before every promoted stack`,
        `${dir}/Pulumi.staging.yaml: dockyard:promotion.from makes a promotion cycle (staging → test → staging): each stack must come from a build stage, which is promoted from nothing`,
        `${dir}/Pulumi.test.yaml: dockyard:promotion.from makes a promotion cycle (test → staging → test): each stack must come from a build stage, which is promoted from nothing`,
      ],
    ],
    [
      "a promotion on a local stack",
      (dir) => {
        const dev = committed("dev");
        dev["dockyard:promotion"] = { from: "test" };
        writeStack(dir, "dev", dev);
      },
      (dir) => [
        `${dir}/Pulumi.dev.yaml: dockyard:promotion.from applies only to a CI environment (target kubernetes): dev is local (target docker) and nothing promotes to it; remove it`,
      ],
    ],
    [
      "a promotion that is not a stack name",
      (dir) =>
        writeStack(
          dir,
          "staging",
          stagingOf((c) => (c["dockyard:promotion"] = { from: "../prod" })),
        ),
      (dir) => [
        `${dir}/Pulumi.staging.yaml: dockyard:promotion.from must be a stack name: letters, digits, "_", "." and "-", starting with a letter or digit (no paths), got "../prod"`,
      ],
    ],
    [
      "a protected stack (by default) without its enforcement config",
      (dir) =>
        writeStack(
          dir,
          "staging",
          stagingOf((c) => delete c["dockyard:protect"]),
        ),
      (dir, policyDir) => [
        `${dir}/Pulumi.staging.yaml: dockyard:protect is true (the default), so staging is a protected environment, which runs every policy mandatory: create ${policyDir}/staging.json with {"all": "mandatory", "policy-enforcement": {"enforcementLevel": "mandatory", "stack": "staging"}}, or set dockyard:protect: false`,
      ],
    ],
    [
      "an enforcement config of a stack that is not protected",
      (_, policyDir) => writeFileSync(join(policyDir, "test.json"), readFileSync("policy/config/prod.json")),
      (dir, policyDir) => [
        `${policyDir}/test.json: is the enforcement config of a protected environment, but test is not one (dockyard:protect is false in ${dir}/Pulumi.test.yaml): remove the file, or set dockyard:protect: true`,
      ],
    ],
    [
      "an enforcement config of a local stack",
      (_, policyDir) => writeFileSync(join(policyDir, "dev.json"), readFileSync("policy/config/prod.json")),
      (dir, policyDir) => [
        `${policyDir}/dev.json: is the enforcement config of a protected environment, but dev is not one (target docker: local only in ${dir}/Pulumi.dev.yaml): remove the file`,
      ],
    ],
    [
      "an enforcement config of no stack",
      (_, policyDir) => writeFileSync(join(policyDir, "qa.json"), "{}"),
      (dir, policyDir) => [
        `${policyDir}/qa.json: is the enforcement config of stack qa, which has no stack file (${dir}/Pulumi.qa.yaml): remove it`,
      ],
    ],
    [
      "an enforcement config that is advisory, or for another stack",
      (_, policyDir) =>
        writeFileSync(
          join(policyDir, "prod.json"),
          JSON.stringify({ all: "advisory", "policy-enforcement": { stack: "test" } }),
        ),
      (_, policyDir) => [
        `${policyDir}/prod.json: all must be "mandatory": prod is protected, so every policy blocks its deploys`,
        `${policyDir}/prod.json: policy-enforcement.stack must be "prod": the enforcement policy checks that the stack it runs on is the one this config is for`,
      ],
    ],
    [
      "an enforcement config that is not JSON",
      (_, policyDir) => writeFileSync(join(policyDir, "prod.json"), "{ all: mandatory"),
      (_, policyDir) => [expect.stringMatching(new RegExp(`^${policyDir}/prod\\.json: is not JSON \\(`)) as string],
    ],
    [
      "a copy of test that reaches test's places",
      (dir) => writeStack(dir, "staging", committed("test")),
      (dir) =>
        [
          ["endpoints.namespace", '"dockyard-test (kube context dockyard-test)"'],
          ["registry.address", '"registry.test.example.internal"'],
          ["services.front.host", '"app.test.example.internal"'],
          ["backup.repository.url", '"rest:https://backup.test.example.internal/dockyard"'],
          ["endpoints.libvirtUri", '"qemu+ssh://ops@vm-host.test.example.internal/system"'],
        ].map(
          ([key, value]) =>
            `${dir}/Pulumi.test.yaml: dockyard:${key} is ${value}, as in ${dir}/Pulumi.staging.yaml: two environments there would overwrite each other: give each its own`,
        ),
    ],
    [
      "a CI environment named like a read-only GitHub environment",
      (dir) => writeStack(dir, "preview-x", stagingOf()),
      (dir) => [
        `${dir}/Pulumi.preview-x.yaml: names a CI environment "preview-x", but preview-* names the read-only GitHub environments of previews and drift checks (preview-<stack>, drift-<stack>): rename the file`,
      ],
    ],
    [
      "a stack file that does not validate, beside a promotion from it",
      (dir) => {
        const test = committed("test");
        test["dockyard:target"] = "cloud";
        writeStack(dir, "test", test);
      },
      (dir) => [expect.stringMatching(new RegExp(`^${dir}/Pulumi\\.test\\.yaml: dockyard:target must be`)) as string],
    ],
  ];

  it.each(cases)("%s", (_, change, expected) => {
    const { dir, policyDir, sources } = scratch();
    change(dir, policyDir);
    expect(problems(() => loadEnvironments(sources))).toEqual(expected(dir, policyDir));
  });

  it("every problem of every file at once", () => {
    const { dir, policyDir, sources } = scratch();
    writeStack(
      dir,
      "staging",
      stagingOf((c) => (c["dockyard:promotion"] = { from: "staging" })),
    );
    writeFileSync(join(policyDir, "qa.json"), "{}");
    rmSync(join(policyDir, "prod.json"));
    expect(problems(() => loadEnvironments(sources))).toHaveLength(3);
  });
});

describe("npm run ci:environments", () => {
  const run = (...argv: string[]) => runMain("ci:environments", ENVIRONMENTS_USAGE, environmentsMain, argv);
  const saved = process.env.GITHUB_OUTPUT;
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT;
    else process.env.GITHUB_OUTPUT = saved;
  });

  it("prints the environments and the matrices, and hands the matrices to the next jobs as step outputs", async () => {
    const output = join(mkdtempSync(join(tmpdir(), "dockyard-output-")), "output");
    writeFileSync(output, "");
    process.env.GITHUB_OUTPUT = output;
    const printed = await run();
    expect(printed).toMatchObject({ code: 0, stderr: "" });
    const json = JSON.parse(printed.stdout) as { environments: unknown[]; matrices: unknown };
    const committed = loadEnvironments();
    const matrices = workflowMatrices(committed);
    expect(json.matrices).toEqual(matrices);
    expect(json.environments).toHaveLength(committed.all.length);
    expect(readFileSync(output, "utf8").split("\n")).toEqual([
      `ci=${JSON.stringify(matrices.ci)}`,
      `build-stages=${JSON.stringify(matrices["build-stages"])}`,
      `promoted=${JSON.stringify(matrices.promoted)}`,
      "",
    ]);
    expect(readFileSync(output, "utf8")).toContain(
      'promoted=[{"stack":"prod","policyConfig":"policy/config/prod.json","from":"test"}',
    );
  });

  it("--built: every image each build stage built, for the scan matrix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-built-"));
    const digest = `sha256:${"a".repeat(64)}`;
    const stages = loadEnvironments().buildStages.map((e) => e.stack);
    expect(stages).toContain("test");
    for (const stack of stages) {
      mkdirSync(join(dir, `images-${stack}`));
      writeFileSync(
        join(dir, `images-${stack}`, "images.json"),
        JSON.stringify({
          images: { web: `registry.${stack}.example.internal/web@${digest}` },
          backupImage: `registry.${stack}.example.internal/backup@${digest}`,
        }),
      );
    }
    const output = join(dir, "output");
    process.env.GITHUB_OUTPUT = output;
    const printed = await run("--built", dir);
    expect(printed.code).toBe(0);
    const images = stages.flatMap((stack) => [
      { stack, name: "web", ref: `registry.${stack}.example.internal/web@${digest}` },
      { stack, name: "backup", ref: `registry.${stack}.example.internal/backup@${digest}` },
    ]);
    expect(JSON.parse(printed.stdout)).toEqual({ images });
    expect(readFileSync(output, "utf8")).toBe(`images=${JSON.stringify(images)}\n`);
    // A stage whose artefact is missing, or holds a tag, is named.
    expect(() => builtImages(dir, ["test", "qa"])).toThrow(
      `built images ${dir}/images-qa/images.json: no such file (the artefact images-qa of qa's build job)`,
    );
    writeFileSync(join(dir, "images-test", "images.json"), JSON.stringify({ images: { web: "registry/web:1" } }));
    expect(() => builtImages(dir, ["test"])).toThrow(
      `${dir}/images-test/images.json: "registry/web:1" is not an image pinned by digest (repo@sha256:<64 hex>)`,
    );
  });

  it("misuse is exit 2 with the usage; never a trace", async () => {
    for (const argv of [["test"], ["--built", ""], ["--bogus"]]) {
      const printed = await run(...argv);
      expect(printed.code, argv.join(" ")).toBe(2);
      expect(printed.stderr).toContain(ENVIRONMENTS_USAGE);
      expect(printed.stderr).not.toMatch(STACK_TRACE);
    }
    const { stderr, code } = await runMain("each-stack", "usage", eachStack, ["deploy"]);
    expect([code, stderr.split("\n")[0]]).toEqual([2, "each-stack: give synth or policy"]);
  });
});
