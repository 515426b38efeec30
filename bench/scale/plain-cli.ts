/**
 * `node scripts/run-ts.cjs bench/scale/plain-cli.ts <resources.json> <out.json> [--aliases | --sdk-classes]`:
 * the yardstick. A plain Pulumi program declaring exactly the resources a synth recorded (same
 * types, names, parents, dependencies, inputs, providers and options) with the core SDK's classes
 * and nothing else, under the same mocks and the same SDK settings; writes what it declared, which
 * must equal the input. With `--aliases` it also declares the aliases the synth's registrations
 * carried (`<resources.json>.aliases.json`, which resources.json does not hold: the providers' SDK
 * classes add them), and writes the ones it declared to `<out.json>.aliases.json`. With
 * `--sdk-classes` it declares each resource with its provider's SDK class where there is one, as a
 * program written by hand would: those classes add the aliases and declare their type's output
 * properties themselves.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../../infra/synth/recorder";
import { withoutSdkStacks } from "../../infra/synth/sdk-stacks";
import { AliasRecorder, aliasOptions, type RecordedAlias } from "../../infra/synth/alias-recorder";

/** The SDK's provider and component classes, made instantiable and nothing more. */
class PlainProvider extends pulumi.ProviderResource {}
class PlainComponent extends pulumi.ComponentResource {}
class PlainCustom extends pulumi.CustomResource {}

/** Each SDK module is loaded when a type first needs it, as a program imports only what it uses. */
const load = createRequire(__filename);

type SdkClass = new (name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/**
 * The providers' own SDK class for a resource type, as a program written by hand would use it
 * (`new Deployment(…)` from @pulumi/kubernetes/apps/v1): undefined for dynamic resources and
 * components, which have none, and for providers (their classes serialize their inputs, which
 * resources.json holds serialized already). A CRD's objects use the Kubernetes SDK's CustomResource.
 */
function sdkClass(type: string): SdkClass | undefined {
  const [pkg, module, kind] = type.split(":");
  if (pkg === "kubernetes") {
    // The SDK's module of a built-in group is its name's first label (networking.k8s.io/v1 → networking/v1).
    const [group, version] = module.split("/");
    const builtIn = group.split(".")[0];
    const exported = sdkModule(`@pulumi/kubernetes/${builtIn}/${version}`)?.[kind];
    return exported ?? (load("@pulumi/kubernetes/apiextensions") as { CustomResource: SdkClass }).CustomResource;
  }
  if (pkg === "docker-build" || pkg === "random" || pkg === "docker")
    return (load(`@pulumi/${pkg}`) as Record<string, SdkClass>)[kind];
  return undefined;
}

function sdkModule(path: string): Record<string, SdkClass> | undefined {
  try {
    load.resolve(path);
  } catch {
    return undefined;
  }
  return load(path) as Record<string, SdkClass>;
}

/** The outputs a class marks secret itself (its `secretOpts`), which the recorded options already hold. */
const CLASS_SECRET_OUTPUTS: Record<string, string[]> = {
  "kubernetes:core/v1:Secret": ["data", "stringData"],
  "docker-build:index:Image": ["secrets"],
  "random:index/randomPassword:RandomPassword": ["bcryptHash", "result"],
  "docker:index/secret:Secret": ["data"],
};

const isTypeOnly = (alias: RecordedAlias) => typeof alias === "object" && Object.keys(alias).join() === "type";

/** Declares each recorded resource in recorded order (every reference is to one declared before). */
function declareAll(
  resources: readonly RecordedResource[],
  aliases: Record<string, RecordedAlias[]>,
  withSdkClasses: boolean,
): void {
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
    const custom = {
      ...common,
      deleteBeforeReplace: options.deleteBeforeReplace,
      ignoreChanges: options.ignoreChanges,
      additionalSecretOutputs: options.additionalSecretOutputs,
      ...(resource.provider === undefined
        ? {}
        : { provider: declared.get(resource.provider.split("::").slice(0, -1).join("::")) as pulumi.ProviderResource }),
    };
    const Sdk = withSdkClasses ? sdkClass(resource.type) : undefined;
    const made =
      Sdk !== undefined
        ? new Sdk(resource.name, resource.inputs, {
            ...custom,
            // The classes add their own: a type alias per former API version, a Secret's data as secret.
            aliases: aliasOptions((aliases[resource.urn] ?? []).filter((alias) => !isTypeOnly(alias))),
            additionalSecretOutputs: options.additionalSecretOutputs.filter(
              (key) => !CLASS_SECRET_OUTPUTS[resource.type]?.includes(key),
            ),
          })
        : resource.type.startsWith("pulumi:providers:")
          ? new PlainProvider(resource.type.slice("pulumi:providers:".length), resource.name, resource.inputs, common)
          : resource.custom
            ? new PlainCustom(resource.type, resource.name, resource.inputs, custom)
            : new PlainComponent(resource.type, resource.name, resource.inputs, common);
    declared.set(resource.urn, made);
  }
}

async function main(): Promise<void> {
  const [input, out, mode] = process.argv.slice(2);
  const withAliases = mode === "--aliases" ? mode : undefined;
  const withSdkClasses = mode === "--sdk-classes";
  const resources = JSON.parse(readFileSync(input, "utf8")) as RecordedResource[];
  const aliases =
    withAliases === "--aliases" || withSdkClasses
      ? (JSON.parse(readFileSync(`${input}.aliases.json`, "utf8")) as Record<string, RecordedAlias[]>)
      : {};
  const stack = resources[0].urn.split("::")[0].slice("urn:pulumi:".length);
  const recorder = new AliasRecorder();
  await withoutSdkStacks(async () => {
    await recorder.install("dockyard", stack);
    try {
      await pulumi.runtime.runInPulumiStack(() => Promise.resolve(declareAll(resources, aliases, withSdkClasses)));
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
