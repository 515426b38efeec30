/**
 * CPU and memory for both targets: checked with the shared rules (rules.cpu, rules.memory), rendered
 * as Kubernetes quantities or Docker's units.
 */

export { cpuQuantity, memoryQuantity, MIN_MEMORY_BYTES } from "../rules";

const MIB = 2 ** 20;

/** Millicores as Docker's `--cpus` value, e.g. 500 → `"0.5"`. */
export function dockerCpus(millicores: number): string {
  return String(millicores / 1000);
}

/** Bytes as Docker's memory unit for the provider (MiB), rounded up so the limit is never lower. */
export function dockerMemoryMiB(bytes: number): number {
  return Math.ceil(bytes / MIB);
}
