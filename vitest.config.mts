import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Node's compile cache for the worker processes: each test file loads the Pulumi SDKs anew.
process.env.NODE_COMPILE_CACHE ??= join(process.cwd(), "out", ".run", "compile-cache");

// GitHub's workflow parser (transformed by vitest, below) ships source maps naming sources it does
// not ship: load its files without them, or vite warns once per file.
const workflowParserWithoutSourceMaps = {
  name: "workflow-parser-without-source-maps",
  load(id: string) {
    const file = id.split("?")[0];
    if (!file.includes("/node_modules/@actions/workflow-parser/") || !file.endsWith(".js")) return null;
    return readFileSync(file, "utf8").replace(/\/\/# sourceMappingURL=\S+\s*$/, "");
  },
};

// Two suites (docs/testing.md): "node" needs Node and `npm ci` only (`npm test`); "engines"
// needs real engines and host tools, set up by `sudo npm run engines:up` (`npm run test:engines`).
// Both run in forked processes: `threads` breaks dynamic-provider serialization. The Node-only
// suite shares a process between files (the SDKs load once per worker, not once per file); every
// harness entry point installs fresh mocks, and setup files reset the rest of Pulumi's global
// state before each file and leave the SDK's bookkeeping stack traces unformatted (half of an
// evaluation's time went into mapping them). Engine tests keep a process each.
/** Engine test folders that run against Podman too (the rest need Docker or no container engine). */
const PODMAN_MATRIX = ["docker", "registry", "backup", "compose"];

export default defineConfig({
  plugins: [workflowParserWithoutSourceMaps],
  test: {
    pool: "forks",
    isolate: true,
    // Every core: `npm test` runs the typecheck and the lint beside the tests anyway.
    maxWorkers: "100%",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/engines/**", "test/guides/**"],
          isolate: false,
          setupFiles: ["test/support/unmapped-sdk-stacks.ts", "test/support/fresh-pulumi.ts"],
          // GitHub's workflow parser imports its JSON schema without an import attribute, which
          // Node refuses: vitest transforms it instead of letting Node load it.
          server: { deps: { inline: ["@actions/workflow-parser"] } },
        },
      },
      // The guides' walkthroughs: each performs a guide's steps in a scratch copy of the repository
      // and runs synth, parity, policy and tests there (tens of seconds each): `npm run test:guides`.
      {
        extends: true,
        test: {
          name: "guides",
          include: ["test/guides/**/*.test.ts"],
          setupFiles: ["test/support/unmapped-sdk-stacks.ts", "test/support/fresh-pulumi.ts"],
        },
      },
      // A hung virsh fails its test at 30 s, naming the command, before the test's own 60 s limit.
      {
        extends: true,
        test: {
          name: "engines",
          include: ["test/engines/**/*.test.ts"],
          env: { DOCKYARD_VIRSH_TIMEOUT_SECONDS: "30" },
        },
      },
      // The same container, registry, backup and Compose test files against a second engine:
      // Podman's Docker API (test/engines/support/requirements.ts reads DOCKYARD_ENGINE).
      {
        extends: true,
        test: {
          name: "engines-podman",
          include: PODMAN_MATRIX.map((dir) => `test/engines/${dir}/**/*.test.ts`),
          env: { DOCKYARD_ENGINE: "podman" },
        },
      },
    ],
  },
});
