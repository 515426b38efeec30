import Ajv2020 from "ajv/dist/2020";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Pulumi's own JSON schema for Pulumi.yaml (from the Pulumi repository, Apache-2.0).
const schema = JSON.parse(readFileSync("test/fixtures/pulumi-project.schema.json", "utf8")) as object;

function validate(project: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const check = ajv.compile(schema);
  return { valid: check(project), errors: check.errors };
}

describe("Pulumi.yaml", () => {
  const project = parse(readFileSync("Pulumi.yaml", "utf8")) as Record<string, unknown>;

  it("validates against Pulumi's project schema", () => {
    const { valid, errors } = validate(project);
    expect(errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("the schema rejects a broken project file (the check can fail)", () => {
    expect(validate({ ...project, runtime: 42 }).valid).toBe(false);
  });

  it("names the project dockyard, runs on Node and keeps stack files in stacks/", () => {
    expect(project).toMatchObject({ name: "dockyard", stackConfigDir: "stacks", runtime: { name: "nodejs" } });
  });

  it("lets package.json name the program entry (no main: in Pulumi.yaml)", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { main: string };
    expect(project.main).toBeUndefined();
    expect(pkg.main).toBe("infra/index.ts");
  });
});
