import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "./config-error";

/**
 * Reads a stack settings file (`stacks/Pulumi.<stack>.yaml`, or a file given like the CLI's
 * `--config-file`) the way the Pulumi CLI hands it to a program, refusing what the CLI and
 * this reader would read differently (see docs/decisions/0008-trusted-inputs.md): it is the
 * one reader of stack files for synth, parity and the program's secret bookkeeping.
 */

/** Stands in for a `secure:` value when evaluating offline: ciphertext cannot be decrypted here. */
export const OFFLINE_SECRET_VALUE = "offline-secret-value";

/** A stack file larger than this is refused before it is parsed. */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;
/** Aliases resolved past this count are refused: a few anchors are fine, an alias bomb is not. */
export const MAX_ALIASES = 32;
/** Deepest nesting accepted in a config value. */
const MAX_DEPTH = 32;

/** A stack settings file read the way the Pulumi CLI hands it to a program. */
export interface StackSettings {
  /** The file, as given. */
  file: string;
  /** Every config key, namespaced (`dockyard:target`), as Pulumi passes it: strings, JSON for objects. */
  config: Record<string, string>;
  /** Namespaced keys whose value holds a `secure:` entry anywhere inside. */
  secretKeys: string[];
  /** Every place a `secure:` value sits: namespaced key, then the path inside its value. */
  securePaths: string[][];
}

/** Top-level keys Pulumi accepts in a stack settings file. */
const STACK_FILE_KEYS = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);
/** Keys that would reach an object's prototype instead of a value. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Reads a stack settings file. Keys without a namespace belong to the project, as in Pulumi.
 * Everything wrong with the file is raised together as one {@link ConfigError} naming it.
 */
export function readStackSettings(file: string, project = "dockyard"): StackSettings {
  const text = readBounded(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    schema: "core",
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    lineCounter,
  });
  const syntax = [...document.errors, ...document.warnings];
  if (syntax.length > 0) {
    throw new ConfigError(
      syntax.map((error) => ({
        file,
        key: "",
        message: `is not valid YAML: ${error.message.split("\n")[0]}${position(lineCounter, error.pos[0])}`,
      })),
    );
  }
  if (document.contents !== null && !isMap(document.contents))
    throw fileProblem(file, "must be a YAML mapping with a `config:` key");
  const problems = ambiguities(document.contents, file, project);
  if (problems.length > 0) throw new ConfigError(problems);
  let root: Record<string, unknown>;
  try {
    root = (document.toJS({ maxAliasCount: MAX_ALIASES }) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw fileProblem(file, `cannot be read: ${(error as Error).message.split("\n")[0]}`);
  }
  for (const key of Object.keys(root)) {
    if (!STACK_FILE_KEYS.has(key))
      problems.push({
        file,
        key,
        message: `is not a stack settings key (allowed: ${[...STACK_FILE_KEYS].join(", ")})`,
      });
  }
  const rawConfig = root.config ?? {};
  if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) {
    problems.push({ file, key: "config", message: "must be a mapping of config keys to values" });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const securePaths: string[][] = [];
  for (const [key, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    const secure: string[][] = [];
    const plain = decryptOffline(value, [], secure);
    config[fullKey] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secure.length > 0) secretKeys.push(fullKey);
    securePaths.push(...secure.map((path) => [fullKey, ...path]));
  }
  return { file, config, secretKeys, securePaths };
}

