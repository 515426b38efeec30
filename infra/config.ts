import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type ConfigProblem, configKey, problemsFromIssues } from "./config-error";
import { type ConfigCatalog, type StackConfigData, stackConfigSchema } from "./config-schema";
import { CONFIG_NAMESPACE, type ConfigSource, parseConfigValue, runtimeConfigSource } from "./config-source";
import { markedPaths } from "./schema-marks";

export { ConfigError } from "./config-error";
export type { ConfigCatalog } from "./config-schema";

/** A secret config value: reaches resources only as a Pulumi secret. */
export type Secret = pulumi.Output<string>;

/** The validated, defaulted config of one stack. Secrets are Pulumi secrets. */
export type StackConfig = Omit<StackConfigData, "registry"> & {
  registry: Omit<StackConfigData["registry"], "password"> & { password?: Secret };
  /** The stack settings file the config came from. */
  file: string;
};

/**
 * Validates a stack's config and applies defaults. Every problem (wrong type, out of
 * range, unknown key, missing key, plaintext where a secret is required) is collected
 * and thrown together as one {@link ConfigError}; nothing is declared before this returns.
 */
export function loadConfig(catalog: ConfigCatalog, source: ConfigSource = runtimeConfigSource()): StackConfig {
  const schema = stackConfigSchema(catalog);
  const input = Object.fromEntries(Object.entries(source.values).map(([key, raw]) => [key, parseConfigValue(raw)]));
  const parsed = schema.safeParse(input, { reportInput: true });
  const problems: ConfigProblem[] = [
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, schema, source.file, CONFIG_NAMESPACE)),
    ...plaintextSecrets(markedPaths(schema, "secret"), input, source),
  ];
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const data = parsed.data;
  return {
    ...data,
    registry: { ...data.registry, password: data.registry.password === undefined ? undefined : pulumi.secret(data.registry.password) },
    file: source.file,
  };
}

/** Secret-marked values that were given in plaintext (their top-level key is not a secret). */
function plaintextSecrets(patterns: readonly string[], input: Record<string, unknown>, source: ConfigSource): ConfigProblem[] {
  return patterns.flatMap((pattern) =>
    valuesAt(input, pattern.split("."), [])
      .filter(({ path }) => !source.secretKeys.has(path[0]))
      .map(({ path }) => ({
        file: source.file,
        key: configKey(CONFIG_NAMESPACE, path),
        message: `must be a secret but is in plaintext: set it with \`pulumi config set --secret --path '${configKey(CONFIG_NAMESPACE, path)}' <value>\``,
      })),
  );
}

/** Values present in `data` at a dotted pattern where `*` matches any key. */
function valuesAt(data: unknown, pattern: readonly string[], path: string[]): { path: string[]; value: unknown }[] {
  if (pattern.length === 0) return data === undefined ? [] : [{ path, value: data }];
  if (typeof data !== "object" || data === null) return [];
  const [head, ...rest] = pattern;
  const keys = head === "*" ? Object.keys(data) : [head];
  return keys.flatMap((key) => valuesAt((data as Record<string, unknown>)[key], rest, [...path, key]));
}
