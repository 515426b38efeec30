/**
 * Hostile arguments and environment for every command line: each refusal is exit 1 (input) or 2
 * (usage) with its one first line, no stack trace, no secret echoed, no external program or
 * service called, and nothing written — the committed stack files included.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO, CliMain } from "../../infra/cli/run";
import * as ciSetup from "../../infra/delivery/ci-setup";
import * as driftReport from "../../infra/delivery/drift-report";
import * as images from "../../infra/delivery/images-main";
import * as outputs from "../../infra/delivery/outputs";
import * as smoke from "../../infra/delivery/smoke";
import * as parity from "../../infra/parity/main";
import * as policy from "../../infra/policy/main";
import * as promote from "../../infra/promote/main";
import * as pin from "../../infra/promote/pin-main";
import * as synth from "../../infra/synth/main";
import { STACK_TRACE } from "../support/cli";
import { runMain } from "../support/run-main";

/** Every call a command makes outside itself (programs, HTTP): a refusal makes none. */
const calls: string[] = [];
const runner = (command: string, args: string[]) => {
  calls.push([command, ...args].join(" "));
  return Promise.resolve("{}");
};
const ENV = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "acme/dockyard", GITHUB_RUN_ID: "1" };

/** Each command's entry as its binary runs it, with what it would call replaced by the recorder. */
const COMMANDS: Record<string, { usage: string; main: (env: NodeJS.ProcessEnv) => CliMain }> = {
  synth: { usage: synth.USAGE, main: () => synth.main },
  parity: { usage: parity.USAGE, main: () => parity.main },
  promote: { usage: promote.USAGE, main: () => promote.main },
  pin: { usage: pin.USAGE, main: () => (argv, io) => pin.main(argv, io, runner) },
  policy: { usage: policy.USAGE, main: () => policy.main },
  images: { usage: images.USAGE, main: () => (argv, io) => images.main(argv, io, runner) },
  outputs: { usage: outputs.USAGE, main: () => (argv, io) => outputs.main(argv, io, runner) },
  smoke: {
    usage: smoke.USAGE,
    main: () => (argv, io) =>
      smoke.main(argv, io, {
        run: runner,
        fetch: (url) => (calls.push(url), Promise.resolve({ ok: true, status: 200 })),
        sleep: () => Promise.resolve(),
        now: () => 0,
      }),
  },
  "ci:setup": {
    usage: ciSetup.USAGE,
    main: (env) => (argv, io) =>
      ciSetup.main(argv, io, { ...env, HOME: "/nonexistent", RUNNER_TEMP: "/nonexistent" }, runner, (file, host) => {
        calls.push(`ssh -G -F ${file} ${host}`);
        return undefined;
      }),
  },
  "drift:report": {
    usage: driftReport.USAGE,
    main: (env) => (argv, io: CliIO) =>
      driftReport.main(argv, io, env, (url) => {
        calls.push(url);
        return Promise.reject(new Error("no call expected"));
      }),
  },
};

interface CommandCase {
  name: string;
  command: keyof typeof COMMANDS;
  /** `$DIR` is a fresh directory, which must stay empty. */
  argv: string[];
  env?: NodeJS.ProcessEnv;
  exit: 1 | 2;
  /** The first line printed on stderr (`$DIR` replaced). */
  first: string;
}

const EMPTY_CONFIG_FILE = (command: string, stack: string) =>
  `${command}: --config-file is empty (an unset variable?): give a stack file, or leave the option out for stacks/Pulumi.${stack}.yaml`;
const LINE_BREAK = (command: string, option: string, value: string) =>
  `${command}: ${option} ${JSON.stringify(value)} has a control character or line break: rename the file`;

/** drift:report in an Actions environment with one variable Actions would never set. */
function driftCase(what: string, env: NodeJS.ProcessEnv, first: string): CommandCase {
  const argv = ["prod", "--status", "drifted"];
  return { name: `drift:report with ${what}`, command: "drift:report", argv, env: { ...ENV, ...env }, exit: 1, first };
}

