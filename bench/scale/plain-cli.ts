/**
 * `node scripts/run-ts.cjs bench/scale/plain-cli.ts <resources.json> <out.json> [--aliases]`: the yardstick.
 * A plain Pulumi program declaring exactly the resources a synth recorded (same types, names,
 * parents, dependencies, inputs, providers and options) with the SDK's own classes and nothing
 * else, under the same mocks and the same SDK settings; writes what it declared, which must equal
 * the input. With `--aliases` it also declares the aliases the synth's registrations carried
 * (`<resources.json>.aliases.json`, which resources.json does not hold: the providers' SDK classes
 * add them), and writes the ones it declared to `<out.json>.aliases.json`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../../infra/synth/recorder";
import { withoutSdkStacks } from "../../infra/synth/sdk-stacks";
import { AliasRecorder, aliasOptions, type RecordedAlias } from "./alias-recorder";

/** The SDK's provider and component classes, made instantiable and nothing more. */
class PlainProvider extends pulumi.ProviderResource {}
class PlainComponent extends pulumi.ComponentResource {}
class PlainCustom extends pulumi.CustomResource {}

/** Declares each recorded resource in recorded order (every reference is to one declared before). */
function declareAll(resources: readonly RecordedResource[], aliases: Record<string, RecordedAlias[]>): void {
  const declared = new Map<string, pulumi.Resource>();
  for (const resource of resources) {
    if (resource.type === "pulumi:pulumi:Stack") continue;
    const parent = resource.parent === null ? undefined : declared.get(resource.parent);
    const options = resource.options;
    const common = {
      parent: parent?.urn === undefined ? undefined : parent,
      dependsOn: resource.dependencies.map((urn) => declared.get(urn)!),
      protect: options.protect,
      retainOnDelete: options.retainOnDelete,
      ...(aliases[resource.urn] === undefined ? {} : { aliases: aliasOptions(aliases[resource.urn]) }),
      ...(options.customTimeouts === undefined ? {} : { customTimeouts: options.customTimeouts }),
    };
    const made = resource.type.startsWith("pulumi:providers:")
      ? new PlainProvider(resource.type.slice("pulumi:providers:".length), resource.name, resource.inputs, common)
      : resource.custom
        ? new PlainCustom(resource.type, resource.name, resource.inputs, {
            ...common,
            deleteBeforeReplace: options.deleteBeforeReplace,
            ignoreChanges: options.ignoreChanges,
            additionalSecretOutputs: options.additionalSecretOutputs,
            ...(resource.provider === undefined
              ? {}
              : {
                  provider: declared.get(
                    resource.provider.split("::").slice(0, -1).join("::"),
                  ) as pulumi.ProviderResource,
                }),
          })
        : new PlainComponent(resource.type, resource.name, resource.inputs, common);
    declared.set(resource.urn, made);
  }
}

async function main(): Promise<void> {
  const [input, out, withAliases] = process.argv.slice(2);
  const resources = JSON.parse(readFileSync(input, "utf8")) as RecordedResource[];
  const aliases =
    withAliases === "--aliases"
      ? (JSON.parse(readFileSync(`${input}.aliases.json`, "utf8")) as Record<string, RecordedAlias[]>)
      : {};
  const stack = resources[0].urn.split("::")[0].slice("urn:pulumi:".length);
  const recorder = new AliasRecorder();
  await withoutSdkStacks(async () => {
    await recorder.install("dockyard", stack);
    try {
      await pulumi.runtime.runInPulumiStack(() => Promise.resolve(declareAll(resources, aliases)));
    } finally {
      await pulumi.runtime.disconnect();
    }
  });
  writeFileSync(out, JSON.stringify(recorder.resources));
  writeFileSync(`${out}.aliases.json`, JSON.stringify(recorder.aliases));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
