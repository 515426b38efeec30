import * as z from "zod";
import { type ConfigCatalog, stackConfigSchema } from "../config-schema";
import { marksOf, unwrapAll, unwrapOnce } from "../schema-marks";

/**
 * The stack config reference (docs/guides/stack-config.md) rendered from the schema itself:
 * every key with what it takes, its default, whether it is an environment knob and whether it
 * may or must be a secret. `npm run docs:config` writes it; a test fails when the committed file
 * differs, so the reference cannot drift from what the program accepts.
 */

/** Where the generated table sits in the guide. */
export const BEGIN = "<!-- generated from infra/config-schema.ts by `npm run docs:config`: do not edit by hand -->";
export const END = "<!-- end of generated reference -->";

interface Row {
  key: string;
  takes: string;
  default: string;
  knob: string;
  secret: string;
  doc: string;
}

/** The default a key takes when left out, as written in a stack file; `required` or `—` otherwise. */
function defaultOf(schema: z.ZodType): string {
  let optional = false;
  for (let node: z.ZodType | undefined = schema; node; node = unwrapOnce(node)) {
    const def = node.def as { type: string; defaultValue?: unknown };
    if (def.type === "default")
      return `\`${typeof def.defaultValue === "string" ? def.defaultValue : JSON.stringify(def.defaultValue)}\``;
    if (def.type === "optional") optional = true;
  }
  return optional ? "—" : "required";
}

function rows(schema: z.ZodType, path: string[]): Row[] {
  const marks = marksOf(schema);
  const node = unwrapAll(schema);
  if (node instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = node.shape;
    if (marks.collection !== undefined) return collectionRows(shape, path, `<${marks.collection}>`);
    return Object.entries(shape).flatMap(([key, child]) => rows(child, [...path, key]));
  }
  return [
    {
      key: path.join("."),
      takes: marks.expects ?? "",
      default: defaultOf(schema),
      knob: marks.knob ? (marks.shapeDoc ? `yes, not ${marks.shapeDoc}` : "yes") : "no",
      secret: marks.secret ? "**must be**" : marks.mayBeSecret ? "may be" : "no",
      doc: marks.doc ?? "",
    },
  ];
}

/**
 * One row per key of a collection's entries: under `<kind>` when every entry has the key and
 * renders it alike (the name aside), else under each entry's own name (`services.front.host`).
 */
function collectionRows(shape: Record<string, z.ZodType>, path: string[], placeholder: string): Row[] {
  const entries = Object.entries(shape).map(([name, child]) =>
    rows(child, [...path, placeholder]).map((row) => ({
      name,
      row,
      exact: JSON.stringify(row),
      alike: JSON.stringify(row).replaceAll(name, ""),
    })),
  );
  const keys = [...new Set(entries.flat().map(({ row }) => row.key))];
  return keys.flatMap((key) => {
    const found = entries.flatMap((entry) => entry.filter(({ row }) => row.key === key));
    const same = (text: (f: (typeof found)[number]) => string) => new Set(found.map(text)).size === 1;
    const shared = found.length === entries.length && (same((f) => f.exact) || same((f) => f.alike));
    if (shared) return [found[0].row];
    return found.map(({ name, row }) => ({ ...row, key: row.key.replace(placeholder, name) }));
  });
}

const escape = (text: string) => text.replace(/\|/g, "\\|");

/** The Markdown table of every key, between the markers. */
export function stackConfigReference(catalog: ConfigCatalog): string {
  const header = ["| key | what it is for | takes | default | knob | secret |", "|---|---|---|---|---|---|"];
  const body = rows(stackConfigSchema(catalog), []).map(
    (row) =>
      `| \`${row.key}\` | ${escape(row.doc)} | ${escape(row.takes)} | ${row.default} | ${row.knob} | ${row.secret} |`,
  );
  return [BEGIN, ...header, ...body, END].join("\n");
}

/** The guide's text with its generated section replaced by a fresh one. */
export function withReference(guide: string, catalog: ConfigCatalog): string {
  const begin = guide.indexOf(BEGIN);
  const end = guide.indexOf(END);
  if (begin < 0 || end < begin)
    throw new Error(`the stack config guide has no generated section (between ${BEGIN} and ${END})`);
  return guide.slice(0, begin) + stackConfigReference(catalog) + guide.slice(end + END.length);
}
