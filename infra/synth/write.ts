import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { InputError } from "../cli/run";
import { composeArtefact, SecretInComposeError } from "./artefacts/compose";
import { dockerArtefacts } from "./artefacts/docker";
import { kubernetesArtefacts, kubernetesYaml } from "./artefacts/kubernetes";
import { libvirtArtefacts } from "./artefacts/libvirt";
import type { Evaluation } from "./evaluate";

/**
 * Marks a directory as synth's own and lists what synth wrote there: only such a directory,
 * holding nothing else, is ever replaced. Anything else at `DIR/<stack>` is left alone.
 */
export const SYNTH_MARKER = ".dockyard-synth.json";

/**
 * Every file synth writes for an evaluation, path relative to DIR/<stack>/ → content.
 * @param outputDirectory where the files go (`DIR/<stack>`): compose.yaml's build contexts are relative to it.
 * @param notes receives one line per artefact left out, and why (a Compose file would hold a secret).
 */
export function synthFiles(
  evaluation: Evaluation,
  outputDirectory = join("out", evaluation.stack),
  notes: string[] = [],
): Record<string, string> {
  const files: Record<string, string> = {
    "resources.json": JSON.stringify(evaluation.resources, null, 2) + "\n",
    "outputs.json": JSON.stringify(evaluation.outputs, null, 2) + "\n",
  };
  for (const artefact of kubernetesArtefacts(evaluation.resources))
    files[`kubernetes/${artefact.file}`] = kubernetesYaml(artefact);
  for (const artefact of dockerArtefacts(evaluation.resources))
    files[`docker/${artefact.file}`] = JSON.stringify(artefact.settings, null, 2) + "\n";
  Object.assign(files, libvirtArtefacts(evaluation.resources));
  try {
    const compose = composeArtefact(evaluation.resources, {
      stack: evaluation.stack,
      configFile: evaluation.configFile,
      outputDirectory,
    });
    if (compose !== undefined) files["compose.yaml"] = compose;
  } catch (error) {
    if (!(error instanceof SecretInComposeError)) throw error;
    notes.push(error.message);
  }
  for (const name of Object.keys(files)) {
    // Names come from resources; a path that could leave the directory is a bug, never written.
    if (name.split("/").some((part) => part === "" || part === "." || part === "..") || name.startsWith("."))
      throw new Error(`synth: refusing to write ${JSON.stringify(name)}`);
  }
  return files;
}

/**
 * Writes DIR/<stack>/ with this evaluation's artefacts, replacing an earlier synth output there
 * (and only that): files are written to a fresh directory beside it, then renamed into place.
 * Never deletes or overwrites anything synth did not write; a DIR that is a file, not a
 * directory, or not writable is an {@link InputError}.
 */
export function writeSynthOutput(
  outDir: string,
  evaluation: Evaluation,
): { directory: string; files: string[]; notes: string[] } {
  const out = ensureDirectory(outDir);
  const target = join(out, evaluation.stack);
  const previous = ownedOutput(target, outDir, evaluation.stack);
  const notes: string[] = [];
  const files = synthFiles(evaluation, join(outDir, evaluation.stack), notes);
  let staging: string;
  try {
    staging = mkdtempSync(join(out, `.${evaluation.stack}.synth-`));
    // mkdtemp makes it private; the output is an ordinary directory, as mkdir would make it.
    chmodSync(staging, 0o777 & ~process.umask());
  } catch (error) {
    throw new InputError(`synth: cannot write in ${outDir}: ${reason(error)}`);
  }
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      writeFileSync(join(staging, name), content, { flag: "wx" });
    }
    writeFileSync(
      join(staging, SYNTH_MARKER),
      JSON.stringify({ stack: evaluation.stack, files: Object.keys(files).sort() }, null, 2) + "\n",
      { flag: "wx" },
    );
    if (previous) {
      const retired = `${staging}.old`;
      renameSync(target, retired);
      renameSync(staging, target);
      rmSync(retired, { recursive: true });
    } else {
      renameSync(staging, target);
    }
  } catch (error) {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
    throw new InputError(`synth: cannot write ${join(outDir, evaluation.stack)}: ${reason(error)}`);
  }
  return { directory: join(outDir, evaluation.stack), files: Object.keys(files), notes };
}

/**
 * Checks, before the stack is evaluated, that synth could write DIR/<stack>: no level of DIR is a
 * file, and DIR/<stack> is absent or synth's own. Creates nothing (a stack whose config is refused
 * leaves no trace); {@link writeSynthOutput} checks again when it writes.
 */
export function checkSynthOutput(outDir: string, stack: string): void {
  const { absolute, missing } = existingLevels(outDir);
  if (missing.length === 0) ownedOutput(join(absolute, stack), outDir, stack);
}

/**
 * The output directory, created if missing (each missing level on its own: recursive creation
 * spins on some pseudo file systems). Refuses a path that exists and is not a directory.
 */
function ensureDirectory(outDir: string): string {
  const { absolute, missing } = existingLevels(outDir);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      throw new InputError(`synth: --out ${outDir}: cannot create ${level}: ${reason(error)}`);
    }
  }
  return absolute;
}

/** DIR made absolute and its levels that do not exist yet, outermost first; refuses a level that is a file. */
function existingLevels(outDir: string): { absolute: string; missing: string[] } {
  const absolute = resolve(outDir);
  const missing: string[] = [];
  let probe = absolute;
  while (!existsSync(probe)) {
    missing.unshift(probe);
    const parent = dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  if (existsSync(probe) && !statSync(probe).isDirectory()) {
    const shown = relative(process.cwd(), probe);
    throw new InputError(
      `synth: --out ${outDir}: ${shown === "" || shown.startsWith("..") ? probe : shown} is not a directory`,
    );
  }
  return { absolute, missing };
}

/**
 * Whether DIR/<stack> holds an earlier synth output that may be replaced: absent (false), or a
 * real directory with synth's marker holding exactly the files the marker lists (true).
 * Anything else there is someone's, and refused.
 */
function ownedOutput(target: string, outDir: string, stack: string): boolean {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return false;
  }
  const shown = join(outDir, stack);
  const refuse = (why: string) => new InputError(`synth: ${shown} ${why}: move it away or choose another --out`);
  if (!stat.isDirectory())
    throw refuse(stat.isSymbolicLink() ? "is a symbolic link, not synth's output" : "exists and is not a directory");
  let listed: string[];
  try {
    listed = (JSON.parse(readFileSync(join(target, SYNTH_MARKER), "utf8")) as { files: string[] }).files;
    if (!Array.isArray(listed)) throw new Error("no file list");
  } catch {
    throw refuse(`exists and was not written by synth (no ${SYNTH_MARKER})`);
  }
  const present = readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(target, join(entry.parentPath, entry.name)))
    .filter((name) => name !== SYNTH_MARKER);
  const foreign = present.filter((name) => !listed.includes(name));
  if (foreign.length > 0)
    throw refuse(
      `holds files synth did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""})`,
    );
  return true;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM"
    ? "permission denied"
    : code === "EROFS"
      ? "read-only file system"
      : code === "ENOENT"
        ? "no such directory"
        : (code ?? String(error));
}
