/**
 * The lint (`.oxlintrc.json`, run by npm test) catches the Pulumi mistakes it is trusted with: an
 * Output in a template literal or joined with `+` (a string that reads "Calling [toString] on an
 * [Output<T>] is not supported"), and a promise nobody awaits.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runBounded } from "../infra/cli/bounded-run";

const ROOT = resolve(__dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "lint", "output-misuse.ts");

/** The project's lint config, placed where its ignore patterns (the fixture among them) match nothing. */
function projectConfigElsewhere(): string {
  const text = readFileSync(join(ROOT, ".oxlintrc.json"), "utf8").replace(/^\s*\/\/.*$/gm, "");
  const file = join(mkdtempSync(join(tmpdir(), "dockyard-lint-")), ".oxlintrc.json");
  writeFileSync(file, JSON.stringify(JSON.parse(text)));
  return file;
}

describe("the lint", () => {
  it("fails on a Pulumi Output used as a string and on a floating promise, naming each", () => {
    const run = runBounded(
      process.execPath,
      [join(ROOT, "node_modules", "oxlint", "bin", "oxlint"), "-c", projectConfigElsewhere(), "--type-aware", FIXTURE],
      { cwd: ROOT, timeoutMs: 45_000 },
    );
    const found = [...run.stdout.matchAll(/typescript\(([a-z-]+)\)/g)].map((match) => match[1]);
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(found).toContain("restrict-template-expressions");
    expect(found).toContain("restrict-plus-operands");
    expect(found).toContain("no-floating-promises");
  });
});
