import { join } from "node:path";
import { defineConfig } from "vitest/config";

// The Node-only suite alone, for mutation testing (`npm run mutate`, stryker.config.mjs): the
// same files and setup as vitest.config.mts's "node" project, without the engine suite.
process.env.NODE_COMPILE_CACHE ??= join(process.cwd(), "out", ".run", "compile-cache");

export default defineConfig({
  test: {
    pool: "forks",
    isolate: false,
    include: ["test/**/*.test.ts"],
    // resources.test.ts serializes the libvirt providers' closures, which Stryker's instrumented
    // copies of them cannot survive; it mutates nothing listed in stryker.config.mjs.
    exclude: ["test/engines/**", "**/node_modules/**", "test/libvirt/resources.test.ts"],
    setupFiles: ["test/support/unmapped-sdk-stacks.ts", "test/support/fresh-pulumi.ts"],
    // Each test evaluates the stacks it reads: the code under test changes with every mutant.
    env: { DOCKYARD_FRESH_EVALUATIONS: "1" },
    // As in vitest.config.mts: GitHub's workflow parser is transformed, not loaded by Node.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
