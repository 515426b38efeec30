import { describe, expect, it } from "vitest";
import { checkParity, formatParity } from "../infra/parity/check";
import { committedConfig, writeStackFile } from "./support/stack-files";

type Config = Record<string, unknown>;
const prod = { stack: "prod", file: "stacks/Pulumi.prod.yaml" };

/** A modified copy of the committed test stack, compared against prod. */
async function testCopyAgainstProd(change: (config: Config) => void) {
  const config = structuredClone(committedConfig("test"));
  change(config);
  return checkParity({ stack: "test", file: writeStackFile(config, "Pulumi.test.yaml") }, prod);
}

describe("parity", () => {
  it("the committed test stack mirrors prod", async () => {
    const report = await checkParity({ stack: "test", file: "stacks/Pulumi.test.yaml" }, prod);
    expect(formatParity(report)).toHaveLength(1);
    expect(report.config).toEqual([]);
    expect(report.differences).toEqual([]);
    expect(report.resources).toBeGreaterThan(1);
  });

  it("allows every environment knob to differ", async () => {
    const report = await testCopyAgainstProd((c) => {
      c["dockyard:services"] = { web: { replicas: 1, cpu: "2", memory: "1Gi" } };
      c["dockyard:volumes"] = { "web-data": { sizeGiB: 500, storageClass: "bulk" } };
      c["dockyard:backup"] = { schedule: "15 1 * * 0", retentionDays: 90 };
      c["dockyard:protect"] = true;
    });
    expect(report.config).toEqual([]);
    expect(report.differences).toEqual([]);
  });

  it("fails on a switched target and names it, in config and in resources", async () => {
    const report = await testCopyAgainstProd((c) => {
      c["dockyard:target"] = "docker";
    });
    const lines = formatParity(report);
    expect(lines[0]).toMatch(/^parity test ≠ prod: \d+ difference/);
    expect(lines).toContain(`  config dockyard:target: test="docker" prod="kubernetes" (not an environment knob)`);
    expect(lines).toContain(`  kubernetes:core/v1:Namespace::namespace (resource): test="absent" prod="present"`);
  });

  it("fails when a VM present in prod is turned off in test", async () => {
    const report = await testCopyAgainstProd((c) => {
      (c["dockyard:vms"] as Config).legacy = { enabled: false };
    });
    expect(formatParity(report)).toContain(`  config dockyard:vms.legacy.enabled: test=false prod=true (not an environment knob)`);
  });
});
