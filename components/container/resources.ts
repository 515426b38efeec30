import { describeValue } from "../errors";
import type { ArgPath } from "./validate";

/**
 * Quantity parsing shared by both targets: CPU in millicores and memory in bytes,
 * rendered as Kubernetes quantities or Docker's units.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const CPU = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/;
const MIB = 2 ** 20;

/** Docker refuses memory limits below 6 MiB; nothing useful runs in less anyway. */
export const MIN_MEMORY_BYTES = 6 * MIB;

/**
 * Parses a CPU amount into whole millicores: `"500m"`, `"0.5"`, `"2"` or a number of cores.
 * Fails on anything else, on zero and on fractions of a millicore.
 */
export function parseCpu(at: ArgPath, value: unknown): number {
  const text = typeof value === "number" ? String(value) : value;
  const match = typeof text === "string" ? CPU.exec(text) : null;
  const problem = `must be a CPU amount such as "500m", "0.5" or 2 (cores), at least 1m, got ${describeValue(value)}`;
  if (match === null) at.fail(problem);
  const amount = Number(match[1]);
  const milli = match[2] === "m" ? amount : amount * 1000;
  // Round away float noise (0.1 * 1000) before checking for a whole millicore.
  const rounded = Math.round(milli * 1e6) / 1e6;
  if (!Number.isInteger(rounded) || rounded < 1) at.fail(problem);
  return rounded;
}

/**
 * Parses a memory quantity into bytes: `"256Mi"`, `"1Gi"`, `"512M"`, `"1073741824"`.
 * Numbers are refused (is 512 bytes or MiB?), as are amounts below {@link MIN_MEMORY_BYTES}.
 */
export function parseMemory(at: ArgPath, value: unknown): number {
  const match = typeof value === "string" ? MEMORY.exec(value) : null;
  const problem = `must be a memory quantity such as "256Mi" or "1Gi" (at least 6Mi), got ${describeValue(value)}`;
  if (match === null) at.fail(problem);
  const bytes = Number(match[1]) * (MEMORY_UNITS[match[2] ?? ""] ?? Number.NaN);
  if (!Number.isFinite(bytes) || !Number.isInteger(bytes) || bytes < MIN_MEMORY_BYTES) at.fail(problem);
  return bytes;
}

/** Millicores as a Kubernetes quantity, e.g. 500 → `"500m"`, 2000 → `"2"`. */
export function cpuQuantity(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** Bytes as a Kubernetes quantity in the largest binary unit that divides them, e.g. `"256Mi"`. */
export function memoryQuantity(bytes: number): string {
  for (const unit of ["Ti", "Gi", "Mi", "Ki"]) {
    const size = MEMORY_UNITS[unit] ?? 1;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** Millicores as Docker's `--cpus` value, e.g. 500 → `"0.5"`. */
export function dockerCpus(millicores: number): string {
  return String(millicores / 1000);
}

/** Bytes as Docker's memory unit for the provider (MiB), rounded up so the limit is never lower. */
export function dockerMemoryMiB(bytes: number): number {
  return Math.ceil(bytes / MIB);
}