const CASES: CommandCase[] = [
  {
    name: "pin --config-file '' (an unset variable) would rewrite the committed file",
    command: "pin",
    argv: ["test", "--from-outputs", "test/promote/fixtures/test-outputs.json", "--config-file", ""],
    exit: 2,
    first: EMPTY_CONFIG_FILE("pin", "test"),
  },
  {
    name: "policy --config-file ''",
    command: "policy",
    argv: ["prod", "--config-file", ""],
    exit: 2,
    first: EMPTY_CONFIG_FILE("policy", "prod"),
  },
  {
    name: "smoke --config-file ''",
    command: "smoke",
    argv: ["test", "--config-file", ""],
    exit: 2,
    first: EMPTY_CONFIG_FILE("smoke", "test"),
  },
  {
    name: "images build --config-file ''",
    command: "images",
    argv: ["build", "dev", "--config-file", ""],
    exit: 2,
    first: EMPTY_CONFIG_FILE("images", "dev"),
  },
  {
    name: "ci:setup --config-file ''",
    command: "ci:setup",
    argv: ["prod", "--config-file", ""],
    exit: 2,
    first: EMPTY_CONFIG_FILE("ci:setup", "prod"),
  },
  {
    name: "policy --policy-config ''",
    command: "policy",
    argv: ["prod", "--policy-config", ""],
    exit: 2,
    first: "policy: --policy-config is empty (an unset variable?): give a file, or leave it out",
  },
  {
    name: "a line break in --config-file would reach compose.yaml as a new key",
    command: "synth",
    argv: ["dev", "--config-file", "stacks/Pulumi.dev.yaml\nservices: {}", "--out", "$DIR"],
    exit: 2,
    first: LINE_BREAK("synth", "--config-file", "stacks/Pulumi.dev.yaml\nservices: {}"),
  },
  {
    name: "a line break in --out",
    command: "synth",
    argv: ["dev", "--out", "$DIR\nx"],
    exit: 2,
    first: LINE_BREAK("synth", "--out", "$DIR\nx"),
  },
  {
    name: "a line break in a STACK=FILE pair",
    command: "parity",
    argv: ["test", "prod", "--config-file", "test=stacks/Pulumi.test.yaml\r"],
    exit: 2,
    first: LINE_BREAK("parity", "--config-file", "stacks/Pulumi.test.yaml\r"),
  },
  {
    name: "a zero-width space in --policy-config",
    command: "policy",
    argv: ["prod", "--policy-config", "policy/config/prod\u200b.json"],
    exit: 2,
    first: LINE_BREAK("policy", "--policy-config", "policy/config/prod\u200b.json"),
  },
  {
    name: "outputs --out into a missing directory",
    command: "outputs",
    argv: ["test", "--out", "$DIR/missing/outputs.json"],
    exit: 1,
    first: "--out $DIR/missing/outputs.json: directory $DIR/missing does not exist (create it first)",
  },
  {
    name: "outputs --out onto a directory",
    command: "outputs",
    argv: ["test", "--out", "$DIR"],
    exit: 1,
    first: "--out $DIR is a directory: give a file path",
  },
  {
    name: "outputs --out ''",
    command: "outputs",
    argv: ["test", "--out", ""],
    exit: 2,
    first: "outputs: --out is empty (an unset variable?): give a file path",
  },
  {
    name: "images build --out into a missing directory (found after building, before)",
    command: "images",
    argv: ["build", "dev", "--out", "$DIR/missing/images.json"],
    exit: 1,
    first: "--out $DIR/missing/images.json: directory $DIR/missing does not exist (create it first)",
  },
  {
    name: "an invalid DOCKYARD_SOURCE_REVISION",
    command: "synth",
    argv: ["dev", "--out", "$DIR"],
    env: { DOCKYARD_SOURCE_REVISION: "main\nrevision" },
    exit: 1,
    first: `DOCKYARD_SOURCE_REVISION="main\\nrevision" is not a valid image tag (up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'): set it to the commit, or unset it to use git's`,
  },
  driftCase(
    "a GITHUB_API_URL that is not a URL",
    { GITHUB_API_URL: "api.github.com" },
    'GITHUB_API_URL="api.github.com" is not a URL: unset it for https://api.github.com',
  ),
  driftCase(
    "a GITHUB_API_URL of another scheme",
    { GITHUB_API_URL: "file:///etc" },
    'GITHUB_API_URL="file:///etc" must be an https:// URL',
  ),
  driftCase(
    "a GITHUB_REPOSITORY that leaves its path",
    { GITHUB_REPOSITORY: "acme/../../x" },
    'GITHUB_REPOSITORY="acme/../../x" must be owner/name',
  ),
];

/** The committed stack files, which no refusal may touch. */
const committed = () => readdirSync("stacks").map((name) => readFileSync(join("stacks", name), "utf8"));

describe("hostile command lines", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-hostile-command-"));
    mkdirSync(dir, { recursive: true });
    const fill = (text: string) => text.replaceAll("$DIR", dir);
    const before = committed();
    calls.length = 0;
    const saved = { ...process.env };
    Object.assign(process.env, testCase.env ?? {});
    try {
      const { usage, main } = COMMANDS[testCase.command];
      const run = await runMain(testCase.command, usage, main({ ...process.env }), testCase.argv.map(fill));
      expect(run.stderr.split("\n")[0]).toBe(fill(testCase.first));
      expect(run.code, run.stderr).toBe(testCase.exit);
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.stdout).toBe(testCase.exit === 2 ? "" : run.stdout);
    } finally {
      for (const key of Object.keys(testCase.env ?? {}))
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
    }
    expect(calls).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    expect(committed()).toEqual(before);
  });
});
