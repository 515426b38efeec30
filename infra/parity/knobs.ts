import { CONFIG_NAMESPACE, parseConfigValue } from "../config-source";
import type { StackSettings } from "../stack-file";

type Tree = Record<string, unknown>;

/** The `dockyard:*` config of a stack as one object keyed without the namespace. */
export function projectConfig(settings: StackSettings): Tree {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(settings.config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, raw]) => [key.slice(prefix.length), parseConfigValue(raw)]),
  );
}

/**
 * `from`'s settings with every environment knob set to `to`'s value (or removed where
 * `to` leaves it unset). Evaluating the result and `to` must then give the same resources:
 * any difference left comes from something that is not a knob.
 */
export function alignKnobs(from: StackSettings, to: StackSettings, knobPatterns: readonly string[]): StackSettings {
  const source = projectConfig(to);
  const aligned = structuredClone(projectConfig(from));
  const copied: string[][] = [];
  for (const pattern of knobPatterns)
    copyAt(source, aligned, pattern.split("."), [], (path) =>
      copied.push([`${CONFIG_NAMESPACE}:${path[0]}`, ...path.slice(1)]),
    );
  const config = { ...from.config };
  for (const key of Object.keys(config)) if (key.startsWith(`${CONFIG_NAMESPACE}:`)) delete config[key];
  for (const [key, value] of Object.entries(aligned)) {
    config[`${CONFIG_NAMESPACE}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  // Secrets follow the values: a copied knob is secret exactly where `to` has it secret.
  const under = (path: string[]) => copied.some((prefix) => prefix.every((part, i) => part === path[i]));
  const securePaths = [...from.securePaths.filter((path) => !under(path)), ...to.securePaths.filter(under)];
  return { file: from.file, config, secretKeys: [...new Set(securePaths.map(([key]) => key))], securePaths };
}

/** Copies the value at `path` (with `*` wildcards) from `source` into `target`, creating parents. */
function copyAt(
  source: unknown,
  target: Tree,
  path: readonly string[],
  at: string[],
  onCopy: (path: string[]) => void,
): void {
  const [head, ...rest] = path;
  const sourceTree = isTree(source) ? source : {};
  const keys = head === "*" ? [...new Set([...Object.keys(sourceTree), ...Object.keys(target)])] : [head];
  for (const key of keys) {
    if (rest.length === 0) {
      if (sourceTree[key] === undefined) delete target[key];
      else target[key] = structuredClone(sourceTree[key]);
      onCopy([...at, key]);
      continue;
    }
    if (sourceTree[key] === undefined && target[key] === undefined) continue;
    if (!isTree(target[key])) target[key] = {};
    copyAt(sourceTree[key], target[key] as Tree, rest, [...at, key], onCopy);
  }
}

function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Leaf paths where two config trees (defaults applied) differ, outside the knob patterns: `[path, a, b]`. */
export function nonKnobConfigDifferences(
  a: Tree,
  b: Tree,
  knobPatterns: readonly string[],
): [string, unknown, unknown][] {
  const isKnob = (path: string[]) =>
    knobPatterns.some((pattern) => {
      const parts = pattern.split(".");
      return parts.length <= path.length && parts.every((part, i) => part === "*" || part === path[i]);
    });
  const found: [string, unknown, unknown][] = [];
  const walk = (left: unknown, right: unknown, path: string[]) => {
    if (path.length > 0 && isKnob(path)) return;
    if (
      (isTree(left) || left === undefined) &&
      (isTree(right) || right === undefined) &&
      (left ?? right) !== undefined
    ) {
      left = left ?? {};
      right = right ?? {};
      if (!isTree(left) || !isTree(right)) return;
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)]))
        walk(left[key], right[key], [...path, key]);
    } else if (JSON.stringify(left) !== JSON.stringify(right)) {
      found.push([path.join("."), left, right]);
    }
  };
  walk(a, b, []);
  return found;
}
