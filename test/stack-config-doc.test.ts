import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stackConfigReference, withReference } from "../infra/docs/stack-config-reference";
import { catalog } from "../infra/platform";
import { configLeaves } from "./hostile/leaves";

const GUIDE = "docs/guides/stack-config.md";

describe("the stack config reference", () => {
  it("is the one generated from the schema (run `npm run docs:config` after changing it)", () => {
    const committed = readFileSync(GUIDE, "utf8");
    expect(withReference(committed, catalog)).toBe(committed);
  });

  it("lists every key of the schema, with what it is for", () => {
    const table = stackConfigReference(catalog);
    const names = { services: "<service>", volumes: "<volume>", vms: "<vm>" } as Record<string, string>;
    for (const path of configLeaves()) {
      const generic = path
        .filter((part) => !/^\d+$/.test(part))
        .map((part, i) => (i === 1 && names[path[0]] ? names[path[0]] : part));
      const own = path.filter((part) => !/^\d+$/.test(part));
      // A key every entry shares is listed under <service>; one only some have, under each name.
      const line = table
        .split("\n")
        .find((l) => l.startsWith(`| \`${generic.join(".")}\` |`) || l.startsWith(`| \`${own.join(".")}\` |`));
      expect(line, generic.join(".")).toBeDefined();
      expect(line!.split("|")[2].trim(), `${generic.join(".")} has no doc mark`).not.toBe("");
    }
  });
});
