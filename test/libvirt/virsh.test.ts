import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  classifyVirshError,
  isNotFound,
  toolTimeoutMs,
  VIRSH_TIMEOUT_MS,
  VIRSH_TIMEOUT_VARIABLE,
  virsh,
  type VirshError,
} from "../../components/libvirt/virsh";

const failure = (extra: object = {}): Error => Object.assign(new Error("Command failed"), { code: 1 }, extra);

describe("classifyVirshError", () => {
  it("names the URI when the hypervisor cannot be reached", () => {
    const error = classifyVirshError(
      "qemu+ssh://nobody@127.0.0.1:1/system",
      ["version"],
      failure(),
      "error: failed to connect to the hypervisor\nerror: Cannot recv data: ssh: connect to host 127.0.0.1 port 1: Connection refused\n",
    );
    expect(error.reason).toBe("unreachable");
    expect(error.message).toBe(
      "cannot reach libvirt at qemu+ssh://nobody@127.0.0.1:1/system: Cannot recv data: ssh: connect to host 127.0.0.1 port 1: Connection refused",
    );
  });

  it.each([
    ["error: failed to get domain 'nope'\n"],
    ["error: failed to get network 'nope'\nerror: Network not found: no network with matching name 'nope'\n"],
    ["error: failed to get vol 'nope'\nerror: Storage volume not found: no storage vol with matching path 'nope'\n"],
  ])("recognises a missing object: %s", (stderr) => {
    const error = classifyVirshError("qemu:///system", ["dominfo", "nope"], failure(), stderr);
    expect(error.reason).toBe("not-found");
    expect(isNotFound(error)).toBe(true);
    expect(error.message).toMatch(/^libvirt at qemu:\/\/\/system: failed to get/);
  });

  it("reports other failures with the command and URI", () => {
    const error = classifyVirshError(
      "qemu:///system",
      ["net-start", "lab"],
      failure(),
      "error: Failed to start network lab\nerror: internal error: Network is already in use by interface virbr0\n",
    );
    expect(error.reason).toBe("failed");
    expect(error.message).toBe(
      "virsh net-start lab failed on qemu:///system: Failed to start network lab: internal error: Network is already in use by interface virbr0",
    );
    expect(isNotFound(error)).toBe(false);
  });

  it("reports a timeout as unreachable", () => {
    const error = classifyVirshError("qemu+ssh://host/system", ["list"], failure({ killed: true }), "");
    expect(error).toMatchObject({ reason: "unreachable", uri: "qemu+ssh://host/system" });
    expect(error.message).toMatch(/did not answer "virsh list" within the time limit/);
  });

  it("names the limit a command was killed at, and the variable that sets it", () => {
    const error = classifyVirshError(
      "qemu:///system",
      ["define", "/tmp/d.xml"],
      failure({ killed: true, timeoutMs: 30_000 }),
      "",
    );
    expect(error.message).toBe(
      'libvirt at qemu:///system did not answer "virsh define /tmp/d.xml" within 30 s (DOCKYARD_VIRSH_TIMEOUT_SECONDS sets the limit)',
    );
  });

  it("reports virsh killed by SIGPIPE (a remote transport that closed) as unreachable", () => {
    const error = classifyVirshError(
      "qemu+ssh://host/system",
      ["define", "/tmp/x.xml"],
      failure({ code: null, signal: "SIGPIPE" }),
      "",
    );
    expect(error).toMatchObject({ reason: "unreachable", uri: "qemu+ssh://host/system" });
    expect(error.message).toMatch(/^cannot reach libvirt at qemu\+ssh:\/\/host\/system: the connection closed/);
  });

  it("says how to install virsh when it is missing", () => {
    expect(classifyVirshError("qemu:///system", ["version"], failure({ code: "ENOENT" }), "").message).toMatch(
      /virsh was not found in PATH: install .*libvirt-clients/,
    );
  });

  it("does not mistake other errors for missing objects", () => {
    expect(isNotFound(new Error("not found"))).toBe(false);
    expect(isNotFound("failed to get domain")).toBe(false);
  });
});

describe("virsh", () => {
  // Running the real virsh: test/engines/libvirt/virsh.test.ts
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  afterEach(() => {
    delete process.env[VIRSH_TIMEOUT_VARIABLE];
  });

  it("kills a virsh that hangs at the limit the variable sets, and says so", async () => {
    const bin = mkdtempSync(join(tmpdir(), "dockyard-hung-virsh-"));
    try {
      writeFileSync(join(bin, "virsh"), "#!/bin/sh\nexec sleep 30\n");
      chmodSync(join(bin, "virsh"), 0o755);
      process.env.PATH = `${bin}:${path}`;
      process.env[VIRSH_TIMEOUT_VARIABLE] = "1";
      const started = Date.now();
      await expect(virsh("qemu:///system", ["define", "d.xml"])).rejects.toMatchObject({
        reason: "unreachable",
        message: expect.stringContaining(
          'libvirt at qemu:///system did not answer "virsh define d.xml" within 1 s',
        ) as string,
      });
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("takes its limit from the variable, and refuses a value that is not whole seconds", () => {
    expect(toolTimeoutMs()).toBe(VIRSH_TIMEOUT_MS);
    process.env[VIRSH_TIMEOUT_VARIABLE] = "30";
    expect(toolTimeoutMs()).toBe(30_000);
    for (const value of ["0", "1.5", "ten", "-3", "86401"]) {
      process.env[VIRSH_TIMEOUT_VARIABLE] = value;
      expect(() => toolTimeoutMs()).toThrow(
        `DOCKYARD_VIRSH_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 86400, got "${value}"`,
      );
    }
  });

  it("turns a missing binary into a clear error", async () => {
    process.env.PATH = "/nonexistent";
    await expect(virsh("test:///default", ["version"])).rejects.toMatchObject({
      reason: "missing-virsh",
    } satisfies Partial<VirshError>);
  });
});
