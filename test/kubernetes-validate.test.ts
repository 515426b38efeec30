import { describe, expect, it } from "vitest";
import { validateKubernetesObject } from "./support/kubernetes-validate";

/** The validator every Kubernetes object test relies on: it must be able to fail. */
describe("validateKubernetesObject", () => {
  it("accepts a valid object of each API group dockyard uses", () => {
    for (const object of [
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "v" } },
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "a" },
        spec: { template: { spec: { containers: [] } } },
      },
      { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "a" }, spec: { maxUnavailable: 1 } },
    ])
      expect(() => validateKubernetesObject(object), object.kind).not.toThrow();
  });

  it("refuses a missing required field and a wrong type", () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" } };
    expect(() => validateKubernetesObject({ ...deployment, spec: { template: {} } })).toThrow(/selector/);
    expect(() =>
      validateKubernetesObject({ ...deployment, spec: { selector: {}, template: {}, replicas: "two" } }),
    ).toThrow(/replicas/);
  });

  it("refuses a kind or an apiVersion it has no model for", () => {
    expect(() => validateKubernetesObject({ apiVersion: "apps/v1", kind: "Widget" })).toThrow(
      "no kubernetes-models schema for apps/v1 Widget",
    );
    expect(() => validateKubernetesObject({ apiVersion: "example.com/v1", kind: "Widget" })).toThrow(
      "no kubernetes-models schema for example.com/v1 Widget",
    );
  });
});
