import { stackConfigSchema } from "../config-schema";
import { catalog } from "../platform";
import { markedPaths } from "../schema-marks";
import { evaluateSettings } from "../synth/evaluate";
import { readStackSettings } from "../stack-file";
import { compareResources, type Difference } from "./compare";
import { alignKnobs, nonKnobConfigDifferences, projectConfig } from "./knobs";

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
export async function checkParity(a: { stack: string; file: string }, b: { stack: string; file: string }): Promise<ParityReport> {
  const schema = stackConfigSchema(catalog);
  const knobs = markedPaths(schema, "knob");
  const settingsA = readStackSettings(a.file);
  const settingsB = readStackSettings(b.file);
  // Each side must be valid on its own before it is compared.
  await evaluateSettings(a.stack, settingsA);
  const evaluatedB = await evaluateSettings(b.stack, settingsB);
  const aligned = await evaluateSettings(b.stack, alignKnobs(settingsA, settingsB, knobs));
  const withDefaults = (settings: typeof settingsA) => schema.parse(projectConfig(settings)) as Record<string, unknown>;
  const config = nonKnobConfigDifferences(withDefaults(settingsA), withDefaults(settingsB), knobs).map(([path, x, y]) => ({
    subject: "config",
    path: `dockyard:${path}`,
    a: x,
    b: y,
  }));
  return { a, b, knobs, resources: evaluatedB.resources.length, config, differences: compareResources(aligned.resources, evaluatedB.resources) };
}

/** Human-readable report: one line per difference. */
export function formatParity(report: ParityReport): string[] {
  const { a, b } = report;
  const show = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));
  const total = report.config.length + report.differences.length;
  if (total === 0) {
    return [`parity ${a.stack} ≡ ${b.stack}: mirrored (${report.resources} resources compared; only environment knobs differ: ${report.knobs.join(", ")})`];
  }
  return [
    `parity ${a.stack} ≠ ${b.stack}: ${total} difference(s) beyond environment knobs`,
    ...report.config.map((d) => `  config ${d.path}: ${a.stack}=${show(d.a)} ${b.stack}=${show(d.b)} (not an environment knob)`),
    ...report.differences.map((d) => `  ${d.subject} ${d.path}: ${a.stack}=${show(d.a)} ${b.stack}=${show(d.b)}`),
  ];
}
