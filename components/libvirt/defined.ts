// The lifecycle shared by libvirt's *defined* objects — domains, networks and storage pools:
// define with a UUID dockyard picks (libvirt itself refuses a taken name, so nothing is ever
// adopted or overwritten), start, autostart, roll back on failure, read the persistent
// definition or report it gone, redefine in place, stop and undefine. Provider-side (see virsh.ts).
import { canonical, compact, messageOf, reconcile, withRollback } from "./lifecycle";
import { parseFlag, parseInfo } from "./parse";
import type { ObjectRef, ObservedOutputs } from "./provider";
import { clashError, unlessMissing, virsh, virshWithXml, type ObjectKind } from "./virsh";
import { withUuid } from "./xml";

/** How virsh names one kind of defined object's commands. */
export interface DefinedKind {
  readonly kind: Exclude<ObjectKind, "vol">;
  /** In messages: "domain", "network", "storage pool". */
  readonly noun: string;
  readonly define: string;
  readonly undefine: readonly string[];
  readonly dumpxml: string;
  readonly info: string;
  readonly autostart: string;
  readonly start: string;
  readonly stop: string;
}

export const DOMAIN: DefinedKind = {
  kind: "domain",
  noun: "domain",
  define: "define",
  undefine: ["undefine", "--managed-save", "--snapshots-metadata"],
  dumpxml: "dumpxml",
  info: "dominfo",
  autostart: "autostart",
  start: "start",
  stop: "destroy",
};

export const NETWORK: DefinedKind = {
  kind: "network",
  noun: "network",
  define: "net-define",
  undefine: ["net-undefine"],
  dumpxml: "net-dumpxml",
  info: "net-info",
  autostart: "net-autostart",
  start: "net-start",
  stop: "net-destroy",
};

export const POOL: DefinedKind = {
  kind: "pool",
  noun: "storage pool",
  define: "pool-define",
  undefine: ["pool-undefine"],
  dumpxml: "pool-dumpxml",
  info: "pool-info",
  autostart: "pool-autostart",
  start: "pool-start",
  stop: "pool-destroy",
};

/**
 * Defines a new object from `xml` under a fresh UUID, then runs `bringUp` (start, build…) and
 * turns autostart on if asked. A taken name fails before anything changes; if a later step
 * fails, `tearDown` (by default: stop and undefine) removes what was made.
 */
export async function defineNew<T>(
  kind: DefinedKind,
  uri: string,
  name: string,
  xml: string,
  options: {
    readonly autostart: boolean;
    readonly bringUp: (uuid: string) => Promise<T>;
    readonly tearDown?: (uuid: string) => Promise<void>;
  },
): Promise<{ uuid: string; result: T }> {
  const crypto = require("node:crypto") as typeof import("node:crypto");
  const uuid = crypto.randomUUID();
  try {
    await virshWithXml(uri, [kind.define], withUuid(xml, uuid));
  } catch (error) {
    throw clashError(error, uri, kind.kind, name);
  }
  const result = await withRollback(
    `${kind.noun} "${name}"`,
    uri,
    async () => {
      // A new definition starts with autostart off: only turning it on costs a call.
      if (options.autostart) await setAutostart(kind, uri, uuid, true);
      return options.bringUp(uuid);
    },
    () => (options.tearDown ?? ((id: string) => undefine(kind, uri, id)))(uuid),
  );
  return { uuid, result };
}

/** Inputs that are not part of the definition: changing them alone does not redefine. */
const OUTSIDE_DEFINITION = ["autostart", "waitForAddressSeconds", "drift"];

/**
 * Rewrites the persistent definition of the object with this UUID (same UUID, same name) when
 * anything in it changed — the rendered XML, or a field that read found drifted (the XML is then
 * the same) — and sets autostart if it changed.
 */
export async function redefine(
  kind: DefinedKind,
  uuid: string,
  olds: DefinedInputs & ObservedOutputs,
  news: DefinedInputs,
): Promise<void> {
  const changed = Object.keys({ ...olds, ...news }).some(
    (key) =>
      !OUTSIDE_DEFINITION.includes(key) &&
      key in news &&
      canonical((olds as unknown as Record<string, unknown>)[key]) !==
        canonical((news as unknown as Record<string, unknown>)[key]),
  );
  if (changed || olds.drift !== undefined) await virshWithXml(news.uri, [kind.define], withUuid(news.xml, uuid));
  if (news.autostart !== olds.autostart) await setAutostart(kind, news.uri, uuid, news.autostart);
}

