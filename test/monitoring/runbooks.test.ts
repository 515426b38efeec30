/**
 * docs/guides/operations.md has a runbook for every alert, where each alert's runbook_url points:
 * a section headed by the alert's name saying what it means, what to check first and what to do.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALERT_NAMES } from "../../components";

const guide = readFileSync(join(__dirname, "..", "..", "docs", "guides", "operations.md"), "utf8");
const runbooks = guide.slice(guide.indexOf("\n## Runbooks\n"));
/** Each `### ` section of the runbooks: its heading and text. */
const sections = new Map(
  runbooks
    .split(/\n### /)
    .slice(1)
    .map((section) => [section.slice(0, section.indexOf("\n")), section] as const),
);

describe("the runbooks", () => {
  it("have one section per alert, and none for an alert that does not exist", () => {
    expect([...sections.keys()].sort()).toEqual([...ALERT_NAMES].sort());
  });

  it.each(ALERT_NAMES)("%s: what it means, first checks, what to do; its anchor is its name in lower case", (alert) => {
    const section = sections.get(alert) ?? "";
    for (const part of ["**What it means:**", "**First checks:**", "**What to do:**"]) expect(section).toContain(part);
    // GitHub's (and most renderers') anchor of "### ServiceDown" is #servicedown: what runbook_url uses.
    expect(alert).toMatch(/^[A-Za-z]+$/);
  });
});
