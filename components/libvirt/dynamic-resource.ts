// The base of dockyard's libvirt resources: a Pulumi dynamic resource whose provider code is
// serialized only when it will be run.
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_MODULE } from "./defaults";

/**
 * What `__provider` holds when the program is evaluated offline (synth, parity, tests under
 * mocks): no engine will run the provider, and serializing three providers' closures costs more
 * than the rest of an evaluation (about 1.3 s; Pulumi loads TypeScript to parse them).
 */
export const UNSERIALIZED_PROVIDER = "[dynamic provider: code serialized at deployment]";

let serializeProviders = true;

/**
 * Turns provider serialization off (offline evaluation) or back on. On by default, as a real
 * deployment needs it; `npm run synth` and the test harness turn it off.
 */
export function setDynamicProviderSerialization(on: boolean): void {
  serializeProviders = on;
}

const serialized = new WeakMap<pulumi.dynamic.ResourceProvider, pulumi.Output<string>>();

/** The provider's code as Pulumi's dynamic provider host loads it; a secret if the closure captured one. Cached per provider. */
function providerCode(provider: pulumi.dynamic.ResourceProvider): pulumi.Output<string> {
  let code = serialized.get(provider);
  if (code === undefined) {
    code = pulumi
      .output(pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }))
      .apply((fn): pulumi.Output<string> => (fn.containsSecrets ? pulumi.secret(fn.text) : pulumi.output(fn.text)));
    serialized.set(provider, code);
  }
  return code;
}

/**
 * A resource's props from its resolved inputs: one output per input key (the provider's own
 * list, so the resource and the provider read the same keys), and the provider's output keys
 * left for the engine to fill in.
 */
export function dynamicProps<I extends object>(
  spec: pulumi.Output<I>,
  inputs: readonly (keyof I & string)[],
  outputs: readonly string[],
): pulumi.Inputs {
  const props: pulumi.Inputs = Object.fromEntries(inputs.map((key) => [key, spec.apply((s) => s[key])]));
  for (const key of outputs) props[key] = undefined;
  return props;
}

/**
 * A dynamic resource, as `pulumi.dynamic.Resource` declares one (type token
 * `pulumi-nodejs:dynamic/libvirt:<type>`, the provider's code in `__provider`), except that the
 * code is left out when serialization is off. `pulumi.dynamic.Resource` offers no way to skip it.
 */
export abstract class LibvirtResource extends pulumi.CustomResource {
  constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    type: string,
  ) {
    if ("__provider" in props) throw new Error("A dynamic resource must not define the __provider key");
    super(
      `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${type}`,
      name,
      { ...props, __provider: serializeProviders ? providerCode(provider) : UNSERIALIZED_PROVIDER },
      opts,
    );
  }
}
