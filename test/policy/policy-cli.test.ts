/** `npm run policy`, in-process: the committed stacks pass, an opt-out in prod fails naming policy and resource. */
import { describe, expect, it } from "vitest";
import { main, USAGE } from "../../infra/policy/main";
import { STACK_TRACE } from "../support/cli";
import { runMain } from "../support/run-main";
import { committedConfig, writeStackFile } from "../support/stack-files";

const policy = (...argv: string[]) => runMain("policy", USAGE, main, argv);

describe("npm run policy", () => {
  it("exits 0 on the committed prod stack, with every policy mandatory", async () => {
    const run = await policy("prod");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^policy prod: \d+ resources, no violations \(config policy\/config\/prod\.json\)\n$/);
  });

  it("exits 1 when a prod stack file opts out of the read-only root filesystem, naming the policy and the resource", async () => {
    const config = structuredClone(committedConfig("prod"));
    const services = config["dockyard:services"] as { web: Record<string, unknown> };
    services.web.security = { allowWritableRootFilesystem: true };
    const run = await policy("prod", "--config-file", writeStackFile(config, "Pulumi.prod.yaml"));
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")).toEqual([
      "policy prod: 1 violation(s), 1 mandatory (config policy/config/prod.json)",
      '  mandatory read-only-root-filesystem kubernetes:apps/v1:StatefulSet::web: container "web" does not set securityContext.readOnlyRootFilesystem: true',
      "",
    ]);
  });

  it("bad input is one line and exit 1, misuse exit 2, never a trace", async () => {
    const notJson = writeStackFile("{ all: mandatory", "policy.json");
    const unknown = writeStackFile('{ "all": "mandatory", "no-such-policy": "advisory" }', "policy.json");
    const cases: [string[], number, RegExp][] = [
      [["prod", "--policy-config", notJson], 1, /^policy config .*policy\.json: is not JSON/],
      [
        ["prod", "--policy-config", unknown],
        1,
        /^policy config .*policy\.json: "no-such-policy" is not a policy of this pack$/,
      ],
      [["prod", "--policy-config", "/dev/null"], 1, /not a regular file/],
      [["../prod"], 2, /invalid stack name/],
      [[], 2, /missing stack name/],
    ];
    for (const [argv, code, message] of cases) {
      const run = await policy(...argv);
      expect(run.code, argv.join(" ")).toBe(code);
      expect(run.stderr.split("\n")[0]).toMatch(message);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    }
  });
});
