import { describe, expect, it } from "vitest";
import { checkParity, formatParity } from "../infra/parity/check";
import { parity } from "./support/cli";
import { committedConfig, writeStackFile } from "./support/stack-files";

type Config = Record<string, unknown>;

function section(config: Config, key: string): Config {
  return config[`dockyard:${key}`] as Config;
}
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
      c["dockyard:services"] = {
        web: { replicas: 1, cpu: "2", memory: "1Gi" },
        front: {
          host: "front.staging.example.net",
          cpu: "1",
          memory: "256Mi",
          autoscaling: { minReplicas: 5, maxReplicas: 20, targetCpuUtilization: 50 },
        },
      };
      c["dockyard:gateway"] = {
        className: "eg-internal",
        dataPlane: { namespace: "gateway-internal", podLabels: { "app.kubernetes.io/name": "envoy-internal" } },
        tls: { source: "cert-manager", issuer: "staging-ca", issuerKind: "Issuer" },
      };
      c["dockyard:registry"] = { address: "registry.staging.example.net" };
      c["dockyard:volumes"] = { "web-data": { sizeGiB: 500, storageClass: "bulk" } };
      c["dockyard:backup"] = {
        schedule: "15 1 * * 0",
        keep: { last: 3, hourly: 24, daily: 30, weekly: 0, monthly: 24, yearly: 5 },
        check: { schedule: "0 6 * * 6", readDataPercent: 50 },
        drill: { schedule: "0 7 * * 6", maxSnapshotAgeHours: 200 },
        repository: {
          ...((section(c, "backup").repository as Config) ?? {}),
          url: "rest:https://backup.elsewhere.example.com:8443/other",
        },
      };
      c["dockyard:protect"] = true;
    });
    expect(report.config).toEqual([]);
    expect(report.differences).toEqual([]);
  });

  it("fails when test backs up to another kind of repository, naming the key", async () => {
    const report = await testCopyAgainstProd((c) => {
      // Plain http, without the REST login (which http would carry in clear).
      const repository = section(c, "backup").repository as Config;
      repository.url = "rest:http://backup.test.example.internal/dockyard";
      delete repository.restUsername;
      delete repository.restPassword;
    });
    const lines = formatParity(report);
    expect(lines).toContain(
      `  config dockyard:backup.repository.url: test="rest:http" prod="rest:https" (differs beyond its environment part)`,
    );
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

  it("fails when test weakens a security setting, naming the key and the resource setting", async () => {
    const report = await testCopyAgainstProd((c) => {
      (section(c, "services").web as Config).security = { allowWritableRootFilesystem: true };
    });
    const lines = formatParity(report);
    expect(lines).toContain(
      `  config dockyard:services.web.security.allowWritableRootFilesystem: test=true prod=false (not an environment knob)`,
    );
    expect(lines).toContain(
      `  kubernetes:apps/v1:StatefulSet::web inputs.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: test=false prod=true`,
    );
  });

  it("fails when test runs another image than prod: the digest is compared, not the registry serving it", async () => {
    const image = `registry.test.example.internal/web@sha256:${"c".repeat(64)}`;
    const report = await testCopyAgainstProd((c) => {
      (section(c, "services").web as Config).image = image;
    });
    expect(formatParity(report)).toContain(
      `  config dockyard:services.web.image: test="sha256:${"c".repeat(64)}" prod="built by the stack from source" (differs beyond its environment part)`,
    );
    const prodPinned = structuredClone(committedConfig("prod"));
    (section(prodPinned, "services").web as Config).image = `registry.example.internal/web@sha256:${"c".repeat(64)}`;
    const pinnedProd = { stack: "prod", file: writeStackFile(prodPinned, "Pulumi.prod.yaml") };
    const testPinned = structuredClone(committedConfig("test"));
    (section(testPinned, "services").web as Config).image = image;
    const same = await checkParity({ stack: "test", file: writeStackFile(testPinned, "Pulumi.test.yaml") }, pinnedProd);
    expect(formatParity(same)).toHaveLength(1);
  });

  it("fails when test targets another Kubernetes minor: its pods are admitted by another Pod Security profile", async () => {
    const report = await testCopyAgainstProd((c) => {
      c["dockyard:kubernetes"] = { version: "v1.36" };
    });
    const lines = formatParity(report);
    expect(lines).toContain(
      `  config dockyard:kubernetes.version: test="v1.36" prod="v1.37" (not an environment knob)`,
    );
    expect(lines).toContain(
      `  kubernetes:core/v1:Namespace::namespace inputs.metadata.labels.pod-security.kubernetes.io/enforce-version: test="v1.36" prod="v1.37"`,
    );
  });

  it("fails when a VM present in prod is turned off in test", async () => {
    const report = await testCopyAgainstProd((c) => {
      (c["dockyard:vms"] as Config).legacy = { enabled: false };
    });
    expect(formatParity(report)).toContain(
      `  config dockyard:vms.legacy.enabled: test=false prod=true (not an environment knob)`,
    );
  });

  it("npm run parity: exit 0 on the committed stacks, 1 naming the difference on a modified copy, 2 on misuse", async () => {
    const mirrored = await parity();
    expect(mirrored.code).toBe(0);
    expect(mirrored.stdout).toMatch(/^parity test ≡ prod: mirrored/);
    const config = structuredClone(committedConfig("test"));
    config["dockyard:target"] = "docker";
    const broken = await parity("test", "prod", "--config-file", `test=${writeStackFile(config, "Pulumi.test.yaml")}`);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `config dockyard:target: test="docker" prod="kubernetes" (not an environment knob)`,
    );
    expect((await parity("test", "prod", "--config-file", "staging=x.yaml")).code).toBe(2);
  });

  it("npm run parity without stacks checks every pair the environments imply; --config-file replaces or adds a stack's file", async () => {
    const staging = structuredClone(committedConfig("test"));
    staging["dockyard:endpoints"] = { kubeContext: "dockyard-staging", namespace: "dockyard-staging" };
    (staging["dockyard:endpoints"] as Config).libvirtUri = "qemu+ssh://ops@vm-host.staging.example.internal/system";
    staging["dockyard:registry"] = { address: "registry.staging.example.internal" };
    (section(staging, "services").front as Config).host = "app.staging.example.internal";
    (section(staging, "backup").repository as Config).url = "rest:https://backup.staging.example.internal/dockyard";
    const file = writeStackFile(staging, "Pulumi.staging.yaml");
    // A new build stage: mirrored against the protected stack, beside test against prod.
    const added = await parity("--config-file", `staging=${file}`);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^parity test ≡ prod: mirrored/m);
    expect(added.stdout).toMatch(/^parity staging ≡ prod: mirrored/m);
    expect((await parity("staging", "prod", "--config-file", `staging=${file}`)).stdout).toMatch(
      /^parity staging ≡ prod: mirrored/,
    );
    // Every pair, with test's file changed beyond its knobs: that pair fails, naming the key.
    const test = structuredClone(committedConfig("test"));
    test["dockyard:kubernetes"] = { version: "v1.36" };
    const drifted = await parity("--config-file", `test=${writeStackFile(test, "Pulumi.test.yaml")}`);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/^parity test ≠ prod: /m);
    expect(drifted.stdout).toContain(
      `  config dockyard:kubernetes.version: test="v1.36" prod="v1.37" (not an environment knob)`,
    );
    // A promotion that names no build stage is the environments' mistake: exit 1, one line.
    const prod = structuredClone(committedConfig("prod"));
    prod["dockyard:promotion"] = { from: "dev" };
    const wrong = await parity("--config-file", `prod=${writeStackFile(prod, "Pulumi.prod.yaml")}`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /Pulumi\.prod\.yaml: dockyard:promotion\.from names dev, which is not a CI environment/,
    );
    // One stack, a malformed entry, or a file for a stack no pair compares, is misuse.
    const dev = await parity("--config-file", `dev=${writeStackFile(committedConfig("dev"), "Pulumi.dev.yaml")}`);
    expect([dev.code, dev.stderr.split("\n")[0]]).toEqual([2, "parity: --config-file dev=…: no pair compares dev"]);
    for (const argv of [["test"], ["--config-file", "x"]]) expect((await parity(...argv)).code, argv.join(" ")).toBe(2);
  });
});
