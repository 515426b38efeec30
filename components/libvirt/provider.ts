// The one shape of dockyard's libvirt dynamic providers: check, diff and read are the same for
// every resource, over its list of input keys; each resource brings create, observe, update
// and remove. Provider-side (see virsh.ts): types only from the SDK.
import type * as pulumi from "@pulumi/pulumi";
import { checkRequired, compact, diffInputs, type Drift } from "./lifecycle";

/** Where an object lives and how libvirt finds it: a UUID, a name, or a volume's key. */
export interface ObjectRef {
  readonly uri: string;
  readonly lookup: string;
}

/** Inputs every libvirt resource has. */
export interface LocatedInputs {
  readonly uri: string;
}

/** State every libvirt resource records beside its inputs. */
export interface ObservedOutputs extends LocatedInputs {
  /** Inputs that `read` found changed out of band, with their recorded values (see `reconcile`). */
  readonly drift?: Drift;
}

/** What a resource's provider implements; {@link libvirtProvider} does the rest. */
export interface ProviderSpec<I extends LocatedInputs, O extends I & ObservedOutputs> {
  /** What the resource is called in messages: "domain", "storage pool"… */
  readonly noun: string;
  /** Every input key, in the order the resource passes them: what diff compares and read reports as inputs. */
  readonly inputs: readonly (keyof I & string)[];
  /** Inputs that must be present and non-empty. */
  readonly required: readonly (keyof I & string)[];
  /** Inputs whose change updates the object in place; any other change replaces it. */
  readonly inPlace: readonly (keyof I & string)[];
  /**
   * The inputs as diff compares them, given what the program declares: libvirt's defaults
   * filled in, and what the program leaves to libvirt (an assigned MAC address) left out. Lets a
   * recorded or imported object that states such values explicitly match a program that does not.
   */
  readonly comparable?: (inputs: I, program: I) => I;
  /** Adjusts the generic diff (e.g. a volume that would shrink is replaced). */
  readonly refineDiff?: (olds: O, news: I, result: pulumi.dynamic.DiffResult) => pulumi.dynamic.DiffResult;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  /**
   * Reads the live object: its id, and outputs whose inputs are the live values of the fields
   * dockyard owns (recorded values where they still hold). Undefined when the object is gone.
   * `recorded` is undefined on import.
   */
  observe(ref: ObjectRef, recorded: O | undefined): Promise<{ id: string; outs: O } | undefined>;
  update(id: string, olds: O, news: I): Promise<O>;
  remove(id: string, props: O): Promise<void>;
}

/**
 * Where `read` looks: an import id `<uri>|<name>` (or `<uri>|<uuid>`, `<uri>|<pool>/<volume>`
 * for volumes) names the URI itself; any other id is looked up at the recorded `uri`.
 */
export function locate(noun: string, id: string, props: Partial<LocatedInputs> | undefined): ObjectRef {
  const bar = id.indexOf("|");
  if (bar > 0 && bar < id.length - 1) return { uri: id.slice(0, bar), lookup: id.slice(bar + 1) };
  if (typeof props?.uri === "string" && props.uri !== "") return { uri: props.uri, lookup: id };
  throw new Error(
    `${noun} ${id}: cannot read it without its libvirt URI; to import an existing ${noun}, use the id "<uri>|<name>", e.g. "qemu:///system|${id}"`,
  );
}

/** Picks the input keys out of a provider's outputs. */
export function inputsOf<I>(keys: readonly (keyof I & string)[], outs: I): I {
  return compact(Object.fromEntries(keys.map((key) => [key, outs[key]]))) as I;
}

/** The recorded values of drifted inputs as `normalize` turns them (null: was not set). */
function recordedDrift<I>(drift: Drift, normalize: (recorded: Partial<I>) => I): Drift {
  const recorded = Object.fromEntries(Object.entries(drift).map(([key, value]) => [key, value ?? undefined]));
  const normalized = normalize(recorded as Partial<I>) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(drift).map((key) => [key, normalized[key] ?? null]));
}

/** Builds a dynamic provider from a {@link ProviderSpec}. */
export function libvirtProvider<I extends LocatedInputs, O extends I & ObservedOutputs>(
  spec: ProviderSpec<I, O>,
): pulumi.dynamic.ResourceProvider<I, O> {
  return {
    check(_olds, news) {
      return Promise.resolve(checkRequired({ ...news } as Record<string, unknown>, spec.required));
    },
    diff(_id, olds, news) {
      const comparable = spec.comparable ?? ((inputs: I) => inputs);
      // Drift holds recorded values: compared in the same terms as the program's.
      const drift = olds.drift && recordedDrift(olds.drift, (recorded) => comparable({ ...olds, ...recorded }, news));
      const result = diffInputs(
        { ...comparable(olds, news), drift } as unknown as Record<string, unknown>,
        { ...comparable(news, news) } as unknown as Record<string, unknown>,
        spec.inputs,
        spec.inPlace,
      );
      return Promise.resolve(spec.refineDiff ? spec.refineDiff(olds, news, result) : result);
    },
    create(inputs) {
      return spec.create(inputs);
    },
    async read(id, props) {
      const ref = locate(spec.noun, id, props);
      // Recorded state has the URI; on import there is none, or only the engine's bare inputs.
      const recorded = typeof props?.uri === "string" && !id.includes("|") ? props : undefined;
      const found = await spec.observe(ref, recorded);
      if (!found) return { id: "" };
      return { id: found.id, props: found.outs, inputs: inputsOf(spec.inputs, found.outs) };
    },
    async update(id, olds, news) {
      return { outs: await spec.update(id, olds, news) };
    },
    async delete(id, props) {
      await spec.remove(id, props);
    },
  };
}
