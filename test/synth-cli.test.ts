import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBounded } from "../infra/cli/bounded-run";
import { OFFLINE_SECRET_VALUE } from "../infra/stack-file";
import { STACK_TRACE, synth } from "./support/cli";
import { committedConfig, writeStackFile } from "./support/stack-files";

/** A cold synth takes 1–3 s; past this it hangs, and the test fails naming it (before vitest's 60 s). */
const CLI_TIMEOUT_MS = 45_000;

/** The synth binary as `npm run synth` starts it (node, the bundling runner, the entry). */
function synthProcess(...args: string[]) {
  const result = runBounded(process.execPath, ["scripts/run-ts.cjs", "infra/synth/cli.ts", ...args], {
    timeoutMs: CLI_TIMEOUT_MS,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function freshOut(): string {
  return mkdtempSync(join(tmpdir(), "dockyard-synth-"));
}

describe("npm run synth", () => {
  it("the binary (runner, bundle, entry) exits 0 with a summary line, and 2 on misuse", () => {
    const out = freshOut();
    const run = synthProcess("dev", "--out", out);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dev: \d+ resources → /);
    const misuse = synthProcess("../etc", "--out", out);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain("usage: npm run synth -- <stack>");
  });

  it.each(["dev", "test", "prod"])(
    "%s: writes resources.json with type, name, parent, dependencies, inputs",
    async (stack) => {
      const out = freshOut();
      const run = await synth(stack, "--out", out);
      // Warnings may appear (e.g. a limit the Docker provider cannot set); errors may not.
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      const resources = JSON.parse(readFileSync(join(out, stack, "resources.json"), "utf8")) as Record<
        string,
        unknown
      >[];
      expect(resources.length).toBeGreaterThan(1);
      for (const resource of resources) {
        expect(Object.keys(resource)).toEqual(
          expect.arrayContaining(["type", "name", "parent", "dependencies", "inputs"]),
        );
      }
    },
  );

  it("masks secrets: a secure value never appears in the output", async () => {
    const config = committedConfig("prod");
    config["dockyard:registry"] = {
      mode: "external",
      address: "registry.example.com",
      username: "ci",
      password: { secure: "v1:abc:def" },
    };
    const out = freshOut();
    const run = await synth("prod", "--config-file", writeStackFile(config), "--out", out);
    expect(run.code).toBe(0);
    const files = readdirSync(join(out, "prod"), { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), "utf8");
      expect(text).not.toContain(OFFLINE_SECRET_VALUE);
      expect(text).not.toContain("v1:abc:def");
    }
  });

  const BROKEN: { name: string; file: () => string; lines: string[] }[] = [
    {
      name: "wrong value and unknown key",
      file: () => writeStackFile({ ...committedConfig("prod"), "dockyard:target": "k8s", "dockyard:replicas": 2 }),
      lines: [`dockyard:target must be "docker" or "kubernetes", got "k8s"`, "dockyard:replicas is not a known key"],
    },
    {
      name: "missing required key",
      file: () => {
        const config = committedConfig("prod");
        delete config["dockyard:target"];
        return writeStackFile(config);
      },
      lines: ["dockyard:target is required"],
    },
    {
      name: "bad YAML",
      file: () => writeStackFile("config:\n  dockyard:target: [docker\n"),
      lines: ["is not valid YAML"],
    },
    {
      name: "not a stack settings file",
      file: () => writeStackFile("configuration:\n  dockyard:target: docker\n"),
      lines: ["configuration is not a stack settings key"],
    },
    {
      name: "missing file",
      file: () => join(tmpdir(), "dockyard-no-such-dir", "Pulumi.prod.yaml"),
      lines: ["cannot be read: no such file"],
    },
  ];

  it.each(BROKEN)(
    "broken stack file ($name): exit 1, one line per problem naming file and key, no trace, nothing written",
    async ({ file, lines }) => {
      const path = file();
      const out = freshOut();
      const run = await synth("prod", "--config-file", path, "--out", out);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      const printed = run.stderr.trimEnd().split("\n");
      expect(printed.length).toBeGreaterThanOrEqual(lines.length);
      for (const line of printed) expect(line.startsWith(`${path}: `)).toBe(true);
      for (const expected of lines) expect(printed.some((line) => line.includes(expected))).toBe(true);
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(readdirSync(out)).toEqual([]);
    },
  );

  it("leaves an earlier good output in place when the config is broken", async () => {
    const out = freshOut();
    expect((await synth("prod", "--out", out)).code).toBe(0);
    const before = readFileSync(join(out, "prod", "resources.json"), "utf8");
    expect((await synth("prod", "--config-file", writeStackFile("config: [\n"), "--out", out)).code).toBe(1);
    expect(readFileSync(join(out, "prod", "resources.json"), "utf8")).toBe(before);
  });

  it("refuses an output it may not write before it evaluates the stack", async () => {
    const out = freshOut();
    const file = writeStackFile({ "dockyard:target": "kube" });
    // Evaluated, this stack file would be refused for its target: the --out line comes first, alone.
    const run = await synth("prod", "--config-file", file, "--out", file);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^synth: --out .* is not a directory$/)]);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([[[]], [["dev", "prod"]], [["dev", "--frobnicate"]], [["../etc"]]])(
    "usage error %j: exit 2",
    async (args) => {
      const out = freshOut();
      const run = await synth(...args, "--out", out);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("usage: npm run synth -- <stack>");
      expect(existsSync(join(out, "dev"))).toBe(false);
    },
  );
});
