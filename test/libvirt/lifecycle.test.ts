import { describe, expect, it } from "vitest";
import {
  canonical,
  checkRequired,
  compact,
  diffInputs,
  messageOf,
  reconcile,
  UNKNOWN,
  withRollback,
} from "../../components/libvirt/lifecycle";
import { locate } from "../../components/libvirt/provider";

describe("diffInputs", () => {
  const keys = ["name", "size", "tags"];
  it("reports no change when the compared keys are equal (other keys ignored)", () => {
    expect(
      diffInputs({ name: "a", size: 1, tags: ["x"], uuid: "u1" }, { name: "a", size: 1, tags: ["x"] }, keys, ["size"]),
    ).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it("updates in place when only in-place keys change", () => {
    expect(diffInputs({ name: "a", size: 1 }, { name: "a", size: 2 }, keys, ["size"])).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it("replaces, deleting first, when any other key changes", () => {
    expect(
      diffInputs({ name: "a", size: 1, tags: ["x"] }, { name: "b", size: 2, tags: ["y"] }, keys, ["size"]),
    ).toEqual({
      changes: true,
      replaces: ["name", "tags"],
      deleteBeforeReplace: true,
    });
  });
  it("ignores key order in nested objects (state comes back through protobuf)", () => {
    const olds = { name: "a", size: 1, tags: [{ b: 1, a: { d: 2, c: 3 } }] };
    const news = { tags: [{ a: { c: 3, d: 2 }, b: 1 }], size: 1, name: "a" };
    expect(diffInputs(olds, news, keys, []).changes).toBe(false);
  });
  it("still sees order changes inside lists", () => {
    expect(diffInputs({ tags: ["x", "y"] }, { tags: ["y", "x"] }, keys, []).replaces).toEqual(["tags"]);
  });
  it("treats an unknown preview value as a change", () => {
    expect(diffInputs({ name: "a" }, { name: UNKNOWN }, keys, []).replaces).toEqual(["name"]);
  });
});

describe("diffInputs with drift that read found", () => {
  const keys = ["name", "size", "path"];
  it("corrects drift in place, even on keys that replace when the program changes them", () => {
    const olds = { name: "a", size: 1, path: "/live", drift: { path: "/declared" } };
    expect(diffInputs(olds, { name: "a", size: 1, path: "/declared" }, keys, ["size"])).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it("replaces when the program asks for something else than it recorded", () => {
    const olds = { name: "a", size: 1, path: "/live", drift: { path: "/declared" } };
    expect(diffInputs(olds, { name: "a", size: 1, path: "/new" }, keys, ["size"]).replaces).toEqual(["path"]);
  });
  it("replaces a renamed object: names are identity, libvirt cannot rename by redefinition", () => {
    const olds = { name: "renamed", size: 1, drift: { name: "a" } };
    expect(diffInputs(olds, { name: "a", size: 1 }, keys, ["size"]).replaces).toEqual(["name"]);
  });
  it("matches a recorded absence (null) with an unset input", () => {
    const olds = { name: "a", path: "/live", drift: { path: null } };
    expect(diffInputs(olds, { name: "a" }, keys, []).replaces).toEqual([]);
  });
});

describe("reconcile", () => {
  const keys = ["memoryMiB", "disks", "autostart"] as const;
  type T = { memoryMiB: number; disks: { pool: string; bus?: string }[]; autostart: boolean };
  const recorded: T = { memoryMiB: 128, disks: [{ pool: "p" }], autostart: true };
  const declared = { memoryMiB: 128, disks: [{ pool: "p", bus: "virtio" }], autostart: true };
  it("keeps the recorded values (their own shape) while the live object matches the declaration", () => {
    expect(reconcile<T>(keys, recorded, declared, { ...declared })).toEqual({ values: recorded });
  });
  it("reports drifted fields as live values, remembering the recorded ones", () => {
    const live = { ...declared, memoryMiB: 96, autostart: false };
    expect(reconcile<T>(keys, recorded, declared, live)).toEqual({
      values: { ...recorded, memoryMiB: 96, autostart: false },
      drift: { memoryMiB: 128, autostart: true },
    });
  });
  it("reads every field live on import (nothing recorded)", () => {
    const live = { memoryMiB: 64, disks: [], autostart: false };
    expect(reconcile<T>(keys, undefined, undefined, live)).toEqual({ values: live });
  });
  it("reads every field live when the recorded state has no declaration to compare with", () => {
    const live = { memoryMiB: 64, disks: [], autostart: false };
    expect(reconcile<T>(keys, recorded, undefined, live)).toEqual({ values: live });
  });
});

describe("locate", () => {
  it("takes the URI from an import id <uri>|<name>, else from the recorded state", () => {
    expect(locate("domain", "qemu+ssh://ops@kvm1/system|web", undefined)).toEqual({
      uri: "qemu+ssh://ops@kvm1/system",
      lookup: "web",
    });
    expect(locate("volume", "qemu:///system|vms/root.qcow2", { uri: "other" })).toEqual({
      uri: "qemu:///system",
      lookup: "vms/root.qcow2",
    });
    expect(locate("domain", "d0a608f7", { uri: "qemu:///system" })).toEqual({
      uri: "qemu:///system",
      lookup: "d0a608f7",
    });
  });
  it("says how to import when there is no URI", () => {
    expect(() => locate("network", "lab", undefined)).toThrow(
      'network lab: cannot read it without its libvirt URI; to import an existing network, use the id "<uri>|<name>", e.g. "qemu:///system|lab"',
    );
  });
});

describe("canonical", () => {
  it("sorts keys at every level and keeps arrays in order", () => {
    expect(canonical({ b: [{ y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1}]}');
    expect(canonical({ a: undefined, b: 1 })).toBe(canonical({ b: 1 }));
  });
});

describe("checkRequired", () => {
  it("passes complete inputs through", () => {
    expect(checkRequired({ uri: "qemu:///system", name: "x" }, ["uri", "name"])).toEqual({
      inputs: { uri: "qemu:///system", name: "x" },
      failures: [],
    });
  });
  it("reports missing and empty inputs but lets unknown ones through", () => {
    const result = checkRequired({ uri: "", name: UNKNOWN, xml: null }, ["uri", "name", "xml", "pool"]);
    expect(result.failures).toEqual([
      { property: "uri", reason: "uri is required" },
      { property: "xml", reason: "xml is required" },
      { property: "pool", reason: "pool is required" },
    ]);
  });
});

describe("compact and messageOf", () => {
  it("drops undefined values only", () => {
    expect(compact({ a: 1, b: undefined, c: null, d: "" })).toEqual({ a: 1, c: null, d: "" });
    expect(Object.keys(compact({ a: undefined }))).toEqual([]);
  });
  it("renders anything thrown", () => {
    expect(messageOf(new Error("boom"))).toBe("boom");
    expect(messageOf("text")).toBe("text");
  });
});

describe("withRollback", () => {
  it("returns the work's result and does not undo", async () => {
    let undone = false;
    await expect(
      withRollback(
        "thing",
        "test:///default",
        () => Promise.resolve(7),
        () => Promise.resolve(void (undone = true)),
      ),
    ).resolves.toBe(7);
    expect(undone).toBe(false);
  });
  it("undoes on failure and says nothing was left behind", async () => {
    let undone = false;
    const failing = withRollback(
      'domain "x"',
      "qemu:///system",
      () => Promise.reject(new Error("start failed")),
      () => Promise.resolve(void (undone = true)),
    );
    await expect(failing).rejects.toThrow(
      'could not create domain "x" on qemu:///system (nothing was left behind): start failed',
    );
    expect(undone).toBe(true);
  });
  it("says what is left when the undo fails too", async () => {
    const failing = withRollback(
      'pool "p"',
      "qemu:///system",
      () => Promise.reject(new Error("build failed")),
      () => Promise.reject(new Error("busy")),
    );
    await expect(failing).rejects.toThrow(
      /removing the partial object failed too \(busy\): remove it by hand\): build failed/,
    );
  });
});
