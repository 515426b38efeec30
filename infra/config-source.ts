import * as pulumi from "@pulumi/pulumi";

/** The project's config namespace: keys are `dockyard:<key>`. */
export const CONFIG_NAMESPACE = "dockyard";

/**
 * Raw `dockyard:*` config as Pulumi hands it to a program, plus where it came from.
 * Values are strings (objects arrive as JSON); secret-ness is known per top-level key,
 * as the engine reports it.
 */
export interface ConfigSource {
  /** The stack settings file the values come from, for messages. */
  file: string;
  /** Values keyed without the namespace (`services`, not `dockyard:services`). */
  values: Record<string, string>;
  /** Top-level keys whose value was set as a secret. */
  secretKeys: ReadonlySet<string>;
}

/**
 * Reads the config of the running stack from the Pulumi runtime (the engine, or
 * mocks primed with `setAllConfig`). The only place in the project that reads Pulumi config.
 */
export function runtimeConfigSource(file = `stacks/Pulumi.${pulumi.getStack()}.yaml`): ConfigSource {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    values[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { file, values, secretKeys };
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
