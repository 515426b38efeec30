/**
 * docs/guides/adding-a-service.md, done: in a scratch copy of this working tree, its image pinned
 * in versions.json and its entry added to the topology exactly as the guide writes them, then each
 * check command run by npm (`npm run ci:pull-request`'s steps but `npm test`, which would run this
 * test again); then the tests that read the topology run in the copy unchanged, which is the
 * promise: a service a team adds needs no edit to the existing tests.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBounded } from "../../infra/cli/bounded-run";
import { blockAfter, childEnvironment, commandLines, scratchCopy } from "../support/scratch-copy";
import { T } from "../support/types";

const GUIDE = readFileSync("docs/guides/adding-a-service.md", "utf8");
const PIN = blockAfter(GUIDE, "### 1. Pin its image", "json");
const DECLARATION = blockAfter(GUIDE, "### 2. Declare it", "ts");
const CHECKS = blockAfter(GUIDE, "### 3. Check it", "sh");
const SERVICES_START = "const SERVICES: Record<string, ServiceTemplate> = {\n";

/** The topology's test files: they list services, volumes and backups from it. */
const TOPOLOGY_TESTS = [
  "test/platform-exposure.test.ts",
  "test/platform-security.test.ts",
  "test/platform-wiring.test.ts",
  "test/protection.test.ts",
  "test/schema-marks.test.ts",
  "test/config.test.ts",
  "test/synth-compose.test.ts",
  "test/synth-artefacts.test.ts",
  "test/stack-config-doc.test.ts",
  "test/versions.test.ts",
  "test/delivery/smoke.test.ts",
  "test/container/container-service-pids.test.ts",
];

describe("the guide to adding a service", () => {
  it("pins one image and declares one service, then names synth, parity, policy and the pull-request checks", () => {
    expect(Object.keys((JSON.parse(PIN) as { images: object }).images)).toEqual(["cache"]);
    expect(DECLARATION.trimStart()).toMatch(/^\/\/ .*\n\s+cache: \{/);
    expect(commandLines(CHECKS)).toEqual([
      "npm run docs:config",
      "npm run synth -- test",
      "npm run synth -- prod",
      "npm run parity",
      "npm run policy -- prod",
      "npm run ci:pull-request",
    ]);
  });

  it(
    "done in a scratch copy, every check passes and the existing tests hold unchanged",
    { timeout: 900_000 },
    (context) => {
      const root = scratchCopy("new-service");
      context.onTestFinished(() => rmSync(root, { recursive: true, force: true }));
      const env = childEnvironment();
      const run = (command: string, args: string[]) => {
        const result = runBounded(command, args, { cwd: root, env, timeoutMs: 600_000 });
        expect(result.status, `${[command, ...args].join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
        return result.stdout;
      };

      // 1. The pin, merged into versions.json.
      const versionsFile = join(root, "versions.json");
      const versions = JSON.parse(readFileSync(versionsFile, "utf8")) as { images: Record<string, unknown> };
      Object.assign(versions.images, (JSON.parse(PIN) as { images: Record<string, unknown> }).images);
      writeFileSync(versionsFile, `${JSON.stringify(versions, null, 2)}\n`);
      // 2. The entry, first in SERVICES.
      const platformFile = join(root, "infra/platform.ts");
      const platform = readFileSync(platformFile, "utf8");
      expect(platform).toContain(SERVICES_START);
      writeFileSync(platformFile, platform.replace(SERVICES_START, `${SERVICES_START}${DECLARATION}`));

      // 3. Each check as written; ci:pull-request's steps but npm test.
      const { STEPS, runSteps } = createRequire(`${process.cwd()}/`)("./scripts/ci-pull-request.cjs") as {
        STEPS: string[];
        runSteps: (
          steps: string[],
          options: { cwd: string; env: NodeJS.ProcessEnv; capture: boolean },
        ) => {
          ok: boolean;
          output: string;
        };
      };
      const outputs = new Map<string, string>();
      for (const line of commandLines(CHECKS)) {
        if (line === "npm run ci:pull-request") {
          const result = runSteps(
            STEPS.filter((step) => step !== "npm test"),
            { cwd: root, env, capture: true },
          );
          expect(result.ok, result.output).toBe(true);
          outputs.set(line, result.output);
        } else {
          const [command, ...args] = line.split(" ");
          outputs.set(line, run(command, args));
        }
      }
      expect(readFileSync(join(root, "docs/guides/stack-config.md"), "utf8")).toContain("services.cache.");
      const prod = JSON.parse(readFileSync(join(root, "out/prod/resources.json"), "utf8")) as {
        type: string;
        name: string;
      }[];
      for (const type of [T.deployment, T.service, T.networkPolicy])
        expect(
          prod.some((r) => r.type === type && r.name === "cache"),
          type,
        ).toBe(true);
      expect(outputs.get("npm run parity")).toMatch(/mirrored/);
      expect(outputs.get("npm run policy -- prod")).toMatch(/no violations/);

      // The tests that read the topology, unchanged, in the copy.
      run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--project", "node", ...TOPOLOGY_TESTS]);
    },
  );
});
