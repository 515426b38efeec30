/**
 * The commands over every environment, as the workflows run them:
 *
 * - `npm run ci:synth` and `npm run ci:policy`: synth, or run the policy pack on, every stack
 *   committed in stacks/, in one process (each evaluation in turn), as the pull-request workflow
 *   does. synth writes to out/synth/<stack>/ (`--out DIR` to change it). Exit 0 when every stack
 *   passes, else the worst exit code; each stack's lines are printed as they come.
 * - `npm run ci:environments`: the environments (infra/environments.ts) and the workflows'
 *   matrices over them, as JSON, and as the step outputs `ci`, `build-stages` and `promoted` on
 *   GitHub Actions. With `--built DIR`: the scan matrix of what each build stage built
 *   (`DIR/images-<stack>/images.json`, the artefacts of the deploy workflow's build jobs), as
 *   JSON and the step output `images`. Exit 0, 1 when a stack file, a promotion or an enforcement
 *   config is wrong (one line each, naming the file and key), 2 on misuse.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { checkedPath, parseCommandLine } from "../cli/args";
import { readSmallJson } from "../cli/read-input";
import { type CliIO, InputError, runToExitCode, UsageError } from "../cli/run";
import { stackFileNames } from "../cli/stack-name";
import { digestPinned } from "../../components/registry/image-ref";

export const USAGE = "usage: npm run ci:synth [-- --out DIR]  |  npm run ci:policy";
export const ENVIRONMENTS_USAGE = "usage: npm run ci:environments [-- --built DIR]";

/** Stack names with a settings file in stacks/, sorted. */
export function committedStacks(dir = "stacks"): string[] {
  return stackFileNames(dir);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  let extra: string[];
  if (command === "synth") {
    if (rest.length !== 0 && !(rest.length === 2 && rest[0] === "--out" && rest[1] !== ""))
      throw new UsageError("synth takes only --out DIR");
    extra = rest.length === 2 ? rest : ["--out", "out/synth"];
  } else if (command === "policy") {
    if (rest.length > 0) throw new UsageError("policy takes no arguments");
    extra = [];
  } else throw new UsageError("give synth or policy");
  const { main: run, USAGE: usage } =
    command === "synth" ? await import("../synth/main") : await import("../policy/main");
  let worst = 0;
  for (const stack of committedStacks()) {
    const code = await runToExitCode(command, usage, run, [stack, ...extra], io);
    worst = Math.max(worst, code);
  }
  return worst;
}

/** A step output for the next jobs (`$GITHUB_OUTPUT`), when running on GitHub Actions. */
function setStepOutput(key: string, value: unknown, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${key}=${JSON.stringify(value)}\n`);
}

/** `npm run ci:environments`: what the workflows' `environments` job and the deploy workflow's `images` job run. */
export async function environmentsMain(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv, { built: { type: "string" } });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals.join(" ")}`);
  const built = parsed.values.built;
  if (built === "") throw new UsageError("--built is empty (an unset variable?): give the directory of the artefacts");
  // The SDKs load only now that the arguments are known to be usable.
  const { loadEnvironments, workflowMatrices } = await import("../environments");
  const environments = loadEnvironments();
  if (built !== undefined) {
    const images = builtImages(
      checkedPath("--built", built),
      environments.buildStages.map((e) => e.stack),
    );
    setStepOutput("images", images);
    io.out(JSON.stringify({ images }, null, 2));
    return 0;
  }
  const matrices = workflowMatrices(environments);
  for (const [key, legs] of Object.entries(matrices)) setStepOutput(key, legs);
  io.out(JSON.stringify({ environments: environments.all, matrices }, null, 2));
  return 0;
}

/**
 * Every image the build stages built, `{stack, name, ref}` each (the scan matrix): read from
 * `dir/images-<stack>/images.json`, which `npm run images -- build` writes in the shape of the
 * stack outputs (`images` per service, `backupImage`). `name` is the image's repository name.
 */
export function builtImages(dir: string, stages: readonly string[]): { stack: string; name: string; ref: string }[] {
  const problems: string[] = [];
  const legs: { stack: string; name: string; ref: string }[] = [];
  for (const stack of stages) {
    const file = join(dir, `images-${stack}`, "images.json");
    let outputs: unknown;
    try {
      outputs = readSmallJson(file, "built images");
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(`${error.message} (the artefact images-${stack} of ${stack}'s build job)`);
      continue;
    }
    const { images, backupImage } = (typeof outputs === "object" && outputs !== null ? outputs : {}) as {
      images?: unknown;
      backupImage?: unknown;
    };
    const services: unknown[] =
      typeof images === "object" && images !== null ? Object.values(images as Record<string, unknown>) : [];
    const refs = [...services, ...(backupImage === undefined ? [] : [backupImage])];
    if (refs.length === 0) problems.push(`${file}: lists no image (expected {"images": {...}, "backupImage": …})`);
    for (const ref of refs) {
      const pinned = typeof ref === "string" ? digestPinned(ref) : undefined;
      if (pinned === undefined) {
        problems.push(`${file}: ${JSON.stringify(ref)} is not an image pinned by digest (repo@sha256:<64 hex>)`);
        continue;
      }
      legs.push({ stack, name: pinned.repository.split("/").at(-1)!, ref: ref as string });
    }
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return legs;
}
