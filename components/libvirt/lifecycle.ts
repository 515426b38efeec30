// Diff and check logic shared by the dynamic providers. Pure; types only from the SDK.
import type * as pulumi from "@pulumi/pulumi";

/** Placeholder the engine sends for inputs not yet known during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Compares the inputs a provider cares about. Changes to `inPlace` keys update the object;
 * any other change replaces it, deleting the old one first because names are fixed.
 */
export function diffInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  keys: readonly string[],
  inPlace: readonly string[],
): pulumi.dynamic.DiffResult {
  const changed = keys.filter((key) => canonical(olds[key]) !== canonical(news[key]));
  const replaces = changed.filter((key) => !inPlace.includes(key));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
}

/**
 * JSON with object keys sorted at every level: state comes back from the engine through
 * protobuf Structs, whose key order need not match the program's.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
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
