import { describe, expect, it } from "vitest";
import {
  cpu,
  cpuQuantity,
  MAX_CPU_MILLICORES,
  MAX_MEMORY_BYTES,
  memory,
  memoryQuantity,
  MIN_MEMORY_BYTES,
} from "../../components/rules";

const value = <T>(verdict: { ok: true; value: T } | { ok: false; problem: string }) =>
  verdict.ok ? verdict.value : verdict.problem;

describe("cpu", () => {
  it.each([
    ["1m", 1],
    ["0.001", 1],
    ["250m", 250],
    ["0.5", 500],
    [".25", 250],
    ["2", 2000],
    [2, 2000],
    [0.5, 500],
    ["256", MAX_CPU_MILLICORES],
    ["256000m", MAX_CPU_MILLICORES],
  ] as const)("%j is %i millicores", (input, millicores) => {
    expect(value(cpu.check(input))).toBe(millicores);
  });

  it.each([
    "0",
    "0m",
    0,
    "0.0004",
    "1.5m",
    "256001m",
    "257",
    257,
    "99999999999999999999",
    Infinity,
    NaN,
    -1,
    "-1",
    "1 cpu",
    "1e3",
    "",
    null,
    undefined,
    true,
    ["1"],
    { cpu: 1 },
  ])("refuses %j", (input) => {
    expect(cpu.check(input).ok).toBe(false);
  });

  it("renders millicores back as a quantity", () => {
    expect([1, 250, 1000, 1500, 256000].map(cpuQuantity)).toEqual(["1m", "250m", "1", "1500m", "256"]);
  });
});

describe("memory", () => {
  it.each([
    ["6Mi", MIN_MEMORY_BYTES],
    ["256Mi", 256 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["512M", 512e6],
    ["1Ti", MAX_MEMORY_BYTES],
    ["6291456", MIN_MEMORY_BYTES],
  ] as const)("%j is %i bytes", (input, bytes) => {
    expect(value(memory.check(input))).toBe(bytes);
  });

  it.each([
    "5Mi",
    "6291455",
    "1Ki",
    "1025Gi",
    "2Ti",
    "1.1Ti",
    "256mi",
    "256MB",
    "lots",
    "",
    512,
    6291456,
    null,
    undefined,
    ["1Gi"],
  ])("refuses %j", (input) => {
    expect(memory.check(input).ok).toBe(false);
  });

  it("renders bytes in the largest binary unit that divides them", () => {
    expect([2 ** 40, 2 ** 30, 256 * 2 ** 20, 2 ** 10, 512e6, 1000].map(memoryQuantity)).toEqual([
      "1Ti",
      "1Gi",
      "256Mi",
      "1Ki",
      "500000Ki",
      "1000",
    ]);
  });
});