/** The file's text: a regular file of at most {@link MAX_STACK_FILE_BYTES}, valid UTF-8, opened without blocking. */
function readBounded(file: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fileProblem(
      file,
      `cannot be read: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? "unreadable")}`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw fileProblem(file, `cannot be read: not a regular file${stat.isDirectory() ? " (a directory)" : ""}`);
    if (stat.size > MAX_STACK_FILE_BYTES)
      throw fileProblem(file, `is ${stat.size} bytes, more than a stack file may be (${MAX_STACK_FILE_BYTES})`);
    const buffer = Buffer.alloc(MAX_STACK_FILE_BYTES + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length <= MAX_STACK_FILE_BYTES; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_STACK_FILE_BYTES)
      throw fileProblem(file, `is more than a stack file may be (${MAX_STACK_FILE_BYTES} bytes)`);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw fileProblem(file, "is not UTF-8 text");
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fileProblem(file, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * What the Pulumi CLI (Go's yaml.v3) and this reader would read differently, or what a
 * config key cannot safely be: each one a problem naming the key.
 */
function ambiguities(contents: unknown, file: string, project: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!isMap(contents)) return problems;
  const configPair = contents.items.find((pair) => isScalar(pair.key) && pair.key.value === "config");
  const report = (path: string[], message: string) => problems.push({ file, key: path.join("."), message });
  const walk = (node: unknown, path: string[], depth: number) => {
    if (depth > MAX_DEPTH) return report(path, `nests deeper than ${MAX_DEPTH} levels`);
    if (isAlias(node) || node === null || node === undefined) return;
    const tag = (node as Node).tag;
    if (tag !== undefined && tag !== "tag:yaml.org,2002:str")
      return report(
        path,
        `has the YAML tag ${tag}, which readers resolve differently: remove it (quote the value to keep it text)`,
      );
    if (isScalar(node)) {
      // Quoted, or tagged !!str, it is text to every reader.
      const problem =
        node.type === "PLAIN" && tag === undefined ? scalarAmbiguity(String(node.source), node.value) : undefined;
      if (problem !== undefined) report(path, problem);
    } else if (isMap(node)) {
      const only = node.items.length === 1 ? node.items[0] : undefined;
      if (only !== undefined && isScalar(only.key) && only.key.value === "secure") {
        if (!isCiphertext(only.value)) report(path, NOT_CIPHERTEXT);
        return;
      }
      for (const pair of node.items) {
        if (!isScalar(pair.key) || typeof pair.key.value !== "string") {
          report(path, "has a key that is not plain text");
          continue;
        }
        const key = pair.key.value;
        if (key === "<<")
          report([...path, key], "is a YAML merge key, which Pulumi does not read the same way: write the keys out");
        else if (FORBIDDEN_KEYS.has(key))
          report([...path, key], `is a reserved name ("${key}") and cannot be a config key`);
        else walk(pair.value, [...path, key], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path.slice(0, -1), `${path.at(-1) ?? ""}[${i}]`], depth + 1));
    }
  };
  if (configPair !== undefined && isPair(configPair) && isMap(configPair.value)) {
    for (const pair of configPair.value.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== "string") {
        problems.push({ file, key: "config", message: "has a key that is not plain text" });
        continue;
      }
      const legacy = /^([^:]+):config:(.+)$/.exec(key);
      if (legacy) {
        problems.push({
          file,
          key,
          message: `uses the old "<namespace>:config:<key>" spelling, which Pulumi folds into ${legacy[1]}:${legacy[2]}: write ${legacy[1]}:${legacy[2]}`,
        });
        continue;
      }
      if (key.split(":").length > 2) {
        problems.push({ file, key, message: `is not a config key: write <namespace>:<key>, e.g. ${project}:target` });
        continue;
      }
      walk(pair.value, [key.includes(":") ? key : `${project}:${key}`], 1);
      if (FORBIDDEN_KEYS.has(key.split(":").at(-1) ?? ""))
        problems.push({ file, key, message: "is a reserved name and cannot be a config key" });
    }
  }
  return problems;
}

/**
 * What Pulumi writes for `pulumi config set --secret`: `v1:<nonce>:<ciphertext>` (base64) from the
 * passphrase and cloud KMS secrets managers, or one long base64 blob from Pulumi Cloud's.
 */
const CIPHERTEXT = /^(v1:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9+/]{40,}={0,2})$/;

const NOT_CIPHERTEXT =
  "is marked secure but does not hold Pulumi ciphertext (the value is not shown): it sits in the file as written; set it with `pulumi config set --secret`";

/** Whether the value of a `secure:` key is ciphertext as Pulumi writes it (an empty value stays empty). */
function isCiphertext(node: unknown): boolean {
  if (!isScalar(node) || typeof node.value !== "string") return false;
  return node.value === "" || CIPHERTEXT.test(node.value);
}

/** Why a plain scalar reads differently in Go's yaml.v3 (the Pulumi CLI) and YAML 1.2, or undefined. */
function scalarAmbiguity(source: string, value: unknown): string | undefined {
  if (typeof value === "number" && !Number.isFinite(value))
    return `is ${source}, which is not a number Pulumi config can hold`;
  if (/^[-+]?0[0-9_]+$/.test(source))
    return `is ${source}: a leading zero reads as octal in some YAML readers and decimal in others; write it without the zero, or quote it`;
  if (/^[-+]?0[xXoObB]/.test(source))
    return `is ${source}: write numbers in decimal, or quote the value to keep it text`;
  if (/^[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9_]+)?$/.test(source) && source.includes("_")) {
    return `is ${source}: digit separators ("_") read as a number in some YAML readers and as text in others; write the digits without "_", or quote it`;
  }
  return undefined;
}

/** Replaces every `{ secure: … }` with {@link OFFLINE_SECRET_VALUE}, recording where each was. */
function decryptOffline(value: unknown, path: string[], secure: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => decryptOffline(item, [...path, String(i)], secure));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") {
      secure.push(path);
      return entries[0][1] === "" ? "" : OFFLINE_SECRET_VALUE;
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, decryptOffline(inner, [...path, key], secure)]));
  }
  return value === null || value === undefined ? "" : value;
}

/** ` (line L, column C)` of an offset in the file. */
function position(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return ` (line ${line}, column ${col})`;
}

function fileProblem(file: string, message: string): ConfigError {
  return new ConfigError([{ file, key: "", message }]);
}
