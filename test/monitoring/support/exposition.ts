/**
 * A reader of Prometheus' text exposition format, enough for the tests: each sample's name,
 * labels and value, and lookups by name and exact labels.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** One sample: `name{labels} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a scrape, and the types its `# TYPE` lines declare. */
export function parseExposition(text: string) {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) types.set(type[1], type[2]);
    if (line === "" || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries(
      [...(match[2] ?? "").matchAll(LABEL)].map((m) => [
        m[1],
        m[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)),
      ]),
    );
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return {
    samples,
    types,
    /** Every sample of `name`. */
    find: (name: string) => samples.filter((s) => s.name === name),
    /** The value of the one sample of `name` with exactly these labels; undefined when there is none. */
    value(name: string, labels: Readonly<Record<string, string>>): number | undefined {
      const key = (l: Readonly<Record<string, string>>) =>
        JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const wanted = key(labels);
      return samples.find((s) => s.name === name && key(s.labels) === wanted)?.value;
    },
  };
}
