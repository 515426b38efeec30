/**
 * `npm run pin -- <stack> --from-outputs FILE [--config-file FILE]`
 *
 * Pins freshly built images in one stack's file before it is deployed: the deploy workflow
 * builds each image once, scans and signs its digest, then pins it in test with this command
 * and runs `pulumi up` on test. FILE has the shape of stack outputs (`{"images": {"web":
 * "<test registry>/web@sha256:…"}}`), every image served by the stack's own registry and named
 * by digest. No parity check: test runs ahead of prod until `npm run promote -- test prod`.
 * Exit 0 pinned, 1 bad input (nothing written), 2 usage.
 */
import { parseArgs } from "node:util";
import { type CliIO, UsageError } from "../cli/run";
import { checkStackName, defaultStackFile } from "../cli/stack-name";

export const USAGE = "usage: npm run pin -- <stack> --from-outputs FILE [--config-file FILE]";

export async function main(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { "from-outputs": { type: "string" }, "config-file": { type: "string" } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [stack, ...extra] = parsed.positionals;
  if (!stack) throw new UsageError("missing stack name");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra.join(" ")}`);
  checkStackName(stack);
  const outputsFile = parsed.values["from-outputs"];
  if (!outputsFile) throw new UsageError("--from-outputs FILE is required: the images built for this stack");
  const file = parsed.values["config-file"] || defaultStackFile(stack);

  const { readDeployed, stagePinned } = await import("./promote");
  const { commitStaged, discard } = await import("./write");
  const images = await readDeployed(stack, file, outputsFile);
  const { staged, lines } = stagePinned([{ stack, file }], images);
  try {
    commitStaged(staged);
  } finally {
    discard(staged);
  }
  io.out(`pin ${stack}: ${Object.keys(images).length} image(s) pinned by digest`);
  for (const line of lines) io.out(line);
  return 0;
}
