/**
 * A scratch copy of this working tree for tests that walk a guide's steps: tracked and untracked
 * files (not ignored ones; outside git, all but node_modules, out and state), node_modules linked.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { outputOf } from "../../infra/cli/bounded-run";

export function scratchCopy(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), `dockyard-${prefix}-`));
  let files: string[] | undefined;
  try {
    files = outputOf("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { timeoutMs: 60_000 })
      .split("\0")
      .filter((file) => file !== "");
  } catch {
    files = undefined;
  }
  if (files === undefined) {
    const skip = new Set(["node_modules", "out", ".git", ".pulumi-state"]);
    cpSync(".", root, { recursive: true, filter: (source) => !skip.has(source.split(sep)[0]) });
  } else
    for (const file of new Set(files)) {
      try {
        mkdirSync(join(root, dirname(file)), { recursive: true });
        copyFileSync(file, join(root, file));
      } catch (error) {
        // Deleted in the working tree but still tracked: not part of it.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  symlinkSync(join(process.cwd(), "node_modules"), join(root, "node_modules"));
  return root;
}

/** The environment a child command sees: no GitHub step output to write into, no debug traces. */
export function childEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.GITHUB_OUTPUT;
  delete env.DOCKYARD_DEBUG;
  return env;
}

/** The fenced block (of `lang`) that follows `heading` in a guide's text. */
export function blockAfter(guide: string, heading: string, lang: string): string {
  const at = guide.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`the guide has no heading ${heading}`);
  const block = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(guide.slice(at));
  if (block === null) throw new Error(`no \`\`\`${lang} block after ${heading}`);
  return block[1];
}

/** The command lines of a shell block: neither blank nor comments. */
export function commandLines(block: string): string[] {
  return block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
