import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { readFileSync } from "node:fs";

/** Stack names committed in stacks/ (from their Pulumi.<stack>.yaml file names). */
export function committedStacks(): string[] {
  return readdirSync("stacks")
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** The `config:` map of a committed stack file, for making modified copies. */
export function committedConfig(stack: string): Record<string, unknown> {
  const root = parse(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> };
  return root.config;
}

/** Writes a stack settings file into a fresh temp directory and returns its path. */
export function writeStackFile(config: Record<string, unknown> | string, name = "Pulumi.case.yaml"): string {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-stack-"));
  const file = join(dir, name);
  writeFileSync(file, typeof config === "string" ? config : stringify({ config }));
  return file;
}
