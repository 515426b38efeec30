import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { commandLine, lastOutput } from "../cli/bounded-run";
import { InputError } from "../cli/run";

/** Outputs larger than this are refused: a stack's outputs are a few kilobytes. */
export const MAX_OUTPUTS_BYTES = 1024 * 1024;

/** Runs a program and returns its standard output; `run` is replaceable in tests. */
export type Runner = (command: string, args: string[]) => Promise<string>;

export const runProgram: Runner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: MAX_OUTPUTS_BYTES, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return reject(new InputError(`${command} not found on PATH`));
      const last = String(stderr).trim().split("\n").at(-1) ?? "";
      reject(new InputError(`${command} ${args.join(" ")} failed: ${last || error.message.split("\n")[0]}`));
    });
  });

/**
 * The Pulumi CLI to run: `PULUMI_CLI` when set, else the first `pulumi` on PATH outside
 * node_modules/.bin — npm puts the package `pulumi` there, a launcher that downloads its own
 * pinned CLI version instead of the one CI installed (see docs/decisions/0002).
 */
export function pulumiCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PULUMI_CLI) return env.PULUMI_CLI;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "" || /node_modules[\\/]\.bin[\\/]?$/.test(dir)) continue;
    try {
      accessSync(join(dir, "pulumi"), constants.X_OK);
      return join(dir, "pulumi");
    } catch {
      // Not here.
    }
  }
  return "pulumi";
}

/**
 * A stack's outputs as the Pulumi CLI prints them (`pulumi stack output --json --stack S`):
 * secrets stay masked. Needs a Pulumi CLI logged in to the stack's backend (CI has one).
 */
export async function stackOutputs(stack: string, run: Runner = runProgram): Promise<unknown> {
  let text: string;
  try {
    text = await run(run === runProgram ? pulumiCli() : "pulumi", ["stack", "output", "--json", "--stack", stack]);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `cannot read ${stack}'s outputs (${why}): log in to its backend, or pass --from-outputs FILE (pulumi stack output --json --stack ${stack} > FILE)`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError(`pulumi stack output --json --stack ${stack} printed something that is not JSON`);
  }
}

/** The limit of one long command: an image build from cold caches, a package install. */
export const STREAMING_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs a long command (a build, a signature) with its output passed on to this process's
 * standard error, where CI logs show it as it happens; resolves with "" when it exits 0. One that
 * runs past `timeoutMs` is killed and fails naming the command line, the time and its last output.
 */
export function runStreaming(command: string, args: string[], timeoutMs = STREAMING_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-8192);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new InputError(error.code === "ENOENT" ? `${command} not found on PATH` : `${command}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        const ran = ((Date.now() - started) / 1000).toFixed(1);
        return reject(
          new InputError(
            `${commandLine(command, args)} did not finish within ${timeoutMs / 1000} s (killed after ${ran} s)` +
              lastOutput(tail, ""),
          ),
        );
      }
      if (code === 0) return resolve("");
      reject(new InputError(`${command} ${args.slice(0, 2).join(" ")} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
