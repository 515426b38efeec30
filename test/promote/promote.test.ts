/**
 * `npm run promote` and `npm run pin`, in-process on copies of the committed stack files: test's
 * deployed digests end up in both files with every comment kept, parity passes, and anything that
 * is not a digest served by test's registry is refused with nothing written.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as pinMain, USAGE as PIN_USAGE } from "../../infra/promote/pin-main";
import { main as promoteMain, USAGE as PROMOTE_USAGE } from "../../infra/promote/main";
import { readDeployed } from "../../infra/promote/promote";
import { STACK_TRACE } from "../support/cli";
import { evaluate, ofType } from "../support/pulumi-harness";
import { runMain } from "../support/run-main";
import { T } from "../support/types";

const FIXTURE = "test/promote/fixtures/test-outputs.json";
const DIGEST = "sha256:5b0e2f3a9c1d4e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7";
const FRONT_DIGEST = "sha256:6c1f3e2d4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4";
const FRONT_REF = `registry.test.example.internal/front@${FRONT_DIGEST}`;
const TOOL_DIGEST = "sha256:7e2a4b6c8d0f1e3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a";
const TOOL_REF = `registry.test.example.internal/backup@${TOOL_DIGEST}`;

/** Copies of the committed test and prod stack files in a fresh directory. */
function copies() {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-promote-"));
  const test = join(dir, "Pulumi.test.yaml");
  const prod = join(dir, "Pulumi.prod.yaml");
  copyFileSync("stacks/Pulumi.test.yaml", test);
  copyFileSync("stacks/Pulumi.prod.yaml", prod);
  const args = ["--config-file", `test=${test}`, "--config-file", `prod=${prod}`];
  const snapshot = () => [readFileSync(test, "utf8"), readFileSync(prod, "utf8"), readdirSync(dir).sort()];
  return { dir, test, prod, args, snapshot };
}

const promote = (...argv: string[]) => runMain("promote", PROMOTE_USAGE, promoteMain, argv);
const pin = (...argv: string[]) => runMain("pin", PIN_USAGE, pinMain, argv);

