/**
 * `npm run images -- <command> …`: the image steps of the deploy workflow, runnable anywhere
 * Docker and cosign are (CI installs cosign with sigstore/cosign-installer).
 *
 *   build <stack> [--fresh] [--out FILE] [--config-file F]  build every image the stack builds
 *       from source once (services and the backup tool), push it to the stack's registry, write
 *       FILE (the stack outputs' shape, which `npm run pin` reads) and the `images` step output
 *       (for the scan matrix)
 *   sign <ref>                 keyless-sign a digest with the workflow's identity
 *   verify <stack> [--config-file F] [--repository OWNER/NAME]  verify the signature of every
 *       image the stack pins, signed by this repository's deploy workflow on main
 *   copy <from> <to> [--config-file STACK=FILE]... [--repository OWNER/NAME]  for every image
 *       <to> pins: verify its signature in <from>'s registry, copy it to <to>'s with skopeo (same
 *       digest), and sign it there (ADR 0017)
 *
 * Exit 0 done, 1 bad input or a failed build/verification, 2 usage.
 */
import { writeFileSync } from "node:fs";
import { type CliIO, UsageError } from "../cli/run";
import { checkStackName, defaultStackFile } from "../cli/stack-name";
import { configFileOption, outputFileOption, parseCommandLine, stackFiles } from "../cli/args";
import type { Runner } from "../promote/outputs";

export const USAGE = [
  "usage: npm run images -- build <stack> [--fresh] [--out FILE] [--config-file FILE]",
  "       npm run images -- sign <repo@sha256:…>",
  "       npm run images -- verify <stack> [--config-file FILE] [--repository OWNER/NAME]",
  "       npm run images -- copy <from> <to> [--config-file STACK=FILE]... [--repository OWNER/NAME]",
].join("\n");

/** The images command; `run` replaces the process runner in tests. */
export async function main(argv: string[], io: CliIO, run?: Runner): Promise<number> {
  const parsed = parseCommandLine(argv, {
    fresh: { type: "boolean" },
    out: { type: "string" },
    "config-file": { type: "string", multiple: true },
    repository: { type: "string" },
  });
  const [command, ...rest] = parsed.positionals;
  const arity: Record<string, number> = { build: 1, sign: 1, verify: 1, copy: 2 };
  if (command === undefined || arity[command] === undefined)
    throw new UsageError("give a command: build, sign, verify or copy");
  if (rest.length !== arity[command]) throw new UsageError(`${command} takes ${arity[command]} argument(s)`);
  if (command !== "sign") rest.forEach(checkStackName);
  const values = parsed.values;
  const given = values["config-file"] ?? [];
  // One stack: --config-file FILE; copy: --config-file STACK=FILE for either stack.
  const files =
    command === "sign"
      ? new Map<string, string>()
      : command !== "copy" && given.length === 1 && !given[0].includes("=")
        ? new Map([[rest[0], configFileOption(given[0], rest[0])]])
        : stackFiles(given, rest);
  const file = (stack: string) => files.get(stack) ?? defaultStackFile(stack);

  const images = await import("./images");
  const runner = run ?? (await import("../promote/outputs")).runStreaming;
  if (command === "build") {
    const [stack] = rest;
    const out = outputFileOption("--out", values.out ?? "out/images.json");
    const { sourceRevision } = await import("../source-revision");
    const plan = images.buildPlan(stack, file(stack), sourceRevision);
    const built = await images.buildAll(plan, values.fresh === true, runner);
    writeFileSync(out, `${JSON.stringify(images.builtOutputs(plan, built), null, 2)}\n`);
    images.setStepOutput("images", JSON.stringify(Object.entries(built).map(([name, ref]) => ({ name, ref }))));
    for (const [name, ref] of Object.entries(built)) io.out(`built ${name}: ${ref}`);
    io.out(`images ${stack}: ${Object.keys(built).length} built and pushed → ${out}`);
    return 0;
  }
  if (command === "sign") {
    const ref = images.digestReference(rest[0]);
    await runner("cosign", images.cosignSignArgv(ref));
    io.out(`signed ${ref}`);
    return 0;
  }
  const repository = values.repository ?? process.env.GITHUB_REPOSITORY;
  if (!repository) throw new UsageError("give --repository OWNER/NAME (GITHUB_REPOSITORY is not set)");
  const signer = images.deployWorkflowIdentity(repository, process.env.GITHUB_SERVER_URL || undefined);
  if (command === "verify") {
    const [stack] = rest;
    const pinned = images.pinnedImages(stack, file(stack));
    for (const [name, ref] of Object.entries(pinned)) {
      await runner("cosign", images.cosignVerifyArgv(ref, signer));
      io.out(`verified ${name}: ${ref}`);
    }
    io.out(`images ${stack}: ${Object.keys(pinned).length} signature(s) verified (${signer.identityRegexp})`);
    return 0;
  }
  const [from, to] = rest;
  if (from === to) throw new UsageError("copy between two different stacks");
  const source = images.pinnedImages(from, file(from));
  const target = images.pinnedImages(to, file(to));
  // Nothing is copied unless everything can be: every pin of `to` must be what `from` runs.
  const unpromoted = Object.entries(target).flatMap(([name, ref]) => {
    const digest = ref.slice(ref.indexOf("@") + 1);
    return source[name]?.endsWith(`@${digest}`)
      ? []
      : [
          `${to} pins ${name} at ${digest}, which ${from} does not run: promote first (npm run promote -- ${from} ${to})`,
        ];
  });
  const { InputError } = await import("../cli/run");
  if (unpromoted.length > 0) throw new InputError(unpromoted.join("\n"));
  await runner("skopeo", ["--version"]).catch(() => {
    throw new InputError("skopeo is not installed: promotion copies images with it (Debian/Ubuntu package skopeo)");
  });
  for (const [name, ref] of Object.entries(target)) {
    // Only signed bytes move, and they arrive signed: verify at the source, copy, sign there.
    await runner("cosign", images.cosignVerifyArgv(source[name], signer));
    await runner("skopeo", images.skopeoCopyArgv(source[name], ref));
    await runner("cosign", images.cosignSignArgv(ref));
    io.out(`copied ${name}: ${source[name]} → ${ref} (verified at the source, signed here)`);
  }
  return 0;
}