export async function setAutostart(kind: DefinedKind, uri: string, uuid: string, enabled: boolean): Promise<void> {
  await virsh(uri, [kind.autostart, uuid, ...(enabled ? [] : ["--disable"])]);
}

/** The persistent definition and info of an object found by UUID or name; undefined if it is gone. */
export async function lookUp(
  kind: DefinedKind,
  uri: string,
  lookup: string,
): Promise<{ xml: string; info: Record<string, string> } | undefined> {
  const xml = await unlessMissing(virsh(uri, [kind.dumpxml, "--inactive", lookup]));
  if (xml === undefined) return undefined;
  const info = await unlessMissing(virsh(uri, [kind.info, lookup]));
  return info === undefined ? undefined : { xml, info: parseInfo(info) };
}

/** Inputs every defined object has. */
export interface DefinedInputs {
  readonly uri: string;
  readonly autostart: boolean;
  readonly xml: string;
}

/** The inputs that read compares with the live definition: all but the URI, the XML itself and `notOwned`. */
export function ownedInputs<K extends string>(inputs: readonly K[], ...notOwned: K[]): K[] {
  return inputs.filter((key) => key !== "uri" && key !== "xml" && !notOwned.includes(key));
}

/** How {@link observeDefined} reads one kind of object. */
export interface DefinedReader<I extends DefinedInputs, O extends I & ObservedOutputs> {
  /** Inputs that the definition states (and autostart): read compares them with the live object. */
  readonly owned: readonly (keyof I & string)[];
  /**
   * The owned fields as a definition states them, in the inputs' shape. `declared` (the facts of
   * dockyard's rendering) is given when reading the live definition, to leave out what libvirt
   * filled in where dockyard declared nothing (a MAC address, a bridge name).
   */
  readonly facts: (xml: string, declared?: Partial<I>) => Partial<I>;
  /** Outputs observed beside the inputs (state, addresses…). */
  readonly outputs: (found: {
    readonly uuid: string;
    readonly xml: string;
    readonly info: Record<string, string>;
  }) => Partial<O> | Promise<Partial<O>>;
  /** Outputs of an imported object that the definition cannot tell. */
  readonly imported?: Partial<O>;
}

/**
 * The live object: the recorded inputs where the owned fields still hold, their live values
 * (and the recorded ones in `drift`) where they changed out of band, and fresh outputs.
 * Undefined when the object is gone. On import (nothing recorded) every owned field is live and
 * the live definition stands in for the rendered XML.
 */
export async function observeDefined<I extends DefinedInputs, O extends I & ObservedOutputs>(
  kind: DefinedKind,
  ref: ObjectRef,
  recorded: O | undefined,
  reader: DefinedReader<I, O>,
): Promise<{ id: string; outs: O } | undefined> {
  const found = await lookUp(kind, ref.uri, ref.lookup);
  if (!found) return undefined;
  const declared = recorded?.xml ? { ...reader.facts(recorded.xml), autostart: recorded.autostart } : undefined;
  const live = { ...reader.facts(found.xml, declared), autostart: parseFlag(found.info.Autostart) };
  const owned = reconcile<I>(reader.owned, recorded, declared, live);
  const uuid = /^[0-9a-f-]{36}$/i.test(found.info.UUID ?? "") ? found.info.UUID : ref.lookup;
  const outs = compact({
    ...(recorded ?? { ...reader.imported, uri: ref.uri, xml: found.xml }),
    ...owned.values,
    ...(await reader.outputs({ uuid, xml: found.xml, info: found.info })),
    drift: owned.drift,
  }) as O;
  return { id: uuid, outs };
}

/**
 * Stops the object if it is active and undefines it; one already gone is fine. `beforeUndefine`
 * runs between the two (a pool deletes the directory it built).
 */
export async function undefine(
  kind: DefinedKind,
  uri: string,
  uuid: string,
  beforeUndefine?: () => Promise<void>,
): Promise<void> {
  const info = await unlessMissing(virsh(uri, [kind.info, uuid]));
  if (info === undefined) return;
  const { State: state, Active: active } = parseInfo(info);
  const running =
    kind.kind === "network" ? active === "yes" : state !== undefined && state !== "shut off" && state !== "inactive";
  if (running) {
    try {
      await virsh(uri, [kind.stop, uuid]);
    } catch (error) {
      if (!/not running|is not active/.test(messageOf(error))) throw error; // it stopped on its own meanwhile
    }
  }
  await beforeUndefine?.();
  await virsh(uri, [...kind.undefine, uuid]);
}