function outputsFile(dir: string, content: unknown): string {
  const file = join(dir, "outputs.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("npm run promote -- test prod --from-outputs FILE", () => {
  it("pins test's deployed digest in both files under each stack's registry, keeps every comment, and parity passes", async () => {
    const { test, prod, args } = copies();
    const run = await promote("test", "prod", "--from-outputs", FIXTURE, ...args);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `promote test → prod: services.web ${DIGEST}, services.front ${FRONT_DIGEST}, backup ${TOOL_DIGEST}`,
    );
    expect(run.stdout).toMatch(/\nparity test ≡ prod: mirrored/);
    const pinned = (file: string, registry: string, memory: string) =>
      readFileSync(file, "utf8")
        .replace(`      memory: ${memory}\n`, `      memory: ${memory}\n      image: ${registry}/web@${DIGEST}\n`)
        // front is the last service of the section: its pin ends it
        .replace("  dockyard:volumes:\n", `      image: ${registry}/front@${FRONT_DIGEST}\n  dockyard:volumes:\n`)
        // and the backup tool's ends the backup section, after the repository's last key
        .replace(
          "        secure: v1:AAAAAAAAAAAAAAAA:cmVzdC1wYXNzd29yZA==\n",
          `        secure: v1:AAAAAAAAAAAAAAAA:cmVzdC1wYXNzd29yZA==\n    image: ${registry}/backup@${TOOL_DIGEST}\n`,
        );
    expect(readFileSync(prod, "utf8")).toBe(pinned("stacks/Pulumi.prod.yaml", "registry.example.internal", "512Mi"));
    expect(readFileSync(test, "utf8")).toBe(
      pinned("stacks/Pulumi.test.yaml", "registry.test.example.internal", "256Mi"),
    );
    expect(readFileSync(prod, "utf8")).toContain("# Public keys of the operators allowed to log in");
    // Prod now runs exactly what test ran, the backup tool included: it builds nothing.
    const { resources } = await evaluate("prod", prod);
    expect(ofType(resources, T.image)).toEqual([]);
    expect(resources.filter((r) => r.type.includes("ServiceImage"))).toEqual([]);
    const jobs = resources.filter((r) => r.type === T.cronJob);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs)
      expect(JSON.stringify(job.inputs)).toContain(`registry.example.internal/backup@${TOOL_DIGEST}`);
  });

  it("refuses a tag-only image: exit 1, one line, nothing written", async () => {
    const { args, snapshot } = copies();
    const before = snapshot();
    const run = await promote("test", "prod", "--from-outputs", "test/promote/fixtures/tag-only-outputs.json", ...args);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'test/promote/fixtures/tag-only-outputs.json: images.web is "registry.test.example.internal/web:2026.12.01", not repo@sha256:<64 hex>: only a digest names what was deployed\n',
    );
    expect(snapshot()).toEqual(before);
  });

  it("refuses hostile outputs files with one line each, never a trace, writing nothing", async () => {
    const { dir, args, snapshot } = copies();
    const ref = `registry.test.example.internal/web@${DIGEST}`;
    const cases: [unknown, RegExp][] = [
      ["{ not json", /outputs file .*outputs\.json: is not JSON/],
      [[ref], /must be a JSON object of stack outputs/],
      [{ images: "web" }, /has no "images" object/],
      [{ images: { web: "[secret]", front: FRONT_REF } }, /images\.web is a secret in the outputs/],
      [
        { images: { web: `registry.example.internal/web@${DIGEST}`, front: FRONT_REF } },
        /not served by this stack's registry registry\.test\.example\.internal/,
      ],
      [
        { images: { web: `evil.example/registry.test.example.internal/web@${DIGEST}`, front: FRONT_REF } },
        /not served by this stack's registry/,
      ],
      // Hosts that merely start with the registry's name, or the same host on another port.
      [
        { images: { web: `registry.test.example.internal.evil.example/web@${DIGEST}`, front: FRONT_REF } },
        /not served by this stack's registry/,
      ],
      [
        { images: { web: `registry.test.example.internalx/web@${DIGEST}`, front: FRONT_REF } },
        /not served by this stack's registry/,
      ],
      [
        { images: { web: `registry.test.example.internal:5000/web@${DIGEST}`, front: FRONT_REF } },
        /not served by this stack's registry/,
      ],
      [{ images: { web: `${ref.slice(0, -1)}`, front: FRONT_REF } }, /images\.web is ".*": has digest/],
      [{ images: { web: ref, front: FRONT_REF, api: ref } }, /images\.api names no service of this program/],
      [{ images: { front: FRONT_REF } }, /images\.web is missing/],
      [
        { images: { web: ref, front: FRONT_REF }, registry: "registry.example.internal" },
        /registry is "registry\.example\.internal", not this stack's registry/,
      ],
      [{ images: { web: 42, front: FRONT_REF } }, /images\.web must be an image reference/],
      [{ images: { web: ref, front: FRONT_REF }, backupImage: undefined }, /backupImage is missing: the backup tool's/],
      [
        { images: { web: ref, front: FRONT_REF }, backupImage: `registry.example.internal/backup@${TOOL_DIGEST}` },
        /backupImage is ".*", not served by this stack's registry/,
      ],
    ];
    const before = snapshot();
    for (const [content, message] of cases) {
      // Each case has one mistake: the backup tool's image is there unless the case is about it.
      const whole =
        typeof content === "object" && content !== null && "images" in content && !("backupImage" in content)
          ? { ...content, backupImage: TOOL_REF }
          : content;
      const file = outputsFile(dir, whole);
      const run = await promote("test", "prod", "--from-outputs", file, ...args);
      expect(run.code, JSON.stringify(content)).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    }
    writeFileSync(join(dir, "outputs.json"), Buffer.alloc(1024 * 1024 + 1, 32));
    expect((await promote("test", "prod", "--from-outputs", join(dir, "outputs.json"), ...args)).stderr).toMatch(
      /more than 1048576/,
    );
    expect((await promote("test", "prod", "--from-outputs", dir, ...args)).stderr).toMatch(
      /not a regular file \(a directory\)/,
    );
    expect(snapshot()).toEqual([...before.slice(0, 2), [...(before[2] as string[]), "outputs.json"].sort()]);
  });

  it("writes nothing when prod would not mirror test afterwards", async () => {
    const { test, args, snapshot } = copies();
    writeFileSync(
      test,
      readFileSync(test, "utf8").replace(
        "      memory: 256Mi\n",
        "      memory: 256Mi\n      security:\n        allowPrivilegeEscalation: true\n",
      ),
    );
    const before = snapshot();
    const run = await promote("test", "prod", "--from-outputs", FIXTURE, ...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "config dockyard:services.web.security.allowPrivilegeEscalation: test=true prod=false",
    );
    expect(run.stderr).toBe("promote: nothing written: prod would not mirror test (above)\n");
    expect(snapshot()).toEqual(before);
  });

  it("misuse exits 2", async () => {
    for (const argv of [
      ["test"],
      ["test", "test"],
      ["test", "../prod"],
      ["test", "prod", "--config-file", "staging=x"],
      ["test", "prod", "--bogus"],
    ])
      expect((await promote(...argv)).code, argv.join(" ")).toBe(2);
  });

  it("without a file, reads the outputs with the Pulumi CLI, and says how to do without one", async () => {
    const { test } = copies();
    const fixture = readFileSync(FIXTURE, "utf8");
    const calls: string[][] = [];
    const images = await readDeployed("test", test, undefined, (command, argv) => {
      calls.push([command, ...argv]);
      return Promise.resolve(fixture);
    });
    expect(calls).toEqual([["pulumi", "stack", "output", "--json", "--stack", "test"]]);
    expect(images).toEqual({
      "services.web": { repository: "web", digest: DIGEST },
      "services.front": { repository: "front", digest: FRONT_DIGEST },
      backup: { repository: "backup", digest: TOOL_DIGEST },
    });
    await expect(
      readDeployed("test", test, undefined, () => Promise.reject(new Error("pulumi not found on PATH"))),
    ).rejects.toThrow(/cannot read test's outputs \(pulumi not found on PATH\): .* pass --from-outputs FILE/);
  });
});

