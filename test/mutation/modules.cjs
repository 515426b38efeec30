// The critical modules of mutation testing (`npm run mutate`): where a defect hurts users most.
// One list, read by stryker.config.mjs (what to mutate), scripts/mutate.cjs (one Stryker run per
// module, each with its own incremental state) and scripts/mutation-report.cjs (scores).
"use strict";

/** @type {{ id: string, name: string, mutate: string[] }[]} */
module.exports = [
  {
    id: "protection",
    name: "protection wiring",
    mutate: ["infra/{providers,containers,backups,registry,machines,exposure}.ts"],
  },
  { id: "parity", name: "parity", mutate: ["infra/parity/*.ts"] },
  {
    id: "hardening",
    name: "hardening and container translators",
    mutate: [
      "components/workload/{security,docker-settings,pod-spec,secrets,probes,resources,labels,resolve,resolve-ports,network-policy,resolve-exposure}.ts",
      "components/container-service/{docker-pids,kubernetes-objects,route,autoscaling}.ts",
      "components/gateway/{resolve,manifests}.ts",
    ],
  },
  {
    id: "image",
    name: "image policy",
    mutate: ["components/image-policy.ts", "components/registry/image-ref.ts", "components/rules/image.ts"],
  },
  {
    id: "registry",
    name: "registry config and credentials",
    mutate: ["components/registry/{registry-config,pull-credentials,registry-spec,local-image}.ts"],
  },
  {
    id: "config",
    name: "config schema and secret handling",
    mutate: ["infra/{config,config-schema,config-source,config-error,stack-file,secrets}.ts"],
  },
  { id: "backup", name: "backup", mutate: ["components/backup.ts", "components/backup/*.ts"] },
  {
    id: "libvirt",
    name: "libvirt providers (engine-free parts)",
    mutate: [
      "components/libvirt/{lifecycle,defined,domain-xml,network-xml,pool-xml,volume-xml,xml,parse,validate,cloud-init}.ts",
    ],
  },
  { id: "rules", name: "value rules", mutate: ["components/rules/*.ts", "!components/rules/image.ts"] },
];
