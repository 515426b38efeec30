// Mutation testing (`npm run mutate`): which defects would the Node-only suite let through, in
// the modules where a defect hurts users most. See docs/testing.md ("Mutation testing").
// scripts/mutate.cjs runs Stryker once per module of test/mutation/modules.cjs, naming it in
// DOCKYARD_MUTATE_MODULE, so each module keeps its own incremental state and report; without it
// (`npx stryker run`) every module is mutated in one run.
import { createRequire } from "node:module";

const modules = createRequire(import.meta.url)("./test/mutation/modules.cjs");
const id = process.env.DOCKYARD_MUTATE_MODULE ?? "all";
const selected = id === "all" ? modules : modules.filter((m) => m.id === id);
if (selected.length === 0) throw new Error(`DOCKYARD_MUTATE_MODULE: no module "${id}" in test/mutation/modules.cjs`);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.mts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  mutate: selected.flatMap((m) => m.mutate),
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: `out/mutation/${id}.incremental.json`,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `out/mutation/${id}.json` },
  tempDirName: "out/mutation/.stryker-tmp",
  cleanTempDir: "always",
  timeoutMS: 60000,
  thresholds: { high: 90, low: 85, break: null },
};
