/**
 * Environments are data (docs/decisions/0021-environments-as-data.md): no workflow, no policy
 * and no parity code names one. Every text a workflow holds (keys and values; comments are prose)
 * and every string literal of the code that derives what it does from the environments is
 * searched for the name of a stack with a file in stacks/, and for `production` (prod's deploy
 * environment before) and `staging` (the example of the guide to adding one).
 */
import { readdirSync, readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stackFileNames } from "../../infra/cli/stack-name";

const NAMES = [...new Set([...stackFileNames(), "production", "staging"])];

/**
 * Text that holds a stack's name without naming the stack, each with why it stays: it is
 * removed before the search.
 */
const NOT_A_STACK: Record<string, string> = {
  "npm test": "the command, not the stack",
  "test, synth, parity, policy":
    "the pull-request checks job's name: branch protection requires that check by this name",
};

const WORKFLOWS = readdirSync(".github/workflows")
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => `.github/workflows/${file}`);
const CODE = [
  ...readdirSync("policy")
    .filter((file) => file.endsWith(".ts"))
    .map((file) => `policy/${file}`),
  ...["infra/parity", "infra/policy"].flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith(".ts"))
      .map((file) => `${dir}/${file}`),
  ),
  "infra/environments.ts",
  "infra/delivery/each-stack.ts",
  "infra/delivery/cli.ts",
  "scripts/ci-pull-request.cjs",
];

/** Every key and scalar of a YAML document (comments are not part of it). */
function yamlTexts(source: string): string[] {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === "string") texts.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null)
      for (const [key, value] of Object.entries(node)) {
        texts.push(key);
        walk(value);
      }
  };
  walk(parse(source));
  return texts;
}

/** Every string and template literal of a TypeScript or JavaScript source (comments are not). */
function literals(file: string, source: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isRegularExpressionLiteral(node)
    )
      found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true));
  return found;
}

/** `file: "text"` for each text that names an environment. */
function named(file: string, texts: readonly string[]): string[] {
  // A name between anything but letters, digits and "_": `deploy-prod` and `Pulumi.prod.yaml` name prod.
  const pattern = new RegExp(`(?<![A-Za-z0-9_])(${NAMES.join("|")})(?![A-Za-z0-9_])`);
  return texts
    .filter((text) =>
      pattern.test(Object.keys(NOT_A_STACK).reduce((rest, phrase) => rest.split(phrase).join(""), text)),
    )
    .map((text) => `${file}: ${JSON.stringify(text)}`);
}

const workflowFindings = (file: string, source = readFileSync(file, "utf8")) => named(file, yamlTexts(source));
const codeFindings = (file: string, source = readFileSync(file, "utf8")) => named(file, literals(file, source));

describe("no environment is named in the workflows, the policy pack or parity", () => {
  it("searches for every committed stack's name", () => {
    expect(NAMES).toEqual(expect.arrayContaining(["dev", "test", "prod", "production", "staging"]));
    expect(WORKFLOWS.length).toBe(4);
  });

  it.each(WORKFLOWS)("%s names no stack", (file) => {
    expect(workflowFindings(file)).toEqual([]);
  });

  it.each(CODE)("%s names no stack in its code", (file) => {
    expect(codeFindings(file)).toEqual([]);
  });

  it("finds a list of environments, a stack in a condition, a command or an environment, and a literal in code", () => {
    const pullRequest = readFileSync(".github/workflows/pull-request.yml", "utf8");
    const listed = pullRequest.replace(
      "include: ${{ fromJSON(needs.environments.outputs.ci) }}",
      "stack: [test, prod]",
    );
    expect(workflowFindings("pull-request.yml", listed)).toEqual([
      'pull-request.yml: "test"',
      'pull-request.yml: "prod"',
    ]);
    const condition = pullRequest.replace(
      "policyPackConfigs: ${{ matrix.policyConfig }}",
      "policyPackConfigs: ${{ matrix.stack == 'prod' && 'policy/config/prod.json' || '' }}",
    );
    expect(workflowFindings("pull-request.yml", condition)).toHaveLength(1);
    const deploy = readFileSync(".github/workflows/deploy.yml", "utf8");
    expect(
      workflowFindings("deploy.yml", deploy.replace("npm run smoke -- ${{ matrix.stack }}", "npm run smoke -- prod")),
    ).toEqual(['deploy.yml: "npm run smoke -- prod"']);
    expect(
      workflowFindings(
        "deploy.yml",
        deploy.replace(/environment: \$\{\{ matrix\.stack \}\}/, "environment: production"),
      ),
    ).toEqual(['deploy.yml: "production"']);
    // Comments are prose; code is searched.
    expect(codeFindings("x.ts", "// test mirrors prod\nconst a = 1;")).toEqual([]);
    expect(codeFindings("x.ts", 'export const MANDATORY_STACKS = ["prod"];')).toEqual(['x.ts: "prod"']);
    expect(codeFindings("x.ts", "const pair = `${a} test`;")).toEqual(['x.ts: " test"']);
    // Words that only contain a name are not one; a name in a longer one is.
    expect(codeFindings("x.ts", 'const a = "latest protest productions";')).toEqual([]);
    expect(codeFindings("x.ts", 'const group = "deploy-prod";')).toEqual(['x.ts: "deploy-prod"']);
  });
});
