/**
 * Shared fixtures of the container tests: services resolved through the real resolver, a volume
 * reference without Pulumi, and a guard that rendered objects are plain data (no outputs).
 */
import type { ContainerServiceArgs } from "../../../components/container-service";
import { resolveServiceSpec } from "../../../components/workload/resolve";
import type { ResolvedService } from "../../../components/workload/spec";
import type { AccessMode, VolumeRef } from "../../../components/types";

/** A digest-pinned image reference, as the image policy requires by default. */
export const IMAGE = `registry.local/web:1.0@sha256:${"a1".repeat(32)}`;

/** A digest reference for a named repository, e.g. `digestRef("api")`. */
export function digestRef(repository: string): string {
  return `registry.local/${repository}@sha256:${"b2".repeat(32)}`;
}

/** A minimal valid service: only what has no default. */
export const MINIMAL: ContainerServiceArgs = { target: "kubernetes", image: IMAGE };

/** Resolves `MINIMAL` with changes applied. */
export function serviceSpec(changes: Partial<ContainerServiceArgs> = {}, name = "web"): ResolvedService {
  return resolveServiceSpec(name, { ...MINIMAL, ...changes });
}

/** A volume reference as a PersistentVolume would provide it. */
export function volumeRef(logicalName: string, accessMode: AccessMode = "ReadWriteOnce"): VolumeRef {
  return { logicalName, volumeName: logicalName, accessMode };
}

/**
 * Returns the value typed as `T` after checking it is plain JSON data (no Output, Promise or
 * function inside), which is what a translator must produce from plain inputs.
 */
export function plain<T>(value: unknown): T {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  if (!isDeepStrictEqual(copy, value)) throw new Error(`not plain data: ${JSON.stringify(value)}`);
  return value as T;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(b) !== Object.prototype && !Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => isDeepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
