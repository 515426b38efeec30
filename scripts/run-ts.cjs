#!/usr/bin/env node
// Runs a TypeScript entry point of this project: `node scripts/run-ts.cjs <entry.ts> [args…]`.
//
// Bundles the project's own files with esbuild (tens of milliseconds; node_modules stay
// external and load natively), then runs the bundle. A loader hook such as tsx would
// intercept every require of the Pulumi SDKs and costs ~1.5 s per run here; synth, parity
// and bench are run often enough for that to matter. Type checking is `npm run typecheck`'s job.
"use strict";
const { buildSync } = require("esbuild");
const { mkdirSync } = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.cjs <entry.ts> [args…]");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
const outfile = path.join(root, "out", ".run", `${path.basename(entry, ".ts")}-${process.pid}.cjs`);
mkdirSync(path.dirname(outfile), { recursive: true });
buildSync({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  packages: "external",
  sourcemap: "inline",
  logLevel: "error",
  // Keep function and class names: Pulumi's closure serialization and error messages read them.
  keepNames: true,
});
process.on("exit", () => {
  try {
    require("node:fs").rmSync(outfile, { force: true });
  } catch {
    // best effort: out/ is git-ignored scratch space
  }
});
process.argv = [process.argv[0], path.resolve(entry), ...args];
require(outfile);
