import * as pulumi from "@pulumi/pulumi";

/**
 * Secrets wherever they flow. A value given as `secure:` in a stack file may sit on any text
 * key (a context, a namespace, a URI), and from there reach provider inputs, names built from
 * it and stack outputs. Rather than trust every consumer to wrap it, the program registers one
 * stack transformation: any resource input holding a secret value (or a host or user taken from
 * a secret URI) becomes a Pulumi secret, so state and synth's artefacts carry it encrypted or
 * masked. See docs/decisions/0008-trusted-inputs.md.
 */

/** Shorter secrets are matched whole only: a 3-character substring would mask half the stack. */
const MIN_SUBSTRING_LENGTH = 4;

/** The strings to treat as secret for each secret value: the value, and the host and user of a URI or address. */
export function secretFragments(values: readonly string[]): string[] {
  const fragments = new Set<string>();
  for (const value of values) {
    fragments.add(value);
    const authority = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:([^@/:?#]+)@)?(\[[^\]]+\]|[^/:?#@]+)/i.exec(value);
    for (const part of [authority?.[1], authority?.[2]])
      if (part !== undefined && part.length >= MIN_SUBSTRING_LENGTH) fragments.add(part);
  }
  return [...fragments];
}

/** Whether a string holds one of the fragments. */
function holdsSecret(text: string, fragments: readonly string[]): boolean {
  return fragments.some((fragment) =>
    fragment.length >= MIN_SUBSTRING_LENGTH ? text.includes(fragment) : text === fragment,
  );
}

/**
 * `value` with every string that holds a fragment (also inside outputs and promises) made a Pulumi secret.
 * What holds none is given back as it is, not copied: this runs on every input of every resource.
 */
export function markSecrets(value: unknown, fragments: readonly string[], key = ""): unknown {
  if (fragments.length === 0 || key === "__provider") return value;
  if (typeof value === "string") return holdsSecret(value, fragments) ? pulumi.secret(value) : value;
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return markedOutput(value, fragments);
  if (Array.isArray(value))
    return copiedIfChanged(
      value,
      value.map((item) => markSecrets(item, fragments)),
    );
  if (typeof value !== "object" || value === null || unmarked(value)) return value;
  const entries = Object.entries(value);
  const inners = entries.map(([k, inner]) => markSecrets(inner, fragments, k));
  return inners.every((inner, index) => inner === entries[index][1])
    ? value
    : Object.fromEntries(entries.map(([k], index) => [k, inners[index]]));
}

/** What {@link markedOutput} made of each output or promise, per list of fragments (one per stack). */
const marked = new WeakMap<readonly string[], WeakMap<object, pulumi.Output<unknown>>>();

/**
 * An output or promise, marked: one apply, made once for each (an output shared by many resources, such
 * as a namespace's name or a registry's address, is marked once for all of them). A resolved value
 * holding a secret (or an output or promise) is marked and lifted again: a resolved object whose
 * strings became secrets must not hold Outputs inside an Output (it would serialize as a secret
 * wrapping secrets). Any other is the value itself.
 */
function markedOutput(
  value: pulumi.Output<unknown> | Promise<unknown>,
  fragments: readonly string[],
): pulumi.Output<unknown> {
  let made = marked.get(fragments);
  if (made === undefined) {
    made = new WeakMap();
    marked.set(fragments, made);
  }
  let result = made.get(value);
  if (result === undefined) {
    const output = pulumi.Output.isInstance(value) ? value : pulumi.output(value);
    result = output.apply((resolved: unknown) => {
      // markSecrets gives back what it leaves alone: anything else is lifted again.
      const markedValue = markSecrets(resolved, fragments);
      return markedValue === resolved ? resolved : pulumi.output(markedValue);
    });
    made.set(value, result);
  }
  return result;
}

/** Resources, assets and archives: never marked, never looked into. */
function unmarked(value: object): boolean {
  return (
    pulumi.Resource.isInstance(value) || pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)
  );
}

/** `items` where one differs from `original`'s, else `original` itself. */
function copiedIfChanged(original: unknown[], items: unknown[]): unknown[] {
  return items.every((item, index) => item === original[index]) ? original : items;
}

/**
 * Makes every resource declared from now on in this stack treat inputs holding a secret value as
 * Pulumi secrets. Call inside the program, before the first resource; a no-op without secrets.
 */
export function protectSecretValues(values: readonly string[]): void {
  const fragments = secretFragments(values);
  if (fragments.length === 0) return;
  pulumi.runtime.registerStackTransformation((args) => ({
    props: markSecrets(args.props, fragments) as pulumi.Inputs,
    opts: args.opts,
  }));
}
