import * as z from "zod";

/**
 * Marks on config schema nodes, read by tools that walk the schema:
 * - `knob`: the key is an environment knob (may differ between test and prod; the parity check allows it);
 * - `shape`: for a knob, the part of its value that is *not* a knob (a URI's transport), which parity compares;
 * - `secret`: the value must be set with `pulumi config set --secret`;
 * - `mayBeSecret`: the value may be set as a secret (text: endpoints, names, credentials); other
 *   values (sizes, switches, schedules) shape resources and are refused as secrets;
 * - `standIn`: a valid value containing the offline secret stand-in, validated in place of a
 *   secret that synth cannot decrypt;
 * - `expects`: what a valid value looks like, for error messages;
 * - `doc`: what the key is for, for the generated reference (docs/guides/stack-config.md);
 * - `collection`: on an object with one entry per name the topology declares, what the names are.
 */
export interface SchemaMark {
  knob?: true;
  shape?: (value: unknown) => unknown;
  /** What `shape` keeps, in words: "its transport". */
  shapeDoc?: string;
  secret?: true;
  mayBeSecret?: true;
  standIn?: string;
  expects?: string;
  doc?: string;
  collection?: string;
}

/** The registry holding every {@link SchemaMark}. */
export const schemaMarks = z.registry<SchemaMark>();

/** Attaches a human description of valid values to a schema node (used in error messages). */
export function expects<T extends z.ZodType>(schema: T, text: string): T {
  return mark(schema, { expects: text });
}

/** Says what a key is for: the generated stack config reference prints it. */
export function doc<T extends z.ZodType>(schema: T, text: string): T {
  return mark(schema, { doc: text });
}

/** Marks an object with one entry per name of a kind (`service`, `volume`, `vm`). */
export function collection<T extends z.ZodType>(schema: T, kind: string): T {
  return mark(schema, { collection: kind });
}

/** Marks a schema node as an environment knob: a value allowed to differ between environments. */
export function knob<T extends z.ZodType>(schema: T): T {
  return mark(schema, { knob: true });
}

/** Marks a schema node as a secret: it must reach the program as a Pulumi secret, never plaintext. */
export function secret<T extends z.ZodType>(schema: T): T {
  return mark(schema, { secret: true, mayBeSecret: true });
}

/**
 * Marks a text value that may be given as a secret; `standIn` is a valid value holding the
 * offline stand-in, for rules the bare stand-in would not satisfy (URIs).
 */
export function mayBeSecret<T extends z.ZodType>(schema: T, standIn?: string): T {
  return mark(schema, { mayBeSecret: true, ...(standIn === undefined ? {} : { standIn }) });
}

/**
 * Marks a knob whose value has a part that is not a knob: parity compares `shape(value)` between
 * stacks; `what` names that part for the reference ("its transport").
 */
export function shaped<T extends z.ZodType>(schema: T, shape: (value: unknown) => unknown, what: string): T {
  return mark(schema, { shape, shapeDoc: what });
}

function mark<T extends z.ZodType>(schema: T, add: SchemaMark): T {
  const current = schemaMarks.get(schema) ?? {};
  schemaMarks.remove(schema);
  (schema as z.ZodType).register(schemaMarks, { ...current, ...add });
  return schema;
}

/** Marks found on a node or on any wrapper around it (optional, default, pipe). */
export function marksOf(schema: z.ZodType): SchemaMark {
  let merged: SchemaMark = {};
  for (let node: z.ZodType | undefined = schema; node; node = unwrapOnce(node)) {
    merged = { ...schemaMarks.get(node), ...merged };
  }
  return merged;
}

/** Removes one layer of optional/default/pipe wrapping, or returns undefined at a leaf. */
export function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  const def = schema.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (["optional", "default", "prefault", "nullable"].includes(def.type)) return def.innerType;
  if (def.type === "pipe") return def.in;
  return undefined;
}

/** Strips every optional/default/pipe layer. */
export function unwrapAll(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (let inner = unwrapOnce(node); inner; inner = unwrapOnce(node)) node = inner;
  return node;
}

/** Child schema at one path segment (object key or record value), or undefined. */
export function childSchema(schema: z.ZodType, key: string | number): z.ZodType | undefined {
  const node = unwrapAll(schema);
  if (node instanceof z.ZodObject) return (node.shape as Record<string, z.ZodType>)[String(key)];
  if (node instanceof z.ZodRecord) return node.def.valueType as z.ZodType;
  if (node instanceof z.ZodArray) return node.def.element as z.ZodType;
  return undefined;
}

/** The schema node at a path, following objects, records and arrays. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    if (!node || typeof key === "symbol") return undefined;
    node = childSchema(node, key);
  }
  return node;
}

/**
 * Every path below `schema` whose node carries the given mark, in dotted form.
 * Record keys appear as `*`, e.g. `services.web.replicas` or `labels.*`.
 */
export function markedPaths(schema: z.ZodType, which: keyof SchemaMark, prefix = ""): string[] {
  const found = marksOf(schema)[which] ? [prefix] : [];
  const node = unwrapAll(schema);
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (node instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = node.shape;
    for (const [key, child] of Object.entries(shape)) {
      found.push(...markedPaths(child, which, join(key)));
    }
  } else if (node instanceof z.ZodRecord) {
    found.push(...markedPaths(node.def.valueType as z.ZodType, which, join("*")));
  }
  return found;
}
