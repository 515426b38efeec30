/** `npm run images`: what CI builds, and the docker and cosign command lines, without either tool. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAll, buildArgv, buildPlan, deployWorkflowIdentity } from "../../infra/delivery/images";
import { main, USAGE } from "../../infra/delivery/images-main";
import type { Runner } from "../../infra/promote/outputs";
import { runMain } from "../support/run-main";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;

/** A runner that records every command and plays docker buildx writing its metadata file. */
function recorder(digest = D1) {
  const calls: string[][] = [];
  const run: Runner = (command, args) => {
    calls.push([command, ...args]);
    const metadata = args.indexOf("--metadata-file");
    if (command === "docker" && metadata >= 0)
      writeFileSync(args[metadata + 1], JSON.stringify({ "containerimage.digest": digest }));
    return Promise.resolve("");
  };
  return { calls, run };
}

/** Front's memory in both committed stack files (its pin goes after it). */
const FRONT_MEMORY = "128Mi";
/** What the test stack builds each service from: the same Node bases. */
const NODE_BUILD_ARGS = {
  BUILD_IMAGE: "docker.io/library/node:24-alpine",
  BASE_IMAGE: "gcr.io/distroless/nodejs24-debian12:nonroot",
  REVISION: "abc123",
};

const images = (run: Runner, ...argv: string[]) => runMain("images", USAGE, (a, io) => main(a, io, run), argv);

/** Copies of the committed stack files with web, front and the backup tool pinned at a digest in each. */
function pinnedCopies(testDigest: string, prodDigest: string) {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-images-"));
  const pin = (stack: string, registry: string, memory: string, digest: string) => {
    const file = join(dir, `Pulumi.${stack}.yaml`);
    copyFileSync(`stacks/Pulumi.${stack}.yaml`, file);
    const text = readFileSync(file, "utf8");
    writeFileSync(
      file,
      text
        .replace(`memory: ${memory}\n`, `memory: ${memory}\n      image: ${registry}/web@${digest}\n`)
        .replace(`memory: ${FRONT_MEMORY}\n`, `memory: ${FRONT_MEMORY}\n      image: ${registry}/front@${digest}\n`)
        // The backup section ends with the repository's REST password.
        .replace("cmVzdC1wYXNzd29yZA==\n", `cmVzdC1wYXNzd29yZA==\n    image: ${registry}/backup@${digest}\n`),
    );
    return file;
  };
  return {
    test: pin("test", "registry.test.example.internal", "256Mi", testDigest),
    prod: pin("prod", "registry.example.internal", "512Mi", prodDigest),
  };
}

describe("images build", () => {
  it("plans each service built from source, bases as the stack pulls them, tagged in the stack's registry", () => {
    const revisions: string[] = [];
    const plan = buildPlan("test", "stacks/Pulumi.test.yaml", (context) => (revisions.push(context), "abc123"));
    expect(plan).toEqual([
      ...["web", "front"].map((name) => ({
        slot: `services.${name}`,
        name,
        context: `apps/${name}`,
        dockerfile: `apps/${name}/Dockerfile`,
        tag: `registry.test.example.internal/${name}:abc123`,
        buildArgs: NODE_BUILD_ARGS,
      })),
      // The backup tool too: prod runs what test ran, and builds nothing.
      {
        slot: "backup",
        name: "backup",
        context: "apps/backup",
        dockerfile: "apps/backup/Dockerfile",
        tag: "registry.test.example.internal/backup:abc123",
        buildArgs: {
          BASE_IMAGE:
            "docker.io/restic/restic:0.18.1@sha256:39d9072fb5651c80d75c7a811612eb60b4c06b32ffe87c2e9f3c7222e1797e76",
          REVISION: "abc123",
        },
      },
    ]);
    expect(revisions).toEqual(["apps/web", "apps/front", "apps/backup"]);
  });

  it("builds with buildx and pushes, fresh bases on request, and returns digest references", async () => {
    const [plan] = buildPlan("test", "stacks/Pulumi.test.yaml", () => "abc123");
    expect(buildArgv(plan, "/m.json", true)).toEqual([
      "buildx",
      "build",
      "--platform",
      "linux/amd64",
      "--file",
      "apps/web/Dockerfile",
      "--tag",
      "registry.test.example.internal/web:abc123",
      "--build-arg",
      "BUILD_IMAGE=docker.io/library/node:24-alpine",
      "--build-arg",
      "BASE_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot",
      "--build-arg",
      "REVISION=abc123",
      "--metadata-file",
      "/m.json",
      "--pull",
      "--no-cache",
      "--push",
      "apps/web",
    ]);
    expect(buildArgv(plan, "/m.json", false)).not.toContain("--no-cache");
    const { calls, run } = recorder();
    expect(await buildAll([plan], false, run)).toEqual({ web: `registry.test.example.internal/web@${D1}` });
    expect(calls).toHaveLength(1);
  });

  it("writes the built images where npm run pin reads them, and the step output for the scan matrix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-built-"));
    const out = join(dir, "images.json");
    const stepOutput = join(dir, "github-output");
    process.env.GITHUB_OUTPUT = stepOutput;
    try {
      const run = await images(recorder().run, "build", "test", "--out", out);
      expect(run).toMatchObject({ code: 0, stderr: "" });
    } finally {
      delete process.env.GITHUB_OUTPUT;
    }
    const ref = (name: string) => `registry.test.example.internal/${name}@${D1}`;
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({
      images: { web: ref("web"), front: ref("front") },
      backupImage: ref("backup"),
    });
    expect(readFileSync(stepOutput, "utf8")).toBe(
      `images=${JSON.stringify(["web", "front", "backup"].map((name) => ({ name, ref: ref(name) })))}\n`,
    );
  });

  it("refuses a build that reports no digest", async () => {
    const [plan] = buildPlan("test", "stacks/Pulumi.test.yaml", () => "abc123");
    await expect(buildAll([plan], false, recorder("sha256:short").run)).rejects.toThrow(/no image digest for web/);
  });
});

