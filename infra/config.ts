import * as pulumi from "@pulumi/pulumi";
import * as z from "zod";
import { ConfigError, type ConfigProblem, configKey, problemsFromIssues } from "./config-error";
import { type ConfigCatalog, type StackConfigData, stackConfigSchema } from "./config-schema";
import { CONFIG_NAMESPACE, type ConfigSource, parseConfigValue, runtimeConfigSource } from "./config-source";
import { marksOf, markedPaths, schemaAt, unwrapAll } from "./schema-marks";
import { OFFLINE_SECRET_VALUE } from "./stack-file";

export { ConfigError } from "./config-error";
export type { ConfigCatalog } from "./config-schema";

/** A secret config value: reaches resources only as a Pulumi secret. */
export type Secret = pulumi.Output<string>;

/** The backup repository's keys that must be secrets. */
const BACKUP_SECRETS = [
  "password",
  "restUsername",
  "restPassword",
  "s3AccessKeyId",
  "s3SecretAccessKey",
  "sshPrivateKey",
] as const;
type BackupSecret = (typeof BACKUP_SECRETS)[number];
type BackupData = StackConfigData["backup"];

/** The validated, defaulted config of one stack. Secrets are Pulumi secrets. */
export type StackConfig = Omit<StackConfigData, "registry" | "backup" | "gateway"> & {
  registry: Omit<StackConfigData["registry"], "password"> & { password?: Secret };
  backup: Omit<BackupData, "repository"> & {
    repository: Omit<BackupData["repository"], BackupSecret> & Partial<Record<BackupSecret, Secret>>;
  };
  gateway: Omit<StackConfigData["gateway"], "tls"> & {
    tls: Omit<StackConfigData["gateway"]["tls"], "certificate" | "key"> & { certificate?: Secret; key?: Secret };
  };
  /** The stack settings file the config came from. */
  file: string;
  /**
   * Every text value given as a secret, whatever its key: the program marks any resource
   * input or output holding one as a Pulumi secret (infra/secrets.ts).
   */
  secretValues: readonly string[];
};

/** Keys that would reach an object's prototype instead of a value. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

type Path = readonly string[];

/**
 * Validates a stack's config and applies defaults. Every problem (wrong type, out of range,
 * unknown key or namespace, missing key, plaintext where a secret is required, a secret where
 * a secret cannot be) is collected and thrown together as one {@link ConfigError}; no message
 * carries a secret's value. Nothing is declared before this returns.
 */
export function loadConfig(catalog: ConfigCatalog, source: ConfigSource = runtimeConfigSource()): StackConfig {
  const { data, secretValues } = validateConfig(catalog, source);
  return {
    ...data,
    registry: {
      ...data.registry,
      password: data.registry.password === undefined ? undefined : pulumi.secret(data.registry.password),
    },
    backup: { ...data.backup, repository: withSecretCredentials(data.backup.repository) },
    gateway: {
      ...data.gateway,
      tls: {
        ...data.gateway.tls,
        certificate:
          data.gateway.tls.certificate === undefined ? undefined : pulumi.secret(data.gateway.tls.certificate),
        key: data.gateway.tls.key === undefined ? undefined : pulumi.secret(data.gateway.tls.key),
      },
    },
    file: source.file,
    secretValues,
  };
}

/** The repository's credentials and password as Pulumi secrets; the URL and host keys as they are. */
function withSecretCredentials(repository: BackupData["repository"]): StackConfig["backup"]["repository"] {
  const { url, sshKnownHosts } = repository;
  const secrets: Partial<Record<BackupSecret, Secret>> = {};
  for (const key of BACKUP_SECRETS) {
    const value = repository[key];
    if (value !== undefined) secrets[key] = pulumi.secret(value);
  }
  return {
    ...(url === undefined ? {} : { url }),
    ...(sshKnownHosts === undefined ? {} : { sshKnownHosts }),
    ...secrets,
  };
}

