/**
 * Every committed stack's synth output, byte for byte, against the version committed under
 * test/fixtures/artefacts/<stack>/ (resources.json, outputs.json and every artefact): a change to how
 * the program declares things (fewer outputs, other wiring) must not change what it declares. A
 * deliberate change regenerates them (`-u` after the file: it takes an optional value):
 * `npx vitest run --project node test/artefacts-unchanged.test.ts -u`, and the diff is reviewed like code.
 *
 * Only what depends on the checkout, not on the code, is written as a placeholder: each build
 * context's source revision (git's commit, `-dirty`) and the fake digests synth's mocks derive from
 * the tag it names. resources.json lists resources in registration order, which follows when each
 * one's inputs resolve (promise timing, not the program): its records are compared byte for byte in
 * URN order. Uses the worker's shared evaluation of each stack, as the other synth tests do.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeDigest } from "../infra/synth/mock-outputs";
import type { RecordedResource } from "../infra/synth/recorder";
import { synthFiles } from "../infra/synth/write";
import { evaluate } from "./support/pulumi-harness";
import { committedStacks } from "./support/stack-files";
import { T } from "./support/types";

/** Replacements of what the checkout decides: the revision each image is tagged with, and its digests. */
function checkoutValues(resources: readonly RecordedResource[]): [string, string][] {
  const replacements: [string, string][] = [];
  const revisions = new Set<string>();
  for (const image of resources.filter((resource) => resource.type === T.image)) {
    const tag = String((image.inputs.tags as unknown[])[0]);
    const revision = tag.slice(tag.lastIndexOf(":") + 1);
    const placeholder = `${tag.slice(0, tag.lastIndexOf(":"))}:<revision>`;
    revisions.add(revision);
    replacements.push(
      [fakeDigest(tag).slice("sha256:".length), `<digest of ${placeholder}>`],
      [fakeDigest(`context:${tag}`).slice("sha256:".length), `<context digest of ${placeholder}>`],
    );
  }
  // Longest first: one revision may be another's prefix (`<commit>-dirty`).
  for (const revision of [...revisions].sort((a, b) => b.length - a.length))
    replacements.push([revision, "<revision>"]);
  return replacements;
}

describe("artefacts of every committed stack", () => {
  it.each(committedStacks())("%s: synth writes what test/fixtures/artefacts holds", async (stack) => {
    const evaluation = await evaluate(stack);
    const replacements = checkoutValues(evaluation.resources);
    const normalized = (text: string) =>
      replacements.reduce((result, [value, placeholder]) => result.replaceAll(value, placeholder), text);
    const files = synthFiles(evaluation);
    const byUrn = [...evaluation.resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    files["resources.json"] = JSON.stringify(byUrn, null, 2) + "\n";
    const names = Object.keys(files).sort();
    expect(names.length).toBeGreaterThan(5);
    await expect(names.join("\n") + "\n").toMatchFileSnapshot(`fixtures/artefacts/${stack}.files.txt`);
    for (const name of names)
      await expect(normalized(files[name]), name).toMatchFileSnapshot(`fixtures/artefacts/${stack}/${name}`);
    // No fixture outlives the artefact it pinned (a renamed or removed object leaves none behind).
    const fixtures = readdirSync(path.join(__dirname, "fixtures/artefacts", stack), {
      recursive: true,
      withFileTypes: true,
    })
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path.relative(path.join(__dirname, "fixtures/artefacts", stack), path.join(entry.parentPath, entry.name)),
      )
      .sort();
    expect(fixtures).toEqual(names);
  });
});
