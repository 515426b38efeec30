import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Node's compile cache for the worker processes: each test file loads the Pulumi SDKs anew.
process.env.NODE_COMPILE_CACHE ??= join(process.cwd(), "out", ".run", "compile-cache");

// Pulumi keeps global runtime state and serializes dynamic providers as closures:
// each test file needs its own process ("forks", isolated). See docs/testing.md.
//
// Two suites (docs/testing.md): "node" needs Node and `npm ci` only (`npm test`); "engines"
// needs real engines and host tools, set up by `sudo npm run engines:up` (`npm run test:engines`).
export default defineConfig({
  test: {
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "node", include: ["test/**/*.test.ts"], exclude: ["test/engines/**"] } },
      { extends: true, test: { name: "engines", include: ["test/engines/**/*.test.ts"] } },
    ],
  },
});
