// Mutation testing (`npm run mutate`): which defects would the Node-only suite let through, in
// the modules where a defect hurts users most. See docs/testing.md ("Mutation testing").
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.mts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  mutate: [
    "components/hardening.ts",
    "components/image-policy.ts",
    "components/container-service/{security-context,docker-settings,pod-spec,kubernetes-objects,probes,resources,labels,resolve,resolve-ports,docker-pids,network-policy,ingress,autoscaling,resolve-exposure}.ts",
    "components/registry/{registry-config,pull-credentials,registry-spec,image-ref}.ts",
    "components/rules/*.ts",
    "infra/{config,config-schema,config-source,config-error,stack-file,secrets,providers,containers,backups,registry,machines,exposure}.ts",
    "infra/parity/*.ts",
  ],
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: "out/mutation/stryker-incremental.json",
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "out/mutation/mutation.json" },
  tempDirName: "out/mutation/.stryker-tmp",
  cleanTempDir: "always",
  timeoutMS: 60000,
  thresholds: { high: 90, low: 85, break: null },
};
