/** `npm run outputs`: where the file goes is checked before the stack is read, and written whole. */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, USAGE } from "../../infra/delivery/outputs";
import { runMain } from "../support/run-main";

describe("outputs --out", () => {
  it("refuses a missing directory or a directory, in one line, without reading the stack or writing anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-outputs-"));
    let reads = 0;
    const cli = () => {
      reads++;
      return Promise.resolve('{"images":{}}');
    };
    const cases: [string, string][] = [
      [
        join(dir, "missing", "outputs.json"),
        `--out ${join(dir, "missing", "outputs.json")}: directory ${join(dir, "missing")} does not exist (create it first)\n`,
      ],
      [dir, `--out ${dir} is a directory: give a file path\n`],
    ];
    for (const [out, stderr] of cases)
      expect(await runMain("outputs", USAGE, (a, io) => main(a, io, cli), ["test", "--out", out])).toMatchObject({
        code: 1,
        stdout: "",
        stderr,
      });
    expect(reads).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an empty --out or one with a line break is misuse (exit 2)", async () => {
    const cli = () => Promise.resolve("{}");
    for (const out of ["", "outputs\n.json"]) {
      const run = await runMain("outputs", USAGE, (a, io) => main(a, io, cli), ["test", "--out", out]);
      expect(run.code, JSON.stringify(out)).toBe(2);
    }
  });
});
