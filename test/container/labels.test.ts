import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import {
  RESERVED_LABELS,
  labelValue,
  selectorLabels,
  serviceLabels,
  userLabels,
} from "../../components/workload/labels";
import { argsOf, type ArgPath } from "../../components/args";
import { serviceSpec } from "./support/fixtures";

/** A check run as a component runs it, at `labels`: its value, or its problems thrown at the end. */
function checked<T>(check: (at: ArgPath) => T | undefined): T {
  const at = argsOf("ContainerService", "web").field("labels");
  return at.problems.done({ value: check(at) }).value;
}

describe("userLabels", () => {
  it("accepts Kubernetes label syntax, prefixed or not", () => {
    expect(checked((at) => userLabels(at, { team: "platform", "example.com/cost-center": "cc-42", tier: "" }))).toEqual(
      {
        team: "platform",
        "example.com/cost-center": "cc-42",
        tier: "",
      },
    );
    expect(checked((at) => userLabels(at, undefined))).toEqual({});
  });

  const BAD: [Record<string, string>, string][] = [
    [
      { "bad key!": "x" },
      `ContainerService "web": labels.bad key! is not a valid label key ([prefix/]name, name at most 63 characters)`,
    ],
    [
      { "Example.COM/x": "y" },
      `ContainerService "web": labels.Example.COM/x is not a valid label key ([prefix/]name, name at most 63 characters)`,
    ],
    [
      { team: "has space" },
      `ContainerService "web": labels.team must be a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit), got "has space"`,
    ],
    [{ team: "x".repeat(64) }, `ContainerService "web": labels.team must be a label value`],
    ...RESERVED_LABELS.map((key): [Record<string, string>, string] => [
      { [key]: "x" },
      `ContainerService "web": labels.${key} is set by dockyard and cannot be overridden`,
    ]),
  ];
  it.each(BAD)("rejects %o", (labels, message) => {
    expect(() => checked((at) => userLabels(at, labels))).toThrow(ComponentArgError);
    expect(() => checked((at) => userLabels(at, labels))).toThrow(message);
  });

  it("rejects non-string values", () => {
    expect(() => checked((at) => labelValue(at.key("n"), 3))).toThrow(`labels.n must be a label value`);
  });
});

describe("service labels", () => {
  it("selects pods by name and instance only, so other labels may change freely", () => {
    expect(selectorLabels(serviceSpec({ labels: { team: "a" }, component: "api" }))).toEqual({
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/instance": "web",
    });
  });

  it("adds the recommended set after the caller's labels", () => {
    expect(serviceLabels(serviceSpec({ partOf: "shop" }))).toEqual({
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/instance": "web",
      "app.kubernetes.io/part-of": "shop",
      "app.kubernetes.io/managed-by": "pulumi",
    });
  });
});
