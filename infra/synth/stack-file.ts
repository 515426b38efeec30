import { readFileSync } from "node:fs";
import { isMap, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "../config-error";

/** Stands in for a `secure:` value when evaluating offline: ciphertext cannot be decrypted here. */
export const OFFLINE_SECRET_VALUE = "offline-secret-value";

/** A stack settings file read the way the Pulumi CLI hands it to a program. */
export interface StackSettings {
  /** The file, as given. */
  file: string;
  /** Every config key, namespaced (`dockyard:target`), as Pulumi passes it: strings, JSON for objects. */
  config: Record<string, string>;
  /** Namespaced keys whose value holds a `secure:` entry anywhere inside. */
  secretKeys: string[];
}

/** Top-level keys Pulumi accepts in a stack settings file. */
const STACK_FILE_KEYS = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

/**
 * Reads `stacks/Pulumi.<stack>.yaml` (or any file in that format, like the CLI's
 * `--config-file`). Keys without a namespace belong to the project, as in Pulumi.
 * Unreadable or malformed files raise a {@link ConfigError} naming the file.
 */
export function readStackSettings(file: string, project = "dockyard"): StackSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw fileProblem(file, `cannot be read: ${reason}`);
  }
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        file,
        key: "",
        message: `is not valid YAML: ${error.message.split("\n")[0]}${error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : ""}`,
      })),
    );
  }
  if (document.contents !== null && !isMap(document.contents)) {
    throw fileProblem(file, "must be a YAML mapping with a `config:` key");
  }
  const root = (document.toJS() ?? {}) as Record<string, unknown>;
  const problems: ConfigProblem[] = Object.keys(root)
    .filter((key) => !STACK_FILE_KEYS.has(key))
    .map((key) => ({ file, key, message: `is not a stack settings key (allowed: ${[...STACK_FILE_KEYS].join(", ")})` }));
  const rawConfig = root.config ?? {};
  if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) {
    problems.push({ file, key: "config", message: "must be a mapping of config keys to values" });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    const { plain, secret } = decryptOffline(value);
    config[fullKey] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.push(fullKey);
  }
  return { file, config, secretKeys };
}

/** Replaces every `{ secure: … }` with {@link OFFLINE_SECRET_VALUE}; reports whether any was found. */
function decryptOffline(value: unknown): { plain: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(decryptOffline);
    return { plain: items.map((item) => item.plain), secret: items.some((item) => item.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") {
      return { plain: entries[0][1] === "" ? "" : OFFLINE_SECRET_VALUE, secret: true };
    }
    const mapped = entries.map(([key, inner]) => [key, decryptOffline(inner)] as const);
    return {
      plain: Object.fromEntries(mapped.map(([key, inner]) => [key, inner.plain])),
      secret: mapped.some(([, inner]) => inner.secret),
    };
  }
  return { plain: value === null || value === undefined ? "" : value, secret: false };
}

function fileProblem(file: string, message: string): ConfigError {
  return new ConfigError([{ file, key: "", message }]);
}
