import { type CliIO, InputError } from "../cli/run";
import { readSmallJson, readSmallText } from "../cli/read-input";
import { checkParity, formatParity } from "../parity/check";
import { readStackSettings } from "../stack-file";
import { validateConfig } from "../config";
import { settingsConfigSource } from "../config-source";
import { backsUp, builtServices, catalog } from "../platform";
import {
  type DeployedImage,
  deployedImages,
  type ImageSlot,
  type OutputsUse,
  pinnedReference,
  registryAddressOf,
} from "./images";
import { MAX_OUTPUTS_BYTES, type Runner, runProgram, stackOutputs } from "./outputs";
import { withPinnedImages } from "./stack-images";
import { commitStaged, discard, type Staged, stage } from "./write";

/** What promote works on: the two stacks, their settings files, and where the outputs come from. */
export interface Promotion {
  from: string;
  to: string;
  files: Map<string, string>;
  /** `pulumi stack output --json` of `from`, saved; read with the CLI when absent. */
  outputsFile?: string;
}

/**
 * The images `stack` deployed (or CI built for it), by slot, from a saved outputs file or the
 * Pulumi CLI, as complete as `use` requires. For `deployed`, a stack whose outputs hold no
 * images yet (never deployed) gives none instead of an error.
 */
export async function readDeployed(
  stack: string,
  file: string,
  outputsFile: string | undefined,
  run: Runner = runProgram,
  use: OutputsUse = "promoted",
): Promise<Record<ImageSlot, DeployedImage>> {
  const registry = registryAddressOf(stack, file);
  const outputs =
    outputsFile === undefined
      ? await stackOutputs(stack, run)
      : readSmallJson(outputsFile, "outputs file", MAX_OUTPUTS_BYTES);
  if (use === "deployed" && typeof outputs === "object" && outputs !== null && !("images" in outputs)) return {};
  return deployedImages(outputs, outputsFile ?? `${stack}'s outputs`, registry, use);
}

/** Slots whose image a stack file leaves unset (built by the stack). */
export function unpinnedSlots(file: string): ImageSlot[] {
  const { data } = validateConfig(catalog, settingsConfigSource(readStackSettings(file)));
  const services = builtServices
    .filter((name) => data.services[name].image === undefined)
    .map((name) => `services.${name}`);
  return backsUp && data.backup.image === undefined ? [...services, "backup"] : services;
}

/** Each stack file with the images pinned under its own registry: new text, staged beside it. */
export function stagePinned(
  stacks: readonly { stack: string; file: string }[],
  images: Readonly<Record<string, DeployedImage>>,
): { staged: Staged[]; lines: string[] } {
  const staged: Staged[] = [];
  const lines: string[] = [];
  try {
    for (const { stack, file } of stacks) {
      const registry = registryAddressOf(stack, file);
      const refs = Object.fromEntries(
        Object.entries(images).map(([name, image]) => [name, pinnedReference(registry, image)]),
      );
      const text = withPinnedImages(readSmallText(file, "stack file"), file, refs);
      const next = stage(file, text);
      staged.push(next);
      // The new file must still be a valid stack file before anything is moved into place.
      validateConfig(catalog, settingsConfigSource({ ...readStackSettings(next.temp), file }));
      for (const [slot, ref] of Object.entries(refs)) lines.push(`  ${file}: ${slot}.image = ${ref}`);
    }
    return { staged, lines };
  } catch (error) {
    discard(staged);
    throw error;
  }
}

/** Promotes `from`'s deployed images to `to`; see ./main.ts. */
export async function promote(promotion: Promotion, io: CliIO, run: Runner = runProgram): Promise<number> {
  const { from, to, files } = promotion;
  const fromFile = files.get(from)!;
  const toFile = files.get(to)!;
  const images = await readDeployed(from, fromFile, promotion.outputsFile, run);
  const { staged, lines } = stagePinned(
    [
      { stack: from, file: fromFile },
      { stack: to, file: toFile },
    ],
    images,
  );
  try {
    const report = await checkParity({ stack: from, file: staged[0].temp }, { stack: to, file: staged[1].temp });
    const parity = formatParity(report);
    if (parity.length > 1) {
      for (const line of parity) io.out(line);
      throw new InputError(`promote: nothing written: ${to} would not mirror ${from} (above)`);
    }
    commitStaged(staged);
    const digests = Object.entries(images).map(([name, image]) => `${name} ${image.digest}`);
    io.out(`promote ${from} → ${to}: ${digests.join(", ")}`);
    for (const line of lines) io.out(line);
    io.out(parity[0]);
    return 0;
  } finally {
    discard(staged);
  }
}