describe("images sign, verify, copy", () => {
  it("signs a digest keylessly, and only a digest", async () => {
    const { calls, run } = recorder();
    const ref = `registry.test.example.internal/web@${D1}`;
    expect((await images(run, "sign", ref)).code).toBe(0);
    expect(calls).toEqual([["cosign", "sign", "--yes", ref]]);
    const tagged = await images(run, "sign", "registry.test.example.internal/web:1.0");
    expect(tagged.code).toBe(1);
    expect(tagged.stderr).toMatch(/is not an image pinned by digest/);
  });

  it("verifies every pinned image against the deploy workflow's identity, and refuses an unpinned stack", async () => {
    const { prod } = pinnedCopies(D1, D1);
    const { calls, run } = recorder();
    const result = await images(run, "verify", "prod", "--config-file", prod, "--repository", "acme/dockyard");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    // The identity spelled out once here: the copy test below reuses deployWorkflowIdentity.
    expect(calls).toEqual(
      ["web", "front", "backup"].map((name) => [
        "cosign",
        "verify",
        "--certificate-identity-regexp",
        "^https://github\\.com/acme/dockyard/\\.github/workflows/deploy\\.yml@refs/heads/main$",
        "--certificate-oidc-issuer",
        "https://token.actions.githubusercontent.com",
        "--output",
        "text",
        `registry.example.internal/${name}@${D1}`,
      ]),
    );
    expect(
      new RegExp(deployWorkflowIdentity("acme/dockyard").identityRegexp).test(
        "https://github.com/acme/dockyard/.github/workflows/deploy.yml@refs/heads/main",
      ),
    ).toBe(true);
    const unpinned = await images(run, "verify", "prod", "--repository", "acme/dockyard");
    expect(unpinned.code).toBe(1);
    expect(unpinned.stderr).toMatch(
      /services\.web\.image is unset \(built by the stack\): prod must run an image pinned by digest/,
    );
    expect((await images(run, "verify", "prod", "--repository", "not a repo")).code).toBe(1);
  });

  it("promotes each pinned image: verified in test's registry, copied by digest with skopeo, signed in prod's", async () => {
    const same = pinnedCopies(D1, D1);
    const files = ["--config-file", `test=${same.test}`, "--config-file", `prod=${same.prod}`];
    const { calls, run } = recorder();
    const copy = (...extra: string[]) => images(run, "copy", "test", "prod", ...files, ...extra);
    expect(await copy("--repository", "acme/dockyard")).toMatchObject({ code: 0, stderr: "" });
    const identity = deployWorkflowIdentity("acme/dockyard");
    expect(calls).toEqual([
      ["skopeo", "--version"],
      ...["web", "front", "backup"].flatMap((name) => {
        const [from, to] = [`registry.test.example.internal/${name}@${D1}`, `registry.example.internal/${name}@${D1}`];
        return [
          [
            "cosign",
            "verify",
            "--certificate-identity-regexp",
            identity.identityRegexp,
            "--certificate-oidc-issuer",
            identity.issuer,
            "--output",
            "text",
            from,
          ],
          [
            "skopeo",
            "copy",
            "--all",
            "--preserve-digests",
            "--retry-times",
            "3",
            `docker://${from}`,
            `docker://registry.example.internal/${name}:promoted-${"1".repeat(12)}`,
          ],
          ["cosign", "sign", "--yes", to],
        ];
      }),
    ]);
    expect((await copy()).code).toBe(2);
    calls.length = 0;
    const other = pinnedCopies(D1, D2);
    const refused = await images(
      run,
      "copy",
      "test",
      "prod",
      "--config-file",
      `test=${other.test}`,
      "--config-file",
      `prod=${other.prod}`,
      "--repository",
      "acme/dockyard",
    );
    expect(refused.code).toBe(1);
    // Every unpromoted pin named, and nothing copied.
    expect(refused.stderr.trim().split("\n")).toEqual(
      ["services.web", "services.front", "backup"].map(
        (slot) => `prod pins ${slot} at ${D2}, which test does not run: promote first (npm run promote -- test prod)`,
      ),
    );
    expect(calls).toEqual([]);
  });

  it("misuse exits 2", async () => {
    for (const argv of [[], ["bake"], ["build"], ["copy", "test"], ["copy", "test", "test"], ["build", "../x"]])
      expect((await images(recorder().run, ...argv)).code, argv.join(" ")).toBe(2);
  });
});
