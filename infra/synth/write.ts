import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Evaluation } from "./evaluate";

/**
 * Replaces DIR/<stack>/ with this evaluation's artefacts, so nothing stale from an
 * earlier run survives. Written to a sibling temp directory first, then renamed.
 * Returns the paths written.
 */
export function writeSynthOutput(outDir: string, evaluation: Evaluation): string[] {
  const target = join(outDir, evaluation.stack);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const files: Record<string, string> = {
    "resources.json": JSON.stringify(evaluation.resources, null, 2) + "\n",
    "outputs.json": JSON.stringify(evaluation.outputs, null, 2) + "\n",
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return Object.keys(files).map((name) => join(target, name));
}