describe("npm run pin -- test --from-outputs FILE", () => {
  it("pins freshly built digests in test only, and refuses an image of another registry", async () => {
    const { dir, test, prod, snapshot } = copies();
    const prodBefore = readFileSync(prod, "utf8");
    const run = await pin("test", "--from-outputs", FIXTURE, "--config-file", test);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(test, "utf8")).toContain(`      image: registry.test.example.internal/web@${DIGEST}\n`);
    expect(readFileSync(prod, "utf8")).toBe(prodBefore);
    const before = snapshot();
    const foreign = outputsFile(dir, { images: { web: `registry.example.internal/web@${DIGEST}` } });
    const refused = await pin("test", "--from-outputs", foreign, "--config-file", test);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not served by this stack's registry registry\.test\.example\.internal/);
    expect(snapshot().slice(0, 2)).toEqual(before.slice(0, 2));
    for (const argv of [["test"], ["test", "--deployed", "--from-outputs", FIXTURE]])
      expect((await pin(...argv)).code).toBe(2);
  });

  it("--deployed pins what the stack runs for each service the file leaves unset, and nothing for a stack never deployed", async () => {
    const { test } = copies();
    const cli = (outputs: string) => () => Promise.resolve(outputs);
    const pinWith = (outputs: string) =>
      runMain("pin", PIN_USAGE, (a, io) => pinMain(a, io, cli(outputs)), ["test", "--deployed", "--config-file", test]);
    const before = readFileSync(test, "utf8");
    expect((await pinWith('{"target": "kubernetes"}')).stdout).toBe(
      "pin test: nothing to pin (no deployed image the file leaves unset)\n",
    );
    expect(readFileSync(test, "utf8")).toBe(before);
    expect((await pinWith(readFileSync(FIXTURE, "utf8"))).code).toBe(0);
    const pinned = readFileSync(test, "utf8");
    expect(pinned).toContain(`image: registry.test.example.internal/web@${DIGEST}`);
    // A digest the file pins wins over what runs: a preview then shows the change.
    const other = JSON.stringify({
      images: {
        web: `registry.test.example.internal/web@sha256:${"e".repeat(64)}`,
        front: `registry.test.example.internal/front@sha256:${"e".repeat(64)}`,
      },
    });
    expect((await pinWith(other)).stdout).toMatch(/nothing to pin/);
    expect(readFileSync(test, "utf8")).toBe(pinned);
  });
});

