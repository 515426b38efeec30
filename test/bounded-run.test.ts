// Child processes with a limit (infra/cli/bounded-run.ts, runStreaming): real node children that
// finish, fail and hang.
import { describe, expect, it } from "vitest";
import { commandLine, outputOf, runBounded } from "../infra/cli/bounded-run";
import { runStreaming } from "../infra/promote/outputs";

/** A node child that prints two lines and then never exits. */
const HANGS = ["--eval", 'console.log("step 1"); console.error("step 2: waiting"); setInterval(() => {}, 1000);'];

describe("runBounded and outputOf", () => {
  it("return what a child printed and its exit", () => {
    expect(outputOf(process.execPath, ["--eval", 'process.stdout.write("ok")'], { timeoutMs: 30_000 })).toBe("ok");
    const failed = runBounded(process.execPath, ["--eval", "process.exit(3)"], { timeoutMs: 30_000 });
    expect(failed).toMatchObject({ status: 3, signal: null });
  });

  it("kill a child at its limit and say which, for how long, and what it printed last", () => {
    expect(() => runBounded(process.execPath, HANGS, { timeoutMs: 500 })).toThrow(
      new RegExp(
        `^${escape(commandLine(process.execPath, HANGS))} did not finish within 0\\.5 s \\(killed after \\d+\\.\\d s\\); ` +
          "its last output:\n {2}step 1\n {2}step 2: waiting$",
      ),
    );
  });

  it("outputOf names a failed command, its exit and its last output", () => {
    expect(() =>
      outputOf(process.execPath, ["--eval", 'console.error("no such image"); process.exit(2)'], { timeoutMs: 30_000 }),
    ).toThrow(/failed \(exit 2, after \d+\.\d s\); its last output:\n {2}no such image$/);
  });

  it("a command that cannot start is one error naming it", () => {
    expect(() => runBounded("/nonexistent/tool", [], { timeoutMs: 30_000 })).toThrow(
      /^\/nonexistent\/tool could not run: spawnSync \/nonexistent\/tool ENOENT$/,
    );
  });

  it("quotes arguments with spaces as a person would type them", () => {
    expect(commandLine("git", ["commit", "-m", "two words"])).toBe('git commit -m "two words"');
  });
});

describe("runStreaming", () => {
  it("kills a long command at its limit and names it, with its last output", async () => {
    await expect(runStreaming(process.execPath, HANGS, 500)).rejects.toThrow(
      /did not finish within 0\.5 s \(killed after \d+\.\d s\); its last output:\n {2}step 1\n {2}step 2: waiting$/,
    );
  });

  it("resolves when the command exits 0 and names the one that did not", async () => {
    await expect(runStreaming(process.execPath, ["--eval", ""])).resolves.toBe("");
    await expect(runStreaming(process.execPath, ["--eval", "process.exit(4)"])).rejects.toThrow(/failed \(exit 4\)$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
