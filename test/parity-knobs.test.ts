/**
 * How parity lines one stack's config up with another's: every knob takes the other stack's
 * value (or goes where the other leaves it unset), nothing else moves, secrets follow the values,
 * and what differs beyond knobs is listed leaf by leaf.
 */
import { describe, expect, it } from "vitest";
import { alignKnobs, nonKnobConfigDifferences, projectConfig } from "../infra/parity/knobs";
import type { StackSettings } from "../infra/stack-file";

function settings(file: string, config: Record<string, unknown>, securePaths: string[][] = []): StackSettings {
  return {
    file,
    config: Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
    secretKeys: [...new Set(securePaths.map(([key]) => key))],
    securePaths,
  };
}

const KNOBS = ["protect", "endpoints.namespace", "services.*.cpu", "registry.password"];

describe("projectConfig", () => {
  it("keeps the project's keys without their namespace, values parsed, other namespaces out", () => {
    expect(
      projectConfig(
        settings("f", {
          "dockyard:target": "docker",
          "dockyard:services": { web: { cpu: "1" } },
          "pulumi:tags": { a: "b" },
        }),
      ),
    ).toEqual({
      target: "docker",
      services: { web: { cpu: "1" } },
    });
  });
});

describe("alignKnobs", () => {
  const from = settings("test.yaml", {
    "dockyard:target": "kubernetes",
    "dockyard:protect": false,
    "dockyard:endpoints": { namespace: "t", kubeContext: "ctx" },
    "dockyard:services": { web: { cpu: "250m", replicas: 1 }, api: { cpu: "100m" } },
    "aws:region": "eu-west-1",
  });
  const to = settings(
    "prod.yaml",
    {
      "dockyard:target": "docker",
      "dockyard:protect": true,
      "dockyard:endpoints": { namespace: "p" },
      "dockyard:services": { web: { cpu: "2" } },
      "dockyard:registry": { password: "offline-secret-value" },
    },
    [["dockyard:registry", "password"]],
  );
  // Aligned inside each test, not once here: mutation testing credits a test with the code it runs.
  const align = () => {
    const aligned = alignKnobs(from, to, KNOBS);
    return { aligned, config: projectConfig(aligned) };
  };

  it("sets every knob to the other stack's value, at every name a wildcard matches", () => {
    const { config } = align();
    expect(config.protect).toBe(true);
    expect(config.endpoints).toEqual({ namespace: "p", kubeContext: "ctx" });
    expect((config.services as Record<string, Record<string, unknown>>).web.cpu).toBe("2");
  });

  it("removes a knob the other stack leaves unset, and keeps what is not a knob", () => {
    const { config } = align();
    expect((config.services as Record<string, Record<string, unknown>>).api).toEqual({});
    expect((config.services as Record<string, Record<string, unknown>>).web.replicas).toBe(1);
    expect(config.target).toBe("kubernetes");
    // A whole key the other stack leaves unset goes from the settings, not only from the parsed config.
    const unset = alignKnobs(settings("a", { "dockyard:protect": true }), settings("b", {}), KNOBS);
    expect(unset.config).toEqual({});
  });

  it("keeps the other namespaces and the file it came from", () => {
    const { aligned } = align();
    expect(aligned.config["aws:region"]).toBe("eu-west-1");
    expect(aligned.file).toBe("test.yaml");
  });

  it("passes text values as text and the rest as JSON, as the CLI does", () => {
    const { aligned } = align();
    expect(aligned.config["dockyard:target"]).toBe("kubernetes");
    expect(aligned.config["dockyard:protect"]).toBe("true");
  });

  it("makes a copied knob secret exactly where the other stack has it secret", () => {
    const { aligned } = align();
    expect(aligned.securePaths).toEqual([["dockyard:registry", "password"]]);
    expect(aligned.secretKeys).toEqual(["dockyard:registry"]);
    const back = alignKnobs(
      settings("a", { "dockyard:registry": { password: "x" } }, [["dockyard:registry", "password"]]),
      settings("b", {}),
      KNOBS,
    );
    expect(back.securePaths).toEqual([]);
    expect(projectConfig(back).registry).toEqual({});
  });

  it("keeps a secret that sits outside every knob", () => {
    const secretImage = alignKnobs(
      settings("a", { "dockyard:services": { web: { image: "x" } } }, [["dockyard:services", "web", "image"]]),
      settings("b", {}),
      KNOBS,
    );
    expect(secretImage.securePaths).toEqual([["dockyard:services", "web", "image"]]);
  });
});

describe("nonKnobConfigDifferences", () => {
  it("lists each leaf that differs outside the knobs, with both values", () => {
    const a = {
      target: "docker",
      protect: false,
      services: { web: { cpu: "1", security: { allowPrivilegeEscalation: true } } },
      vms: { legacy: { enabled: false } },
    };
    const b = {
      target: "kubernetes",
      protect: true,
      services: { web: { cpu: "2", security: { allowPrivilegeEscalation: false } } },
      vms: {},
    };
    expect(nonKnobConfigDifferences(a, b, KNOBS)).toEqual([
      ["target", "docker", "kubernetes"],
      ["services.web.security.allowPrivilegeEscalation", true, false],
      ["vms.legacy.enabled", false, undefined],
    ]);
  });

  it("compares a value against a missing branch, and a branch against a value, as a whole", () => {
    expect(nonKnobConfigDifferences({ unsafe: { allowLatestTag: true } }, {}, KNOBS)).toEqual([
      ["unsafe.allowLatestTag", true, undefined],
    ]);
    expect(nonKnobConfigDifferences({ registry: "x" }, { registry: { mode: "external" } }, KNOBS)).toEqual([
      ["registry", "x", { mode: "external" }],
    ]);
    expect(nonKnobConfigDifferences({}, {}, KNOBS)).toEqual([]);
  });

  it("skips knobs at any depth, wildcards included", () => {
    expect(
      nonKnobConfigDifferences(
        { services: { web: { cpu: "1" } }, protect: true },
        { services: { web: { cpu: "9" } }, protect: false },
        KNOBS,
      ),
    ).toEqual([]);
  });
});
