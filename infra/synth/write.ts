import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dockerArtefacts } from "./artefacts/docker";
import { kubernetesArtefacts, kubernetesYaml } from "./artefacts/kubernetes";
import { libvirtArtefacts } from "./artefacts/libvirt";
import type { Evaluation } from "./evaluate";

/** Every file synth writes for an evaluation, path relative to DIR/<stack>/ → content. */
export function synthFiles(evaluation: Evaluation): Record<string, string> {
  const files: Record<string, string> = {
    "resources.json": JSON.stringify(evaluation.resources, null, 2) + "\n",
    "outputs.json": JSON.stringify(evaluation.outputs, null, 2) + "\n",
  };
  for (const artefact of kubernetesArtefacts(evaluation.resources)) files[`kubernetes/${artefact.file}`] = kubernetesYaml(artefact);
  for (const artefact of dockerArtefacts(evaluation.resources)) files[`docker/${artefact.file}`] = JSON.stringify(artefact.settings, null, 2) + "\n";
  Object.assign(files, libvirtArtefacts(evaluation.resources));
  return files;
}

/**
 * Replaces DIR/<stack>/ with this evaluation's artefacts, so nothing stale from an
 * earlier run survives. Written to a sibling temp directory first, then renamed.
 * Returns the number of files written and the directory.
 */
export function writeSynthOutput(outDir: string, evaluation: Evaluation): { directory: string; files: string[] } {
  const target = join(outDir, evaluation.stack);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const files = synthFiles(evaluation);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(staging, name)), { recursive: true });
    writeFileSync(join(staging, name), content);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return { directory: target, files: Object.keys(files) };
}
