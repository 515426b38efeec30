/** Update automation covers every kind of pin the repository keeps by hand. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Update {
  "package-ecosystem": string;
  directory: string;
  schedule: { interval: string };
}

const config = parse(readFileSync(".github/dependabot.yml", "utf8")) as { version: number; updates: Update[] };

describe(".github/dependabot.yml", () => {
  it("updates the workflows' actions (pinned by SHA) and the npm packages, weekly, from the root", () => {
    expect(config.version).toBe(2);
    const ecosystems = config.updates.map((update) => update["package-ecosystem"]).sort();
    expect(ecosystems).toEqual(["github-actions", "npm"]);
    for (const update of config.updates)
      expect(update).toMatchObject({ directory: "/", schedule: { interval: "weekly" } });
  });

  it("has something to update: the workflows pin actions by commit SHA, package.json pins exact versions", () => {
    const workflows = readdirSync(".github/workflows").map((file) => readFileSync(`.github/workflows/${file}`, "utf8"));
    expect(workflows.join("\n")).toMatch(/uses: [\w.-]+\/[\w.-]+@[a-f0-9]{40} # v\d/);
    const { dependencies } = JSON.parse(readFileSync("package.json", "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const [name, version] of Object.entries(dependencies)) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
