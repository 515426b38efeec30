#!/usr/bin/env node
// Runs a TypeScript entry point of this project: `node scripts/run-ts.cjs <entry.ts> [args…]`.
//
// Bundles the project's own files with esbuild's asynchronous API, bounded in time (node_modules
// stay external and load natively, but for the few in BUNDLED), then runs the bundle. A loader
// hook such as tsx would intercept every require of the Pulumi SDKs and costs ~1.5 s per run
// here; synth, parity and bench run often enough for that to matter. The bundle is cached in out/.run/ and rebuilt when any of its input files
// changes (size or mtime). Type checking is `npm run typecheck`'s job.
"use strict";
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.cjs <entry.ts> [args…]");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
const entryPath = path.resolve(entry);
const name = path.relative(root, entryPath).replace(/[\\/]/g, "_").replace(/\.ts$/, "");
const outfile = path.join(root, "out", ".run", `${name}.cjs`);
const manifestFile = `${outfile}.inputs.json`;

/** Size and mtime of each input, so an edit (or a checkout) invalidates the bundle. */
function fingerprint(files) {
  return Object.fromEntries(
    files.map((file) => {
      try {
        const stat = statSync(path.join(root, file));
        return [file, `${stat.size}:${stat.mtimeMs}`];
      } catch {
        return [file, "missing"];
      }
    }),
  );
}

function cachedBundleIsFresh() {
  try {
    const recorded = JSON.parse(readFileSync(manifestFile, "utf8"));
    const now = fingerprint(Object.keys(recorded));
    return Object.keys(recorded).every((file) => recorded[file] === now[file]);
  } catch {
    return false;
  }
}

// Node's compile cache keeps V8's compiled code of every module loaded (the Pulumi SDKs above
// all) between runs: loading them is most of a synth. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
require("node:module").enableCompileCache?.(path.join(root, "out", ".run", "compile-cache"));

/**
 * Packages bundled with the project's files rather than loaded from node_modules: only dockyard
 * loads them (a plain Pulumi program does not), and as ES modules bundled they cost ~70 ms less
 * CPU per process than their 167 CommonJS files loaded one by one (zod's classic API loads every
 * locale). Pulumi's SDKs stay external: their runtime resolves files of its own package.
 */
const BUNDLED = ["zod", "yaml"];
const { dependencies, devDependencies } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const EXTERNAL = Object.keys({ ...dependencies, ...devDependencies })
  .filter((name) => !BUNDLED.includes(name))
  .flatMap((name) => [name, `${name}/*`]);

/** A cold bundle takes 0.1–0.5 s; past this limit esbuild is stuck and the command fails. */
const BUNDLE_TIMEOUT_MS = 120_000;

/**
 * Bundles the entry with esbuild's asynchronous API: its service is a child process spoken to
 * over pipes, so this thread stays free to time it out. The synchronous API runs that service
 * from a worker thread and blocks on it (Atomics.wait), and when the worker dies or never starts
 * it waits forever (docs/decisions/0007).
 */
async function bundle() {
  const esbuild = require("esbuild");
  mkdirSync(path.dirname(outfile), { recursive: true });
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `run-ts: bundling ${path.relative(root, entryPath)} did not finish within ${BUNDLE_TIMEOUT_MS / 1000} s; ` +
              "esbuild's service may be stuck: run the command again, and report it if it recurs",
          ),
        ),
      BUNDLE_TIMEOUT_MS,
    );
  });
  try {
    const result = await Promise.race([
      esbuild.build({
        entryPoints: [entryPath],
        outfile,
        // Written below, each file staged and moved in place, so a concurrent run never reads half of one.
        write: false,
        absWorkingDir: root,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node22",
        external: EXTERNAL,
        // Beside the bundle, not inside it: Node reads a map only with --enable-source-maps, and an
        // inline one is 4 MB every run reads and the compile cache hashes.
        sourcemap: "linked",
        metafile: true,
        logLevel: "error",
        // Keep function and class names: Pulumi's closure serialization and error messages read them.
        keepNames: true,
      }),
      limit,
    ]);
    // The map and the bundle (esbuild lists the map first), then the manifest: a concurrent run
    // sees a stale manifest at worst, and rebuilds.
    const files = [
      ...result.outputFiles.map((file) => [file.path, file.contents]),
      [manifestFile, JSON.stringify(fingerprint(Object.keys(result.metafile.inputs)))],
    ];
    for (const [file, contents] of files) {
      writeFileSync(`${file}.${process.pid}.tmp`, contents);
      renameSync(`${file}.${process.pid}.tmp`, file);
    }
  } finally {
    clearTimeout(timer);
    // The service is not needed again in this process: stop it rather than leave it to exit.
    await esbuild.stop();
  }
}

/** Loads the bundle as the program's main module would be loaded. */
function start() {
  process.argv = [process.argv[0], entryPath, ...args];
  require(outfile);
}

if (cachedBundleIsFresh()) {
  start();
} else {
  bundle().then(start, (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
