// The virsh wrapper runs the real virsh (libvirt-clients) against libvirt's test driver, which
// needs no daemon (the error cases: test/libvirt/virsh.test.ts).
import { describe, expect, it } from "vitest";
import { virsh } from "../../../components/libvirt/virsh";
import { needs } from "../support/needs";

needs("virsh");

describe("virsh", () => {
  it("runs virsh (against the test driver) and returns its output", async () => {
    const out = await virsh("test:///default", ["list", "--all", "--name"]);
    expect(out.split("\n").filter(Boolean)).toEqual(["test"]);
  });
});
