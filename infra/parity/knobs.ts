import { CONFIG_NAMESPACE, parseConfigValue } from "../config-source";
import type { StackSettings } from "../synth/stack-file";

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
  const touched = new Set<string>();
  for (const pattern of knobPatterns) {
    copyAt(source, aligned, pattern.split("."), () => touched.add(pattern.split(".")[0]));
  }
  const config = { ...from.config };
  for (const key of Object.keys(config)) if (key.startsWith(`${CONFIG_NAMESPACE}:`)) delete config[key];
  for (const [key, value] of Object.entries(aligned)) {
    config[`${CONFIG_NAMESPACE}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys = new Set(from.secretKeys);
  for (const top of touched) if (to.secretKeys.includes(`${CONFIG_NAMESPACE}:${top}`)) secretKeys.add(`${CONFIG_NAMESPACE}:${top}`);
  return { file: from.file, config, secretKeys: [...secretKeys] };
}

/** Copies the value at `path` (with `*` wildcards) from `source` into `target`, creating parents. */
function copyAt(source: unknown, target: Tree, path: readonly string[], onCopy: () => void): void {
  const [head, ...rest] = path;
  const sourceTree = isTree(source) ? source : {};
  const keys = head === "*" ? [...new Set([...Object.keys(sourceTree), ...Object.keys(target)])] : [head];
  for (const key of keys) {
    if (rest.length === 0) {
      if (sourceTree[key] === undefined) delete target[key];
      else target[key] = structuredClone(sourceTree[key]);
      onCopy();
      continue;
    }
    if (sourceTree[key] === undefined && target[key] === undefined) continue;
    if (!isTree(target[key])) target[key] = {};
    copyAt(sourceTree[key], target[key] as Tree, rest, onCopy);
  }
}

function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Leaf paths where two config trees (defaults applied) differ, outside the knob patterns: `[path, a, b]`. */
export function nonKnobConfigDifferences(a: Tree, b: Tree, knobPatterns: readonly string[]): [string, unknown, unknown][] {
  const isKnob = (path: string[]) =>
    knobPatterns.some((pattern) => {
      const parts = pattern.split(".");
      return parts.length <= path.length && parts.every((part, i) => part === "*" || part === path[i]);
    });
  const found: [string, unknown, unknown][] = [];
  const walk = (left: unknown, right: unknown, path: string[]) => {
    if (path.length > 0 && isKnob(path)) return;
    if ((isTree(left) || left === undefined) && (isTree(right) || right === undefined) && (left ?? right) !== undefined) {
      left = left ?? {};
      right = right ?? {};
      if (!isTree(left) || !isTree(right)) return;
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) walk(left[key], right[key], [...path, key]);
    } else if (JSON.stringify(left) !== JSON.stringify(right)) {
      found.push([path.join("."), left, right]);
    }
  };
  walk(a, b, []);
  return found;
}
