import { z } from "zod";
import { stackConfigSchema } from "../../infra/config-schema";
import { catalog } from "../../infra/platform";
import { unwrapAll } from "../../infra/schema-marks";

/** Every leaf key of the stack config schema, as a path below `dockyard:` (list elements as "0"). */
export function configLeaves(): string[][] {
  const leaves: string[][] = [];
  const walk = (schema: z.ZodType, path: string[]) => {
    const node = unwrapAll(schema);
    if (node instanceof z.ZodObject) {
      const shape: Record<string, z.ZodType> = node.shape;
      for (const [key, child] of Object.entries(shape)) walk(child, [...path, key]);
    } else if (node instanceof z.ZodArray) {
      walk(node.def.element as z.ZodType, [...path, "0"]);
    } else {
      leaves.push(path);
    }
  };
  walk(stackConfigSchema(catalog), []);
  return leaves;
}

/** Sets `value` at `path` (below `dockyard:`) in a stack file's config map, creating what is missing. */
export function setAt(config: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [top, ...rest] = path;
  const key = `dockyard:${top}`;
  if (rest.length === 0) {
    config[key] = value;
    return;
  }
  let node = (config[key] ??= {}) as Record<string, unknown>;
  for (const [i, part] of rest.slice(0, -1).entries()) {
    const next = rest[i + 1];
    node = (node[part] ??= /^\d+$/.test(next) ? [] : {}) as Record<string, unknown>;
  }
  node[rest.at(-1)!] = value;
}