describe('ordinary changes keep pin and promote green (docs/guides/delivery.md, "Changing services")', () => {
  const web = `registry.test.example.internal/web@${DIGEST}`;
  const deployedBy = (images: Record<string, string>, tool?: string) =>
    JSON.stringify({ images, ...(tool === undefined ? {} : { backupImage: tool }) });
  const pinDeployed = (test: string, outputs: string) =>
    runMain("pin", PIN_USAGE, (a, io) => pinMain(a, io, () => Promise.resolve(outputs)), [
      "test",
      "--deployed",
      "--config-file",
      test,
    ]);

  it("a branch that adds a service: the running stack lacks it, pin --deployed pins the rest", async () => {
    const { test } = copies();
    const run = await pinDeployed(test, deployedBy({ web }, TOOL_REF));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(test, "utf8")).toContain(`image: ${web}`);
    expect(readFileSync(test, "utf8")).not.toContain("/front@");
  });

  it("a branch that removes or renames a service: what runs under the old name is ignored", async () => {
    const { test } = copies();
    const old = `registry.test.example.internal/api@${DIGEST}`;
    const run = await pinDeployed(test, deployedBy({ web, front: FRONT_REF, api: old }, TOOL_REF));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(test, "utf8")).not.toContain("/api@");
  });

  it("a stack deployed before the backup tool was reported: its services are pinned, the tool is built", async () => {
    const { test } = copies();
    const run = await pinDeployed(test, deployedBy({ web, front: FRONT_REF }));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(test, "utf8")).not.toContain("/backup@");
  });

  it("a service pinned on purpose is not rebuilt: pin --from-outputs pins what CI built and keeps the pin", async () => {
    const { dir, test } = copies();
    const held = `registry.test.example.internal/front@sha256:${"f".repeat(64)}`;
    writeFileSync(
      test,
      readFileSync(test, "utf8").replace("      memory: 128Mi\n", `      memory: 128Mi\n      image: ${held}\n`),
    );
    const built = outputsFile(dir, { images: { web }, backupImage: TOOL_REF });
    expect(await pin("test", "--from-outputs", built, "--config-file", test)).toMatchObject({ code: 0, stderr: "" });
    const text = readFileSync(test, "utf8");
    expect(text).toContain(`image: ${web}`);
    expect(text).toContain(`image: ${held}`);
  });

  it("promotion stays strict: test's outputs must name every service and the tool, and nothing else", async () => {
    const { dir, args, snapshot } = copies();
    const before = snapshot();
    for (const [outputs, message] of [
      [{ images: { web, front: FRONT_REF } }, /backupImage is missing/],
      [{ images: { web }, backupImage: TOOL_REF }, /images\.front is missing/],
      [{ images: { web, front: FRONT_REF, api: web }, backupImage: TOOL_REF }, /images\.api names no service/],
    ] as const) {
      const run = await promote("test", "prod", "--from-outputs", outputsFile(dir, outputs), ...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
    }
    // Both stack files as they were (the directory now also holds the outputs file).
    expect(snapshot().slice(0, 2)).toEqual(before.slice(0, 2));
  });
});
