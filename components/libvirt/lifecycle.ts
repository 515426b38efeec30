// Diff and check logic shared by the dynamic providers. Pure; types only from the SDK.
import type * as pulumi from "@pulumi/pulumi";

/** Placeholder the engine sends for inputs not yet known during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Keys that name an object rather than describe it: a change replaces the object even when it
 * was made out of band (libvirt cannot rename by redefinition).
 */
export const IDENTITY_KEYS = ["uri", "name", "pool"] as const;

/**
 * What `read` found changed out of band: for each drifted input, the value recorded before
 * (null when it was not set). See {@link reconcile}.
 */
export type Drift = Record<string, unknown>;

/**
 * Compares the inputs a provider cares about. Changes to `inPlace` keys update the object;
 * any other change replaces it, deleting the old one first because names are fixed. A change
 * that is only drift — `read` saw the live object differ from what was recorded, and the
 * program still asks for the recorded value — is corrected in place, unless it is an
 * identity key.
 */
export function diffInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  keys: readonly string[],
  inPlace: readonly string[],
): pulumi.dynamic.DiffResult {
  const drift = (olds.drift ?? {}) as Drift;
  const onlyDrift = (key: string): boolean =>
    key in drift &&
    !(IDENTITY_KEYS as readonly string[]).includes(key) &&
    canonical(drift[key] ?? null) === canonical(news[key] ?? null);
  const changed = keys.filter((key) => canonical(olds[key]) !== canonical(news[key]));
  const replaces = changed.filter((key) => !inPlace.includes(key) && !onlyDrift(key));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
}

/**
 * The inputs `read` reports: for each key, the recorded value while the live object matches
 * what was declared, else the live value (and the recorded one in `drift`), so that diff sees
 * the difference from the program. `declared` and `live` are facts read the same way from
 * dockyard's rendering and from libvirt; without `declared` (an import) every value is live.
 */
export function reconcile<T extends object>(
  keys: readonly (keyof T & string)[],
  recorded: Partial<T> | undefined,
  declared: { readonly [K in keyof T]?: unknown } | undefined,
  live: { readonly [K in keyof T]?: unknown },
): { values: Partial<T>; drift?: Drift } {
  const values: Partial<T> = {};
  const drift: Drift = {};
  const same = (a: unknown, b: unknown): boolean => canonical(a ?? null) === canonical(b ?? null);
  for (const key of keys) {
    if (recorded === undefined || declared === undefined) {
      values[key] = live[key] as T[typeof key];
    } else if (same(declared[key], live[key])) {
      values[key] = recorded[key];
    } else {
      values[key] = live[key] as T[typeof key];
      drift[key] = recorded[key] ?? null;
    }
  }
  return Object.keys(drift).length > 0 ? { values, drift } : { values };
}

/**
 * JSON with object keys sorted at every level: state comes back from the engine through
 * protobuf Structs, whose key order need not match the program's.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((key) => [key, (inner as Record<string, unknown>)[key]]),
        )
      : inner,
  );
}

/** Reports required inputs that are missing or empty (unknown values pass: they arrive later). */
export function checkRequired(news: Record<string, unknown>, required: readonly string[]): pulumi.dynamic.CheckResult {
  const failures = required
    .filter((key) => news[key] !== UNKNOWN && (news[key] === undefined || news[key] === null || news[key] === ""))
    .map((key) => ({ property: key, reason: `${key} is required` }));
  return { inputs: news, failures };
}

/** Drops undefined values: the provider host's protobuf Struct cannot carry them. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the steps of a create after the object was defined; if one fails, runs `undo` so that
 * a failed create leaves nothing behind, and says so (or says what is left) in the error.
 */
export async function withRollback<T>(
  what: string,
  uri: string,
  work: () => Promise<T>,
  undo: () => Promise<void>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    let cleanup = "nothing was left behind";
    try {
      await undo();
    } catch (undoError) {
      cleanup = `removing the partial object failed too (${messageOf(undoError)}): remove it by hand`;
    }
    throw new Error(`could not create ${what} on ${uri} (${cleanup}): ${messageOf(error)}`);
  }
}
