/**
 * Generated values into every config key: whatever a stack file holds, synth exits 0, 1 or 2,
 * never with a stack trace or an internal error, and writes nothing when it refuses. The seed is
 * fixed so `npm test` is repeatable; set DOCKYARD_FC_SEED (and DOCKYARD_FC_RUNS) to explore.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { STACK_TRACE, synth } from "../support/cli";
import { committedConfig } from "../support/stack-files";
import { configLeaves, setAt } from "./leaves";

const SEED = Number(process.env.DOCKYARD_FC_SEED ?? 20261201);
const RUNS = Number(process.env.DOCKYARD_FC_RUNS ?? 60);

/** Values a hostile or careless stack file may hold: near-valid text, numbers of every size, structures. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.constantFrom(
      "",
      "0",
      "-1",
      "1e309",
      "250m",
      "1Gi",
      "0 3 * * *",
      "*/0 * * * *",
      "qemu+ssh://a:b@h/system",
      "tcp://h:2375",
      "https://r",
      "__proto__",
      "ssh-ed25519 AAAA x\u0085y",
      "latest",
      "docker",
      "kubernetes",
    ),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("any"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("any"), { maxKeys: 3 }),
    fc.record({ secure: fc.string() }),
  ),
})).any;

describe("synth under generated config", () => {
  const leaves = configLeaves();

  it("exits 0, 1 or 2, never with a trace, and writes nothing when it refuses", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...leaves), value), { minLength: 1, maxLength: 4 }),
        async (changes) => {
          const dir = mkdtempSync(join(tmpdir(), "dockyard-fc-"));
          const config = structuredClone(committedConfig("prod"));
          for (const [path, v] of changes) setAt(config, path, v);
          const file = join(dir, "Pulumi.prod.yaml");
          writeFileSync(file, stringify({ config }));
          const run = await synth("prod", "--config-file", file, "--out", join(dir, "out"));
          expect([0, 1, 2]).toContain(run.code);
          expect(run.stderr).not.toMatch(STACK_TRACE);
          expect(run.stderr).not.toContain("internal error");
          if (run.code !== 0) expect(existsSync(join(dir, "out")) ? readdirSync(join(dir, "out")) : []).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
