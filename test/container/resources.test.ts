import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { cpuQuantity, dockerCpus, dockerMemoryMiB, memoryQuantity } from "../../components/workload/resources";
import { argsOf } from "../../components/args";
import * as rules from "../../components/rules";

/** The value as a component checks it: the rule applied at `resources.cpu`, problems thrown at the end. */
function checked(rule: rules.Rule<number>, input: unknown): number {
  const at = argsOf("ContainerService", "web").field("resources").field("cpu");
  return at.problems.done({ value: at.check(rule, input) }).value;
}
const parseCpu = (input: unknown) => checked(rules.cpu, input);
const parseMemory = (input: unknown) => checked(rules.memory, input);

describe("parseCpu", () => {
  it.each([
    ["500m", 500],
    ["0.5", 500],
    ["2", 2000],
    [".25", 250],
    ["1500m", 1500],
    [1, 1000],
    [0.1, 100],
  ] as const)("%s → %i millicores", (input, milli) => {
    expect(parseCpu(input)).toBe(milli);
  });

  it.each(["fast", "", "0", "0m", "0.0001", "1.5m", "-1", "1 cpu", "1e3", null])("rejects %s", (input) => {
    expect(() => parseCpu(input)).toThrow(ComponentArgError);
  });
});

describe("parseMemory", () => {
  it.each([
    ["256Mi", 256 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["512M", 512e6],
    ["6291456", 6 * 2 ** 20],
    ["8192Ki", 8 * 2 ** 20],
  ] as const)("%s → %i bytes", (input, bytes) => {
    expect(parseMemory(input)).toBe(bytes);
  });

  it.each(["lots", "", "1Mi", "5Mi", "256MB", "256mi", "-1Gi", "1.5", 512, undefined])("rejects %s", (input) => {
    expect(() => parseMemory(input)).toThrow(ComponentArgError);
  });
});

describe("quantity rendering", () => {
  it("renders millicores as Kubernetes quantities and Docker --cpus", () => {
    expect([cpuQuantity(500), cpuQuantity(2000), cpuQuantity(1250)]).toEqual(["500m", "2", "1250m"]);
    expect([dockerCpus(500), dockerCpus(2000), dockerCpus(1250)]).toEqual(["0.5", "2", "1.25"]);
  });

  it("renders bytes in the largest exact binary unit, and as MiB (rounded up) for Docker", () => {
    expect([
      memoryQuantity(2 ** 30),
      memoryQuantity(256 * 2 ** 20),
      memoryQuantity(1.5 * 2 ** 30),
      memoryQuantity(512e6),
      memoryQuantity(1001),
    ]).toEqual(["1Gi", "256Mi", "1536Mi", "500000Ki", "1001"]);
    expect([dockerMemoryMiB(256 * 2 ** 20), dockerMemoryMiB(512e6)]).toEqual([256, 489]);
  });
});
