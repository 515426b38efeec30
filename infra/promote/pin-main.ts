/**
 * `npm run pin -- <stack> (--from-outputs FILE | --deployed) [--config-file FILE]`
 *
 * Pins images by digest in one stack's file, in the working copy a workflow deploys or previews:
 * - `--from-outputs FILE`: the images the deploy workflow just built, scanned and signed for this
 *   stack (`{"images": {"web": "<stack registry>/web@sha256:…"}}`, as `npm run images -- build`
 *   writes it), before `pulumi up`. No parity check: test runs ahead of prod until promotion.
 * - `--deployed`: what the stack runs now (its outputs, read with the Pulumi CLI), for each
 *   service whose image the file leaves unset, so that a preview or a drift check compares code
 *   and config against what runs instead of showing every image as rebuilt from source. A stack
 *   that has deployed no images yet gets nothing pinned.
 * Every image must be served by the stack's own registry and named by digest. Exit 0 pinned (or
 * nothing to pin), 1 bad input (nothing written), 2 usage.
 */
import { type CliIO, UsageError } from "../cli/run";
import { configFileOption, parseCommandLine, stackNames } from "../cli/args";
import type { Runner } from "./outputs";

export const USAGE = "usage: npm run pin -- <stack> (--from-outputs FILE | --deployed) [--config-file FILE]";

export async function main(argv: string[], io: CliIO, run?: Runner): Promise<number> {
  const parsed = parseCommandLine(argv, {
    "from-outputs": { type: "string" },
    deployed: { type: "boolean" },
    "config-file": { type: "string" },
  });
  const [stack] = stackNames(parsed.positionals, 1);
  const outputsFile = parsed.values["from-outputs"];
  const deployed = parsed.values.deployed === true;
  if ((outputsFile === undefined) === !deployed || outputsFile === "")
    throw new UsageError("give either --from-outputs FILE (images built for this stack) or --deployed");
  const file = configFileOption(parsed.values["config-file"], stack);

  const { readDeployed, stagePinned, unpinnedSlots } = await import("./promote");
  const { commitStaged, discard } = await import("./write");
  const { runProgram } = await import("./outputs");
  const images = await readDeployed(stack, file, outputsFile, run ?? runProgram, deployed ? "deployed" : "built");
  const wanted = deployed ? unpinnedSlots(file) : Object.keys(images);
  const chosen = Object.fromEntries(Object.entries(images).filter(([name]) => wanted.includes(name)));
  if (Object.keys(chosen).length === 0) {
    io.out(`pin ${stack}: nothing to pin (${deployed ? "no deployed image the file leaves unset" : "no images"})`);
    return 0;
  }
  const { staged, lines } = stagePinned([{ stack, file }], chosen);
  try {
    commitStaged(staged);
  } finally {
    discard(staged);
  }
  io.out(`pin ${stack}: ${Object.keys(chosen).length} image(s) pinned by digest`);
  for (const line of lines) io.out(line);
  return 0;
}
