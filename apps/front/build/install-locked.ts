/**
 * Build stage only: installs the production packages package-lock.json pins, laid out as
 * `npm ci --omit=dev` lays them out, from the registry tarballs the Dockerfile fetches with `ADD`.
 * The build image then needs Node and tar only (no npm, no registry credentials or CA of its own:
 * the builder fetches), and nothing is unpacked unless it is exactly what the lock pins:
 * - the lock must record package.json's dependencies, as `npm ci` requires;
 * - every package it installs must have its tarball, whose sha512 is the lock's `integrity`;
 * - every tarball fetched must be one of those packages (a stale `ADD` line fails the build).
 * Usage: node build/install-locked.ts <directory of tarballs> <node_modules to create>
 *
 * The same file in apps/web and apps/front (test/monitoring/app-metrics.test.ts holds them equal,
 * and each Dockerfile's `ADD` URLs to its lock).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";

/** The registry the tarballs come from (the lock records none: they are the registry's own). */
export const REGISTRY = "https://registry.npmjs.org";

/** One package to install: where it goes and the tarball that holds it. */
export interface LockedPackage {
  /** Package name, e.g. `@opentelemetry/api`. */
  readonly name: string;
  readonly version: string;
  /** The lock's `sha512-<base64>`. */
  readonly integrity: string;
  /** Path below node_modules, e.g. `@opentelemetry/api` (or `a/node_modules/b` when nested). */
  readonly location: string;
  /** The tarball's file name as `ADD` saves it: the URL's last segment. */
  readonly tarball: string;
  /** Where the registry serves it. */
  readonly url: string;
}

const NODE_MODULES = "node_modules/";

interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly dependencies?: Record<string, string>;
}

/**
 * The packages a production install of this lock puts in node_modules, in the lock's order;
 * throws when the lock is not one this can follow or does not match the manifest's dependencies.
 */
export function lockedPackages(lockText: string, manifestText: string): LockedPackage[] {
  const lock = JSON.parse(lockText) as { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  const manifest = JSON.parse(manifestText) as { dependencies?: Record<string, string> };
  if (lock.lockfileVersion !== 3 || lock.packages === undefined)
    throw new Error(`package-lock.json must be lockfileVersion 3 (npm 9 or later), got ${lock.lockfileVersion}`);
  const wanted = JSON.stringify(sorted(manifest.dependencies ?? {}));
  const locked = JSON.stringify(sorted(lock.packages[""]?.dependencies ?? {}));
  if (wanted !== locked)
    throw new Error(`package-lock.json records dependencies ${locked}, package.json ${wanted}: run npm install`);
  const packages: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === "" || entry.dev === true) continue;
    if (!key.startsWith(NODE_MODULES) || entry.link === true)
      throw new Error(`package-lock.json entry "${key}" is not a registry package`);
    const location = key.slice(NODE_MODULES.length);
    const name = entry.name ?? key.slice(key.lastIndexOf(NODE_MODULES) + NODE_MODULES.length);
    if (entry.version === undefined || entry.integrity?.startsWith("sha512-") !== true)
      throw new Error(`package-lock.json entry "${key}" has no version or no sha512 integrity`);
    const tarball = `${name.slice(name.indexOf("/") + 1)}-${entry.version}.tgz`;
    packages.push({
      name,
      version: entry.version,
      integrity: entry.integrity,
      location,
      tarball,
      url: `${REGISTRY}/${name}/-/${tarball}`,
    });
  }
  return packages;
}

/** What is wrong with the tarballs in `dir` for these packages: one line each, none when all is well. */
export function tarballProblems(packages: readonly LockedPackage[], files: ReadonlyMap<string, Buffer>): string[] {
  const problems: string[] = [];
  for (const p of packages) {
    const content = files.get(p.tarball);
    if (content === undefined) {
      problems.push(`${p.name}@${p.version}: ${p.tarball} is missing: ADD ${p.url}`);
      continue;
    }
    const integrity = `sha512-${createHash("sha512").update(content).digest("base64")}`;
    if (integrity !== p.integrity)
      problems.push(`${p.name}@${p.version}: ${p.tarball} has ${integrity}, package-lock.json pins ${p.integrity}`);
  }
  const expected = new Set(packages.map((p) => p.tarball));
  for (const file of files.keys())
    if (!expected.has(file)) problems.push(`${file} is fetched but package-lock.json installs no such package`);
  return problems;
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks the tarballs, then unpacks each into `<nodeModules>/<location>`. */
function install(tarballs: string, nodeModules: string): void {
  const packages = lockedPackages(readFileSync("package-lock.json", "utf8"), readFileSync("package.json", "utf8"));
  const files = new Map(readdirSync(tarballs).map((f) => [f, readFileSync(path.join(tarballs, f))] as const));
  const problems = tarballProblems(packages, files);
  if (problems.length > 0) throw new Error(`cannot install what package-lock.json pins:\n  ${problems.join("\n  ")}`);
  for (const p of packages) {
    const scratch = mkdtempSync(path.join(tarballs, "..", "unpack-"));
    // -o: the files belong to whoever unpacks them (root in the build stage), not to the archive's owners.
    execFileSync("tar", ["-xzof", path.join(tarballs, p.tarball), "-C", scratch], { timeout: 60_000 });
    const [root, ...others] = readdirSync(scratch);
    if (root === undefined || others.length > 0) throw new Error(`${p.tarball} does not hold one package directory`);
    const target = path.join(nodeModules, p.location);
    if (existsSync(target)) throw new Error(`${target} exists twice in package-lock.json`);
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(path.join(scratch, root), target);
    rmSync(scratch, { recursive: true });
    console.log(`installed ${p.name}@${p.version} (${p.integrity.slice(0, 22)}…)`);
  }
}

if (process.argv[1]?.endsWith("install-locked.ts") === true) {
  const [tarballs, nodeModules] = process.argv.slice(2);
  if (tarballs === undefined || nodeModules === undefined) {
    console.error("usage: node build/install-locked.ts <directory of tarballs> <node_modules to create>");
    process.exit(2);
  }
  try {
    install(tarballs, nodeModules);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
