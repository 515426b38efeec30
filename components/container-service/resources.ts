import * as rules from "../rules";
import type { ArgPath } from "../args";

/**
 * CPU and memory for both targets: parsed with the shared rules (components/rules), rendered
 * as Kubernetes quantities or Docker's units.
 */

export { cpuQuantity, memoryQuantity, MIN_MEMORY_BYTES } from "../rules";

const MIB = 2 ** 20;

/** Parses a CPU amount into whole millicores (see {@link rules.cpu}), failing naming the argument. */
export function parseCpu(at: ArgPath, value: unknown): number {
  return at.check(rules.cpu, value);
}

/** Parses a memory quantity into bytes (see {@link rules.memory}), failing naming the argument. */
export function parseMemory(at: ArgPath, value: unknown): number {
  return at.check(rules.memory, value);
}

/** Millicores as Docker's `--cpus` value, e.g. 500 → `"0.5"`. */
export function dockerCpus(millicores: number): string {
  return String(millicores / 1000);
}

/** Bytes as Docker's memory unit for the provider (MiB), rounded up so the limit is never lower. */
export function dockerMemoryMiB(bytes: number): number {
  return Math.ceil(bytes / MIB);
}
