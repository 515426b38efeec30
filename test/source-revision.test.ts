/**
 * The revision an image is tagged with depends on its own build context only: previews right
 * after a deploy, and nightly drift after `pin` rewrote a stack file, see no change.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputOf, runBounded } from "../infra/cli/bounded-run";
import { sourceRevision } from "../infra/source-revision";

const git = (cwd: string, ...args: string[]) =>
  outputOf("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, timeoutMs: 10_000 }).trim();

/** A repository with two build contexts and a stack file, one commit. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-revision-"));
  for (const app of ["web", "front"]) {
    mkdirSync(join(dir, "apps", app), { recursive: true });
    writeFileSync(join(dir, "apps", app, "Dockerfile"), `FROM scratch # ${app}\n`);
  }
  mkdirSync(join(dir, "stacks"));
  writeFileSync(join(dir, "stacks", "Pulumi.test.yaml"), "config: {}\n");
  git(dir, "init", "-q");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "first");
  return dir;
}

describe("source revision of a build context", () => {
  it("is the commit that last changed the context, whatever else changes or is committed", () => {
    const dir = repository();
    const first = git(dir, "rev-parse", "HEAD");
    expect(sourceRevision("apps/web", dir)).toBe(first);
    // Each state in a clone of its own: answers are cached per directory, as a run reads them once.
    const state = (label: string, change: (at: string) => void) => {
      const at = mkdtempSync(join(tmpdir(), `dockyard-revision-${label}-`));
      git(at, "clone", "-q", dir, ".");
      change(at);
      return at;
    };
    const pin = (at: string) => appendFileSync(join(at, "stacks", "Pulumi.test.yaml"), "# pinned\n");
    const editWeb = (at: string) => appendFileSync(join(at, "apps", "web", "Dockerfile"), "# edit\n");
    expect(sourceRevision("apps/web", state("pinned", pin))).toBe(first);
    const pinCommitted = state("pin-committed", (at) => (pin(at), git(at, "commit", "-q", "-am", "pin")));
    expect(sourceRevision("apps/web", pinCommitted)).toBe(first);
    const edited = state("edited", editWeb);
    expect(sourceRevision("apps/web", edited)).toBe(`${first}-dirty`);
    expect(sourceRevision("apps/front", edited)).toBe(first);
    const untracked = state("untracked", (at) => writeFileSync(join(at, "apps", "front", "extra.txt"), "sent\n"));
    expect(sourceRevision("apps/front", untracked)).toBe(`${first}-dirty`);
    const committed = state("committed", (at) => (editWeb(at), git(at, "commit", "-q", "-am", "web changes")));
    expect(sourceRevision("apps/web", committed)).toBe(git(committed, "rev-parse", "HEAD"));
    expect(sourceRevision("apps/web", committed)).not.toBe(first);
    expect(sourceRevision("apps/front", committed)).toBe(first);
  });

  it("a context moved out of by a rename, or asked from a subdirectory, is dirty when its files changed", () => {
    const moved = repository();
    const first = git(moved, "rev-parse", "HEAD");
    mkdirSync(join(moved, "docs"));
    git(moved, "mv", "apps/front/Dockerfile", "docs/Dockerfile");
    expect(sourceRevision("apps/front", moved)).toBe(`${first}-dirty`);
    expect(sourceRevision("apps/web", moved)).toBe(first);
    const nested = repository();
    appendFileSync(join(nested, "apps", "web", "Dockerfile"), "# edit\n");
    expect(sourceRevision("web", join(nested, "apps"))).toBe(`${git(nested, "rev-parse", "HEAD")}-dirty`);
    expect(sourceRevision("front/", join(nested, "apps"))).toBe(git(nested, "rev-parse", "HEAD"));
  });

  it("outside git it is 'unversioned'; in a shallow clone it refuses, saying how to fetch history", () => {
    expect(sourceRevision("apps/web", mkdtempSync(join(tmpdir(), "dockyard-no-git-")))).toBe("unversioned");
    const dir = repository();
    appendFileSync(join(dir, "stacks", "Pulumi.test.yaml"), "# second\n");
    git(dir, "commit", "-q", "-am", "second");
    const shallow = mkdtempSync(join(tmpdir(), "dockyard-shallow-"));
    git(shallow, "clone", "-q", "--depth", "1", `file://${dir}`, ".");
    expect(() => sourceRevision("apps/web", shallow)).toThrow(
      `${shallow} is a shallow git clone, which cannot tell which commit last changed apps/web: fetch its full history (git fetch --unshallow; actions/checkout with fetch-depth: 0)`,
    );
  });

  it("two synths of one commit, from a clean tree and with a stack file edited, write the same resources.json", () => {
    const clone = mkdtempSync(join(tmpdir(), "dockyard-synth-clone-"));
    git(clone, "clone", "-q", process.cwd(), ".");
    symlinkSync(join(process.cwd(), "node_modules"), join(clone, "node_modules"));
    const synth = (out: string) => {
      const run = runBounded(process.execPath, ["scripts/run-ts.cjs", "infra/synth/cli.ts", "prod", "--out", out], {
        cwd: clone,
        timeoutMs: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      return readFileSync(join(out, "prod", "resources.json"), "utf8");
    };
    const clean = synth(join(clone, "out-clean"));
    appendFileSync(join(clone, "stacks", "Pulumi.test.yaml"), "# an unrelated edit\n");
    appendFileSync(join(clone, "README.md"), "\nAn unrelated edit.\n");
    expect(synth(join(clone, "out-edited"))).toBe(clean);
    expect(clean).not.toContain("-dirty");
  });
});
