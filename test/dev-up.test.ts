/**
 * scripts/dev-up.sh, run for real in a throwaway copy of the project whose Pulumi CLI and Docker
 * are stand-in scripts: which CLI it picks, what it says when none runs, and that it leaves no
 * half-made .pulumi-state/ behind.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runBounded } from "../infra/cli/bounded-run";
import { findTool } from "./engines/support/requirements";

const ROOT = join(__dirname, "..");
const PINNED = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }
).devDependencies.pulumi;
/** The CLI version the project runs everywhere, which the launcher installs. */
const CLI_VERSION = readFileSync(join(ROOT, ".pulumi.version"), "utf8").trim();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/**
 * A copy of the project's dev-up script and package.json, with `launcher` as
 * node_modules/.bin/pulumi, and a bin/ directory holding only what the script needs
 * (node and a few coreutils) plus `bin` stand-ins: no host pulumi or docker can leak in.
 */
function project(launcher: string, bin: Record<string, string> = {}): { dir: string; path: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-dev-up-"));
  dirs.push(dir);
  mkdirSync(join(dir, "scripts"));
  copyFileSync(join(ROOT, "scripts", "dev-up.sh"), join(dir, "scripts", "dev-up.sh"));
  copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
  copyFileSync(join(ROOT, ".pulumi.version"), join(dir, ".pulumi.version"));
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  script(join(dir, "node_modules", ".bin", "pulumi"), launcher);
  const binDir = join(dir, "bin");
  mkdirSync(binDir);
  for (const tool of ["node", "ls", "mkdir", "rmdir", "tail"]) {
    const found = findTool(tool);
    if (found === undefined) throw new Error(`${tool} not found on PATH`);
    symlinkSync(found, join(binDir, tool));
  }
  for (const [name, body] of Object.entries(bin)) script(join(binDir, name), body);
  return { dir, path: binDir, log: join(dir, "calls.log") };
}

function devUp(
  dir: string,
  path: string,
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stderr: string; stdout: string } {
  const result = runBounded("/bin/bash", [join(dir, "scripts", "dev-up.sh"), "--yes"], {
    cwd: dir,
    env: { HOME: dir, PATH: path, ...env },
    timeoutMs: 45_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

const FAILING_LAUNCHER = 'echo "Downloading pulumi v0.0.0..." >&2; echo "pulumi: fetch failed" >&2; exit 1';

describe("dev-up without a Pulumi CLI", () => {
  it("says what failed and the three ways to provide the CLI, and creates nothing", () => {
    const { dir, path } = project(FAILING_LAUNCHER);
    const { status, stderr } = devUp(dir, path);
    expect(status).toBe(1);
    expect(stderr).toContain("dev-up: no Pulumi CLI could be run:");
    expect(stderr).toContain("no `pulumi` on PATH");
    expect(stderr).toContain("PULUMI_HOME is not set");
    expect(stderr).toContain(
      `the npm launcher (node_modules/.bin/pulumi, package pulumi@${PINNED}), which installs Pulumi CLI v${CLI_VERSION} by running ` +
        `https://get.pulumi.com/install.sh into ${dir}/.pulumi/versions/${CLI_VERSION}, failed: pulumi: fetch failed`,
    );
    expect(stderr).toMatch(/1\. install it so that `pulumi` is on PATH/);
    expect(stderr).toMatch(/2\. set PULUMI_HOME to a directory holding an installed CLI in bin\/pulumi/);
    expect(stderr).toContain(
      `3. be online once: the npm launcher (devDependency "pulumi": "${PINNED}") downloads Pulumi CLI v${CLI_VERSION}`,
    );
    expect(existsSync(join(dir, ".pulumi-state"))).toBe(false);
  });

  it("names the PULUMI_HOME it looked in", () => {
    const { dir, path } = project(FAILING_LAUNCHER);
    const home = join(dir, "pulumi-home");
    const { status, stderr } = devUp(dir, path, { PULUMI_HOME: home });
    expect(status).toBe(1);
    expect(stderr).toContain(`no $PULUMI_HOME/bin/pulumi (${home}/bin/pulumi)`);
    expect(stderr).toContain(`into ${home}/versions/${CLI_VERSION}`);
    expect(existsSync(join(dir, ".pulumi-state"))).toBe(false);
  });
});

describe("dev-up with a Pulumi CLI", () => {
  const cli = (log: string, stackSelect = "exit 0") =>
    `echo "$0 $*" >>"${log}"\ncase "$1" in version) echo v3.0.0-fake ;; stack) ${stackSelect} ;; esac`;

  it("prefers a pulumi on PATH over the npm launcher and brings the dev stack up with it", () => {
    const { dir, path, log } = project(FAILING_LAUNCHER, {});
    script(join(path, "pulumi"), cli(log, `mkdir -p "${dir}/.pulumi-state/.pulumi"`));
    script(join(path, "docker"), "exit 0");
    const { status, stdout } = devUp(dir, `${join(dir, "node_modules", ".bin")}:${path}`);
    expect(status).toBe(0);
    expect(stdout).toContain(`dev-up: Pulumi CLI v3.0.0-fake (${path}/pulumi)`);
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toEqual([
      `${path}/pulumi version`,
      `${path}/pulumi stack select dev --create --secrets-provider passphrase`,
      `${path}/pulumi up --stack dev --yes`,
    ]);
    expect(existsSync(join(dir, ".pulumi-state", ".pulumi"))).toBe(true);
  });

  it("uses $PULUMI_HOME/bin/pulumi when none is on PATH", () => {
    const { dir, path, log } = project(FAILING_LAUNCHER, { docker: "exit 0" });
    const home = join(dir, "pulumi-home");
    mkdirSync(join(home, "bin"), { recursive: true });
    script(join(home, "bin", "pulumi"), cli(log));
    const { status } = devUp(dir, path, { PULUMI_HOME: home });
    expect(status).toBe(0);
    expect(readFileSync(log, "utf8")).toContain(`${home}/bin/pulumi up --stack dev --yes`);
  });

  it("removes the .pulumi-state/ it created when the stack cannot be selected, and keeps one it did not create", () => {
    const { dir, path } = project(FAILING_LAUNCHER, { docker: "exit 0" });
    script(join(path, "pulumi"), cli(join(dir, "calls.log"), "exit 1"));
    expect(devUp(dir, path).status).toBe(1);
    expect(existsSync(join(dir, ".pulumi-state"))).toBe(false);
    mkdirSync(join(dir, ".pulumi-state"));
    expect(devUp(dir, path).status).toBe(1);
    expect(existsSync(join(dir, ".pulumi-state"))).toBe(true);
  });

  it("stops before creating anything when Docker does not answer", () => {
    const { dir, path } = project(FAILING_LAUNCHER, { docker: "exit 1" });
    script(join(path, "pulumi"), cli(join(dir, "calls.log")));
    const { status, stderr } = devUp(dir, path);
    expect(status).toBe(1);
    expect(stderr).toContain("the Docker engine is not reachable");
    expect(existsSync(join(dir, ".pulumi-state"))).toBe(false);
  });
});