/** The checks of {@link loadConfig}, returning plain data (secrets unwrapped) and the secret values. */
export function validateConfig(
  catalog: ConfigCatalog,
  source: ConfigSource,
): { data: StackConfigData; secretValues: string[] } {
  const schema = stackConfigSchema(catalog);
  const input: Record<string, unknown> = Object.fromEntries(
    Object.entries(source.values).map(([key, raw]) => [key, parseConfigValue(raw)]),
  );
  const problems: ConfigProblem[] = [...source.problems, ...reservedKeys(input, source.file)];
  if (problems.length > 0) throw new ConfigError(problems);

  const exact = leavesUnder(input, source.secretPaths);
  // Where the engine only says "somewhere in this key", its text values are taken as the secrets.
  const uncertain = leavesUnder(
    input,
    source.uncertainSecretKeys.map((key) => [key]),
  ).filter((path) => mayBeSecret(schema, path));
  const secretLeaves = [
    ...exact.filter((path) => mayBeSecret(schema, path) || !insideKnownValue(schema, path)),
    ...uncertain,
  ];
  const refused = exact.filter((path) => !mayBeSecret(schema, path) && insideKnownValue(schema, path));
  const secretPaths = [...source.secretPaths, ...uncertain];
  for (const path of refused) {
    problems.push({
      file: source.file,
      key: configKey(CONFIG_NAMESPACE, path),
      message:
        "is given as a secret, but it shapes resources (a size, switch, schedule or name of the topology): set it in plaintext",
    });
  }
  if (source.offline) useStandIns(schema, input, secretLeaves);
  const hidden = (path: readonly PropertyKey[]) => {
    const text = path.map(String);
    return (
      marksOf(schemaAt(schema, text) ?? schema).secret === true || secretPaths.some((secret) => overlaps(secret, text))
    );
  };
  const parsed = schema.safeParse(input, { reportInput: true });
  problems.push(
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, schema, source.file, CONFIG_NAMESPACE, hidden)),
    ...plaintextSecrets(schema, input, source.file, secretPaths),
  );
  if (problems.length > 0 || !parsed.success) throw new ConfigError(dedupe(problems));
  return {
    data: parsed.data,
    // Every value that may be a secret passed a text rule: none is empty.
    secretValues: secretLeaves
      .map((path) => valueAt(input, path))
      .filter((value): value is string => typeof value === "string"),
  };
}

/** `prefix` is a prefix of `path` or the other way round: one holds the other. */
function overlaps(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n).every((part, i) => part === b[i]);
}

/**
 * Whether `path` names a value the schema knows: a node of its own, or a part of a value the schema
 * takes whole (an entry of a label map). A path below an object's unknown key is not: the schema
 * reports that key itself.
 */
function insideKnownValue(schema: z.ZodType, path: Path): boolean {
  for (let depth = path.length; depth >= 1; depth--) {
    const node = schemaAt(schema, path.slice(0, depth));
    if (node !== undefined) return depth === path.length || !(unwrapAll(node) instanceof z.ZodObject);
  }
  return false;
}

/** Whether the schema lets the value at `path` be a secret (a mark on the node or an ancestor). */
function mayBeSecret(schema: z.ZodType, path: Path): boolean {
  for (let depth = path.length; depth >= 1; depth--) {
    const node = schemaAt(schema, path.slice(0, depth));
    if (node && marksOf(node).mayBeSecret) return true;
  }
  return false;
}

/** Every leaf of `input` at or below one of `paths`. */
function leavesUnder(input: unknown, paths: readonly Path[]): string[][] {
  const leaves: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
    } else if (value !== undefined) {
      leaves.push(path);
    }
  };
  for (const path of paths) walk(valueAt(input, path), [...path]);
  return leaves;
}

/** Offline, secrets are stand-ins: where the rule needs a shape (a URI), validate a stand-in of that shape. */
function useStandIns(schema: z.ZodType, input: Record<string, unknown>, leaves: readonly Path[]): void {
  for (const path of leaves) {
    const standIn = marksOf(schemaAt(schema, path) ?? schema).standIn;
    if (standIn === undefined || valueAt(input, path) !== OFFLINE_SECRET_VALUE) continue;
    const parent = valueAt(input, path.slice(0, -1));
    if (typeof parent === "object" && parent !== null) (parent as Record<string, unknown>)[path.at(-1)!] = standIn;
    else if (path.length === 1) input[path[0]] = standIn;
  }
}

/** Keys that name an object's prototype, at any depth: refused, never interpreted. */
function reservedKeys(input: unknown, file: string): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value !== "object" || value === null) return;
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key))
        found.push({
          file,
          key: configKey(CONFIG_NAMESPACE, [...path, key]),
          message: `is a reserved name ("${key}") and cannot be a config key`,
        });
      else walk((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(input, []);
  return found;
}

/** Values the schema marks secret that were given in plaintext. */
function plaintextSecrets(
  schema: z.ZodType,
  input: Record<string, unknown>,
  file: string,
  secretPaths: readonly Path[],
): ConfigProblem[] {
  return markedPaths(schema, "secret").flatMap((pattern) =>
    valuesAt(input, pattern.split("."), [])
      .filter(({ path }) => !secretPaths.some((secret) => overlaps(secret, path) && secret.length <= path.length))
      .map(({ path }) => ({
        file,
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

function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The same line twice (two issues on one key) is said once. */
function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const line = `${p.file}\u0000${p.key}\u0000${p.message}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}
