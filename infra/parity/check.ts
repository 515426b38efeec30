import { ConfigError, validateConfig } from "../config";
import { stackConfigSchema } from "../config-schema";
import { settingsConfigSource } from "../config-source";
import { catalog } from "../platform";
import { markedPaths, marksOf, schemaAt } from "../schema-marks";
import { evaluateSettings } from "../synth/evaluate";
import { readStackSettings } from "../stack-file";
import { compareResources, type Difference } from "./compare";
import { alignKnobs, nonKnobConfigDifferences } from "./knobs";

/** The result of comparing stack A against stack B. */
export interface ParityReport {
  a: { stack: string; file: string };
  b: { stack: string; file: string };
  /** Knob patterns allowed to differ. */
  knobs: string[];
  /** Resources compared (B's count). */
  resources: number;
  /** Config keys that differ and are not knobs. */
  config: Difference[];
  /** Resource differences left after aligning A's knobs to B's. */
  differences: Difference[];
}

/**
 * Checks that stack A mirrors stack B: A's config with every environment knob set to B's
 * value must declare exactly what B declares. Both are evaluated offline under B's stack
 * name, so names derived from the stack cannot cause false differences.
 */
export async function checkParity(
  a: { stack: string; file: string },
  b: { stack: string; file: string },
): Promise<ParityReport> {
  const schema = stackConfigSchema(catalog);
  const knobs = markedPaths(schema, "knob");
  // Each side must be valid on its own before it is compared; both sides' problems are reported together.
  const [settingsA, settingsB] = allOrProblems([() => readStackSettings(a.file), () => readStackSettings(b.file)]);
  const [configA, configB] = allOrProblems([
    () => validateConfig(catalog, settingsConfigSource(settingsA)).data,
    () => validateConfig(catalog, settingsConfigSource(settingsB)).data,
  ]);
  await evaluateSettings(a.stack, settingsA);
  const evaluatedB = await evaluateSettings(b.stack, settingsB);
  const config: Difference[] = [
    ...nonKnobConfigDifferences(configA, configB, knobs).map(([path, x, y]) => ({
      subject: "config",
      path: `dockyard:${path}`,
      a: x,
      b: y,
    })),
    ...shapeDifferences(schema, configA, configB),
  ];
  return {
    a,
    b,
    knobs,
    resources: evaluatedB.resources.length,
    config,
    differences: await alignedDifferences(b, settingsA, settingsB, knobs, config, evaluatedB),
  };
}

/**
 * A's config with B's knobs, compared resource by resource with B. When keys that are not knobs
 * differ, A with B's knobs may not even be a valid stack (test's certificate source with prod's
 * issuer): the config differences already say why, so there is nothing more to compare.
 */
async function alignedDifferences(
  b: { stack: string },
  settingsA: Parameters<typeof alignKnobs>[0],
  settingsB: Parameters<typeof alignKnobs>[1],
  knobs: string[],
  config: Difference[],
  evaluatedB: Awaited<ReturnType<typeof evaluateSettings>>,
): Promise<Difference[]> {
  try {
    const aligned = await evaluateSettings(b.stack, alignKnobs(settingsA, settingsB, knobs));
    return compareResources(aligned.resources, evaluatedB.resources);
  } catch (error) {
    if (error instanceof ConfigError && config.length > 0) return [];
    throw error;
  }
}

/** Runs every step, throwing one ConfigError with all their problems if any failed. */
function allOrProblems<T extends unknown[]>(steps: { [K in keyof T]: () => T[K] }): T {
  const problems: ConfigError["problems"][number][] = [];
  const results = steps.map((step) => {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return results as T;
}

/**
 * Knobs whose value has a part that is not a knob (a libvirt URI's transport, whether a mirror
 * is used): that part must be the same in both stacks.
 */
function shapeDifferences(schema: ReturnType<typeof stackConfigSchema>, a: object, b: object): Difference[] {
  return markedPaths(schema, "shape").flatMap((pattern) => {
    const path = pattern.split(".");
    const shape = marksOf(schemaAt(schema, path) ?? schema).shape;
    if (shape === undefined) return [];
    const [x, y] = [shape(valueAt(a, path)), shape(valueAt(b, path))];
    return JSON.stringify(x) === JSON.stringify(y)
      ? []
      : [{ subject: "config", path: `dockyard:${pattern}`, a: x, b: y, why: "differs beyond its environment part" }];
  });
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined),
    data,
  );
}

/** Human-readable report: one line per difference. */
export function formatParity(report: ParityReport): string[] {
  const { a, b } = report;
  const show = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));
  const total = report.config.length + report.differences.length;
  if (total === 0) {
    return [
      `parity ${a.stack} ≡ ${b.stack}: mirrored (${report.resources} resources compared; only environment knobs differ: ${report.knobs.join(", ")})`,
    ];
  }
  return [
    `parity ${a.stack} ≠ ${b.stack}: ${total} difference(s) beyond environment knobs`,
    ...report.config.map(
      (d) =>
        `  config ${d.path}: ${a.stack}=${show(d.a)} ${b.stack}=${show(d.b)} (${d.why ?? "not an environment knob"})`,
    ),
    ...report.differences.map((d) => `  ${d.subject} ${d.path}: ${a.stack}=${show(d.a)} ${b.stack}=${show(d.b)}`),
  ];
}
