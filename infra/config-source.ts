import * as pulumi from "@pulumi/pulumi";
import type { ConfigProblem } from "./config-error";
import { readStackSettings, type StackSettings } from "./stack-file";

/** The project's config namespace: keys are `dockyard:<key>`. */
export const CONFIG_NAMESPACE = "dockyard";

/** Namespaces accepted without being read: the engine's own (`pulumi:tags`, …). */
const ENGINE_NAMESPACES = new Set(["pulumi"]);
/** Provider namespaces whose default providers dockyard never uses: their keys would do nothing. */
const PROVIDER_NAMESPACES = new Set(["kubernetes", "docker", "random", "libvirt", "command"]);

/**
 * Raw `dockyard:*` config as Pulumi hands it to a program, plus where it came from and
 * which parts of it are secrets.
 */
export interface ConfigSource {
  /** The stack settings file the values come from, for messages. */
  file: string;
  /** Values keyed without the namespace (`services`, not `dockyard:services`): strings, JSON for objects. */
  values: Record<string, string>;
  /** Paths below the namespace whose values are secrets; a top-level key alone means all of its value. */
  secretPaths: readonly (readonly string[])[];
  /**
   * Top-level keys the engine reports as holding a secret somewhere, where it cannot be known
   * which values (no committed stack file to compare with): their text values are all secrets.
   */
  uncertainSecretKeys: readonly string[];
  /** Keys that cannot be used (another namespace, most likely a typo), as problems. */
  problems: readonly ConfigProblem[];
  /** Secrets are offline stand-ins (synth, parity), not decrypted values. */
  offline: boolean;
}

/**
 * Reads the config of the running stack from the Pulumi runtime (the engine, or mocks primed
 * with `setAllConfig`). The only place in the project that reads Pulumi config.
 *
 * The engine says only which top-level keys hold a secret somewhere inside. Inside such a key,
 * a value is treated as plain only where the committed stack file holds the very same value in
 * plaintext (so nothing that is not already public in the repository is ever treated as plain);
 * everything else in it is a secret.
 */
export function runtimeConfigSource(file = `stacks/Pulumi.${pulumi.getStack()}.yaml`): ConfigSource {
  const all = pulumi.runtime.allConfig();
  const secretTop = Object.keys(all).filter((key) => isConfigSecret(key));
  const { values, problems } = splitNamespaces(all, file);
  const secretPaths: string[][] = [];
  const uncertainSecretKeys: string[] = [];
  const prefix = `${CONFIG_NAMESPACE}:`;
  if (secretTop.some((key) => key.startsWith(prefix))) {
    const committed = readCommitted(file);
    for (const fullKey of secretTop.filter((key) => key.startsWith(prefix))) {
      const key = fullKey.slice(prefix.length);
      if (committed) secretPaths.push(...refineSecret(key, values[key], committed));
      else uncertainSecretKeys.push(key);
    }
  }
  return { file, values, secretPaths, uncertainSecretKeys, problems, offline: false };
}

/** A config source from a stack file read offline (synth, parity): secure values are stand-ins, their places exact. */
export function settingsConfigSource(settings: StackSettings): ConfigSource {
  const { values, problems } = splitNamespaces(settings.config, settings.file);
  const prefix = `${CONFIG_NAMESPACE}:`;
  const secretPaths = settings.securePaths
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, ...rest]) => [key.slice(prefix.length), ...rest]);
  return { file: settings.file, values, secretPaths, uncertainSecretKeys: [], problems, offline: true };
}

/** `dockyard:*` values keyed without the namespace, and a problem for every key of an unknown namespace. */
function splitNamespaces(
  all: Record<string, string>,
  file: string,
): { values: Record<string, string>; problems: ConfigProblem[] } {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: ConfigProblem[] = [];
  for (const [fullKey, value] of Object.entries(all)) {
    const colon = fullKey.indexOf(":");
    const namespace = colon < 0 ? "" : fullKey.slice(0, colon);
    const key = fullKey.slice(colon + 1);
    if (namespace === CONFIG_NAMESPACE) values[key] = value;
    else if (!ENGINE_NAMESPACES.has(namespace))
      problems.push({ file, key: fullKey, message: foreignKeyMessage(namespace, key) });
  }
  return { values, problems };
}

function foreignKeyMessage(namespace: string, key: string): string {
  if (namespace.toLowerCase() === CONFIG_NAMESPACE || editDistance(namespace.toLowerCase(), CONFIG_NAMESPACE) <= 2) {
    return `is in namespace "${namespace}", which dockyard does not read: did you mean ${CONFIG_NAMESPACE}:${key}?`;
  }
  if (PROVIDER_NAMESPACES.has(namespace)) {
    return `configures the default ${namespace} provider, which dockyard never uses (its providers come from dockyard:endpoints): remove it`;
  }
  return `is in namespace "${namespace}", which dockyard does not read: remove it (dockyard's keys are dockyard:<key>)`;
}

/** Levenshtein distance, for "did you mean" on short namespace names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

function readCommitted(file: string): StackSettings | undefined {
  try {
    return readStackSettings(file);
  } catch {
    return undefined;
  }
}

/** Secret paths inside one secret top-level key: every leaf not held in plaintext, with the same value, by the committed file. */
function refineSecret(key: string, raw: string | undefined, committed: StackSettings): string[][] {
  const fullKey = `${CONFIG_NAMESPACE}:${key}`;
  const inFile = committed.config[fullKey];
  if (raw === undefined || inFile === undefined) return [[key]];
  const secure = new Set(
    committed.securePaths.filter(([k]) => k === fullKey).map(([, ...path]) => path.join("\u0000")),
  );
  const fileValue = parseConfigValue(inFile);
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === "object" && value !== null) {
      for (const [child, inner] of Object.entries(value)) walk(inner, [...path, child]);
      return;
    }
    const held = valueAt(fileValue, path);
    if (secure.has(path.join("\u0000")) || JSON.stringify(held) !== JSON.stringify(value)) paths.push([key, ...path]);
  };
  walk(parseConfigValue(raw), []);
  return paths;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Whether the engine delivered a key as a secret. The SDK exposes this to JavaScript
 * (`runtime.isConfigSecret`) without a type declaration; it reads PULUMI_CONFIG_SECRET_KEYS.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") {
    throw new Error("@pulumi/pulumi no longer provides runtime.isConfigSecret: update infra/config-source.ts");
  }
  return runtime.isConfigSecret(fullKey);
}

/** Pulumi passes objects as JSON and scalars as strings: parse what parses, keep the rest. */
export function parseConfigValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
