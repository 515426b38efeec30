import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  appliedPidsLimit,
  dockerPidsLimitArgv,
  dockerPidsLimitCommand,
} from "../../components/container-service/docker-pids";
import { resolve } from "../support/pulumi-harness";

const run = promisify(execFile);
const ID = "4f2c9e0d1a7b";

describe("dockerPidsLimitCommand", () => {
  it("renders docker update --pids-limit N -- <id>, DOCKER_HOST = the provider's host, triggered by the ID", () => {
    expect(dockerPidsLimitCommand(256, ID, "unix:///var/run/docker.sock")).toEqual({
      interpreter: ["docker", "update", "--pids-limit", "256", "--"],
      create: ID,
      environment: { DOCKER_HOST: "unix:///var/run/docker.sock" },
      triggers: [ID],
      logging: "stderr",
    });
    expect(dockerPidsLimitArgv(dockerPidsLimitCommand(64, ID))).toEqual([
      "docker",
      "update",
      "--pids-limit",
      "64",
      "--",
      ID,
    ]);
  });

  it.each(["ssh://ops@docker-host.example.internal", "npipe:////./pipe/docker_engine", "tcp://10.0.0.5:2376"])(
    "passes %s through as DOCKER_HOST, unchanged",
    (host) => {
      expect(dockerPidsLimitCommand(256, ID, host).environment).toEqual({ DOCKER_HOST: host });
    },
  );

  it("sets no DOCKER_HOST when the provider names no host: the CLI then uses the process's own, as the provider does", () => {
    expect(dockerPidsLimitCommand(256, ID).environment).toEqual({});
    expect(dockerPidsLimitCommand(256, ID, "").environment).toEqual({});
  });

  it("takes outputs: the ID stays an output in create and triggers, the host resolves into the environment", async () => {
    const command = dockerPidsLimitCommand(256, pulumi.output(ID), pulumi.output<string | undefined>("ssh://ops@h"));
    expect(pulumi.Output.isInstance(command.create)).toBe(true);
    expect(await resolve(command.create)).toBe(ID);
    expect(await resolve(command.triggers[0])).toBe(ID);
    expect(await resolve(command.environment)).toEqual({ DOCKER_HOST: "ssh://ops@h" });
    expect(
      await resolve(dockerPidsLimitCommand(256, ID, pulumi.output<string | undefined>(undefined)).environment),
    ).toEqual({});
    expect(() => dockerPidsLimitArgv(command)).toThrow(/plain string/);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects the limit %s", (limit) => {
    expect(() => dockerPidsLimitCommand(limit, ID)).toThrow(/positive integer/);
  });

  it("never involves a shell: an ID or host full of shell syntax reaches docker verbatim, as one argument", async () => {
    // A stand-in `docker` that reports the argv and DOCKER_HOST it received; executed the way
    // local.Command executes interpreter + create (one argument vector, environment added).
    const dir = await mkdtemp(path.join(tmpdir(), "dockyard-pids-"));
    try {
      const marker = path.join(dir, "pwned");
      const stub = path.join(dir, "docker");
      await writeFile(
        stub,
        `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ argv: process.argv.slice(2), host: process.env.DOCKER_HOST }));\n`,
      );
      await chmod(stub, 0o755);
      const hostile = `x"; touch ${marker}; echo "$(touch ${marker})\`touch ${marker}\` $HOME '`;
      const command = dockerPidsLimitCommand(256, hostile, `ssh://u@h; touch ${marker}`);
      const [program, ...args] = dockerPidsLimitArgv(command);
      const env = {
        ...process.env,
        PATH: `${dir}${path.delimiter}${process.env.PATH ?? ""}`,
        ...(command.environment as Record<string, string>),
      };
      const { stdout } = await run(program, args, { env });
      expect(JSON.parse(stdout)).toEqual({
        argv: ["update", "--pids-limit", "256", "--", hostile],
        host: `ssh://u@h; touch ${marker}`,
      });
      expect(existsSync(marker)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("appliedPidsLimit", () => {
  it("reads the limit back from a rendered interpreter", () => {
    for (const limit of [1, 16, 256, 4_194_304])
      expect(appliedPidsLimit(dockerPidsLimitCommand(limit, ID).interpreter)).toBe(limit);
  });

  it.each([
    ["not a list", "docker update --pids-limit 256 --"],
    ["another command", ["docker", "update", "--memory", "256", "--"]],
    ["no end of options", ["docker", "update", "--pids-limit", "256", "x"]],
    ["a non-numeric limit", ["docker", "update", "--pids-limit", "lots", "--"]],
    ["a limit with a prefix", ["docker", "update", "--pids-limit", "x256", "--"]],
    ["a limit with a suffix", ["docker", "update", "--pids-limit", "256k", "--"]],
    ["a limit of 0", ["docker", "update", "--pids-limit", "0", "--"]],
    ["a limit that is not a string", ["docker", "update", "--pids-limit", 256, "--"]],
    ["one word more", ["docker", "update", "--pids-limit", "256", "--", "id"]],
    ["a shell", ["/bin/sh", "-c"]],
  ])("is undefined for %s", (_, interpreter) => {
    expect(appliedPidsLimit(interpreter)).toBeUndefined();
  });
});
