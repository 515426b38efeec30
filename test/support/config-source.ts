import { expect } from "vitest";
import { ConfigError } from "../../infra/config";
import type { ConfigSource } from "../../infra/config-source";

/** The file name config sources built here name in their problems. */
export const SOURCE_FILE = "stacks/Pulumi.case.yaml";

/**
 * A config source as Pulumi hands config to the program (objects as JSON, scalars as strings),
 * keyed without the namespace; nothing secret, online, unless `extra` says otherwise.
 */
export function configSource(values: Record<string, unknown>, extra: Partial<ConfigSource> = {}): ConfigSource {
  return {
    file: SOURCE_FILE,
    values: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    ),
    secretPaths: [],
    uncertainSecretKeys: [],
    problems: [],
    offline: false,
    ...extra,
  };
}

/** The lines of the ConfigError `check` throws (asserting that is what it throws); [] if it passes. */
export function configErrorLines(check: () => unknown): string[] {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split("\n");
  }
  return [];
}
