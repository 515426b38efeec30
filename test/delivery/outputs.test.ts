/** `--out FILE` of outputs and images build: checked before any work, written whole. */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as imagesMain, USAGE as IMAGES_USAGE } from "../../infra/delivery/images-main";
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

  it("images build checks --out before building anything, and an empty --config-file is misuse", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-images-out-"));
    const calls: string[][] = [];
    const runner = (command: string, args: string[]) => {
      calls.push([command, ...args]);
      return Promise.resolve("");
    };
    const images = (...argv: string[]) => runMain("images", IMAGES_USAGE, (a, io) => imagesMain(a, io, runner), argv);
    expect(await images("build", "dev", "--out", join(dir, "no", "images.json"))).toMatchObject({
      code: 1,
      stderr: `--out ${join(dir, "no", "images.json")}: directory ${join(dir, "no")} does not exist (create it first)\n`,
    });
    const empty = await images("build", "dev", "--config-file", "");
    expect(empty.code).toBe(2);
    expect(empty.stderr.split("\n")[0]).toBe(
      "images: --config-file is empty (an unset variable?): give a stack file, or leave the option out for stacks/Pulumi.dev.yaml",
    );
    expect(calls).toEqual([]);
  });
});
