import { accept, refuse, rule, type Rule } from "./rule";

/**
 * CPU and memory amounts, as Kubernetes quantities, bounded to what a container can sensibly
 * ask for: a value past the bounds is a typo (or an attack on the renderers), not a request.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const MIB = 2 ** 20;
const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: MIB,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};
const MEMORY = /^(\d{1,15}(?:\.\d{1,6})?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const CPU = /^(\d{1,9}(?:\.\d{1,6})?|\.\d{1,6})(m?)$/;

/** Most CPU one container may ask for: 256 cores. */
export const MAX_CPU_MILLICORES = 256_000;

/** The least CPU Docker accepts as a limit (`--cpus` 0.01): 10 millicores. */
export const DOCKER_MIN_CPU_MILLICORES = 10;

/** Why a CPU limit of `millicores` is below what Docker accepts, or undefined. */
export function dockerCpuProblem(millicores: number): string | undefined {
  return millicores >= DOCKER_MIN_CPU_MILLICORES
    ? undefined
    : `must be at least "10m" on docker, whose smallest CPU limit is 0.01 CPU (--cpus); it would refuse to create the container`;
}
/** Docker refuses memory limits below 6 MiB; nothing useful runs in less anyway. */
export const MIN_MEMORY_BYTES = 6 * MIB;
/** Most memory one container may ask for: 1 TiB. */
export const MAX_MEMORY_BYTES = 2 ** 40;

/** A CPU amount in whole millicores: `"500m"`, `"0.5"`, `"2"` or a number of cores, from 1m to 256 cores. */
export const cpu: Rule<number> = rule(`a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256`, (value) => {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  const match = typeof text === "string" ? CPU.exec(text) : null;
  const problem = `must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores`;
  if (match === null) return refuse(problem);
  const amount = Number(match[1]);
  // Round away float noise (0.1 * 1000) before checking for a whole millicore.
  const milli = Math.round((match[2] === "m" ? amount : amount * 1000) * 1e6) / 1e6;
  return Number.isInteger(milli) && milli >= 1 && milli <= MAX_CPU_MILLICORES ? accept(milli) : refuse(problem);
});

/** A memory amount in bytes: `"256Mi"`, `"1Gi"`, `"512M"`, from 6Mi to 1Ti. Bare numbers are refused: bytes or MiB? */
export const memory: Rule<number> = rule(`a memory quantity like "256Mi" or "1Gi", from 6Mi to 1Ti`, (value) => {
  const match = typeof value === "string" ? MEMORY.exec(value) : null;
  const problem = `must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes`;
  if (match === null) return refuse(problem);
  const bytes = Number(match[1]) * (MEMORY_UNITS[match[2] ?? ""] ?? Number.NaN);
  return Number.isInteger(bytes) && bytes >= MIN_MEMORY_BYTES && bytes <= MAX_MEMORY_BYTES
    ? accept(bytes)
    : refuse(problem);
});

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
