/**
 * Parity's comparison of two evaluated stacks sees every way they can differ: inputs, resource
 * options, parents, dependencies, providers, and lists of another length.
 */
import { describe, expect, it } from "vitest";
import { compareResources } from "../infra/parity/compare";
import type { RecordedResource } from "../infra/synth/recorder";
import { T } from "./support/types";

function resource(change: (r: RecordedResource) => void = () => undefined): RecordedResource {
  const r: RecordedResource = {
    urn: "urn:pulumi:prod::dockyard::kubernetes:core/v1:PersistentVolumeClaim::web-data",
    type: T.pvc,
    name: "web-data",
    parent: "urn:pulumi:prod::dockyard::dockyard:storage:PersistentVolume::web-data",
    dependencies: ["urn:pulumi:prod::dockyard::kubernetes:core/v1:Namespace::namespace"],
    inputs: { spec: { accessModes: ["ReadWriteOnce"] } },
    custom: true,
    provider: "urn:pulumi:prod::dockyard::pulumi:providers:kubernetes::kubernetes::id",
    options: {
      protect: true,
      retainOnDelete: true,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
    },
  };
  change(r);
  return r;
}

describe("compareResources", () => {
  it("finds nothing between equal graphs", () => {
    expect(compareResources([resource()], [resource()])).toEqual([]);
  });

  it.each([
    ["protect", (r: RecordedResource) => (r.options.protect = false), "options.protect"],
    ["retainOnDelete", (r: RecordedResource) => (r.options.retainOnDelete = false), "options.retainOnDelete"],
    [
      "deleteBeforeReplace",
      (r: RecordedResource) => (r.options.deleteBeforeReplace = true),
      "options.deleteBeforeReplace",
    ],
    ["ignoreChanges", (r: RecordedResource) => (r.options.ignoreChanges = ["spec"]), "options.ignoreChanges"],
    [
      "the parent",
      (r: RecordedResource) => (r.parent = "urn:pulumi:prod::dockyard::pulumi:pulumi:Stack::dockyard-prod"),
      "parent",
    ],
    [
      "the provider",
      (r: RecordedResource) => (r.provider = "urn:pulumi:prod::dockyard::pulumi:providers:kubernetes::other::id"),
      "provider",
    ],
    ["a dependency", (r: RecordedResource) => (r.dependencies = []), "dependencies"],
    [
      "an input",
      (r: RecordedResource) => ((r.inputs.spec as { accessModes: string[] }).accessModes = ["ReadWriteMany"]),
      "inputs.spec.accessModes[0]",
    ],
    [
      "an extra list element",
      (r: RecordedResource) => (r.inputs.spec as { accessModes: string[] }).accessModes.push("ReadOnlyMany"),
      "inputs.spec.accessModes",
    ],
    [
      "a missing list element",
      (r: RecordedResource) => ((r.inputs.spec as { accessModes: string[] }).accessModes = []),
      "inputs.spec.accessModes",
    ],
  ])("reports a difference in %s", (_what, change, path) => {
    const differences = compareResources([resource(change)], [resource()]);
    expect(differences.map((d) => d.path)).toEqual([path]);
    expect(differences[0].subject).toBe("kubernetes:core/v1:PersistentVolumeClaim::web-data");
  });

  it("identifies resources across stacks by type and name, whatever the stack and project", () => {
    const elsewhere = resource(
      (r) => (r.urn = "urn:pulumi:test::other::kubernetes:core/v1:PersistentVolumeClaim::web-data"),
    );
    expect(compareResources([elsewhere], [resource()])).toEqual([]);
  });

  it("a value against a map is one difference at that key", () => {
    const scalar = resource((r) => (r.inputs.spec = "none"));
    expect(compareResources([scalar], [resource()]).map((d) => d.path)).toEqual(["inputs.spec"]);
    expect(compareResources([resource()], [scalar]).map((d) => d.path)).toEqual(["inputs.spec"]);
  });

  it("a list against a map or a value is one difference at that key", () => {
    const list = resource((r) => (r.inputs.spec = ["ReadWriteOnce"]));
    expect(compareResources([list], [resource()]).map((d) => d.path)).toEqual(["inputs.spec"]);
  });

  it("reports a resource present on one side only, whichever side", () => {
    expect(compareResources([resource()], [])).toEqual([
      { subject: "kubernetes:core/v1:PersistentVolumeClaim::web-data", path: "(resource)", a: "present", b: "absent" },
    ]);
    expect(compareResources([], [resource()])).toEqual([
      { subject: "kubernetes:core/v1:PersistentVolumeClaim::web-data", path: "(resource)", a: "absent", b: "present" },
    ]);
  });
});
