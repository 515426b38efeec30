// Nothing waits without end (docs/decisions/0007): every synchronous child process in the
// project's sources has a time limit, and nothing calls esbuild's synchronous API, which waits on
// a worker thread forever when that worker dies. Checked on the syntax tree TypeScript's own
// parser builds, so a call split over lines or renamed by an alias is still seen.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const SOURCE_DIRS = ["apps", "bench", "components", "infra", "policy", "scripts", "test"];
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** Node's synchronous child-process calls: the caller's thread waits until the child ends. */
const SYNCHRONOUS_CHILDREN = new Set(["spawnSync", "execFileSync", "execSync"]);
/** esbuild's synchronous calls, which run its service through a worker thread. */
const ESBUILD_SYNCHRONOUS = new Set(["buildSync", "transformSync"]);

/** Each call in `text` that could wait without end, as `file:line: what`. */
function unboundedCalls(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : undefined;
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      if (name !== undefined && SYNCHRONOUS_CHILDREN.has(name) && !node.arguments.some(hasTimeout)) {
        found.push(`${file}:${line}: ${name} without a timeout`);
      }
      if (name !== undefined && ESBUILD_SYNCHRONOUS.has(name)) {
        found.push(`${file}:${line}: ${name} (esbuild's synchronous API waits on a worker thread)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function hasTimeout(argument: ts.Expression): boolean {
  return (
    ts.isObjectLiteralExpression(argument) &&
    argument.properties.some(
      (property) =>
        (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) &&
        ts.isIdentifier(property.name) &&
        property.name.text === "timeout",
    )
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || path === join(ROOT, "test", "fixtures")) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE_FILE.test(entry) ? [path] : [];
  });
}

describe("bounded child processes", () => {
  it("every synchronous child in the sources has a timeout, and no esbuild call is synchronous", () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) => unboundedCalls(relative(ROOT, file), readFileSync(file, "utf8")));
    expect(found).toEqual([]);
  });

  it("finds each kind of call that can wait without end, however it is written", () => {
    const text = [
      'import { spawnSync } from "node:child_process";',
      'spawnSync("git", ["status"], { encoding: "utf8" });',
      'require("node:child_process").execFileSync(',
      '  "qemu-img", ["info"]);',
      'childProcess.execSync("make");',
      'esbuild.buildSync({ entryPoints: ["a.ts"] });',
      'const { transformSync } = require("esbuild"); transformSync("x");',
      'spawnSync("git", ["status"], { timeout: 5000 });',
      'const timeout = 1; execFileSync("git", [], { timeout });',
    ].join("\n");
    expect(unboundedCalls("x.ts", text)).toEqual([
      "x.ts:2: spawnSync without a timeout",
      "x.ts:3: execFileSync without a timeout",
      "x.ts:5: execSync without a timeout",
      "x.ts:6: buildSync (esbuild's synchronous API waits on a worker thread)",
      "x.ts:7: transformSync (esbuild's synchronous API waits on a worker thread)",
    ]);
  });
});
