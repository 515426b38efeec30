// Endpoints taken apart exactly: what parseLibvirtUri returns for each accepted URI, the words of
// each refusal, and the Docker host forms (the shapes: names-endpoints.test.ts).
import { describe, expect, it } from "vitest";
import { rules } from "../../components/internal";
import { verdict } from "./support/verdict";

const parse = (uri: string, allowTestDriver = false) => rules.parseLibvirtUri(uri, { allowTestDriver });

describe("libvirt URIs taken apart", () => {
  it.each([
    ["qemu:///system", { driver: "qemu", transport: "", path: "/system", parameters: {} }],
    ["qemu+unix:///session", { driver: "qemu", transport: "unix", path: "/session", parameters: {} }],
    [
      "qemu+ssh://ops@vm-host:2222/system?keyfile=/home/ops/.ssh/id_ed25519&sshauth=agent,privkey&known_hosts_verify=normal&no_tty=1",
      {
        driver: "qemu",
        transport: "ssh",
        user: "ops",
        host: "vm-host",
        port: 2222,
        path: "/system",
        parameters: {
          keyfile: "/home/ops/.ssh/id_ed25519",
          sshauth: "agent,privkey",
          known_hosts_verify: "normal",
          no_tty: "1",
        },
      },
    ],
    [
      "qemu+libssh2://vm-host/system?mode=direct&proxy=native&known_hosts=%2Fetc%2Fssh%2Fknown",
      {
        driver: "qemu",
        transport: "libssh2",
        host: "vm-host",
        path: "/system",
        parameters: { mode: "direct", proxy: "native", known_hosts: "/etc/ssh/known" },
      },
    ],
    [
      "qemu+tls://10.0.0.5/system?pkipath=/etc/pki/libvirt&mode=legacy&proxy=netcat",
      {
        driver: "qemu",
        transport: "tls",
        host: "10.0.0.5",
        path: "/system",
        parameters: { pkipath: "/etc/pki/libvirt", mode: "legacy", proxy: "netcat" },
      },
    ],
    [
      "qemu+ssh://vm-host/system?",
      { driver: "qemu", transport: "ssh", host: "vm-host", path: "/system", parameters: {} },
    ],
  ])("%s", (uri, parsed) => {
    expect(parse(uri)).toEqual(parsed);
  });

  it("the test driver only where allowed, on its own path", () => {
    expect(parse("test:///default", true)).toEqual({ driver: "test", transport: "", path: "/default", parameters: {} });
    expect(parse("test:///default")).toEqual({
      problem: `uses libvirt's fake "test" driver, which deploys nothing: give the host's "qemu+ssh://…/system" URI`,
    });
  });

  it.each([
    ["qemu+foo://vm-host/system", `uses an unknown transport "foo" (supported: ssh, libssh, libssh2, tls, unix)`],
    ["qemu+ssh://o%pe@vm-host/system", `has user "o%pe", expected letters, digits, ".", "_" or "-"`],
    ["qemu+ssh://@vm-host/system", `has user "", expected letters, digits, ".", "_" or "-"`],
    ["qemu://vm-host/system", `names a host but uses a local transport: use "qemu+ssh://…" to reach another machine`],
    ["qemu://ops@/system", `names a host but uses a local transport: use "qemu+ssh://…" to reach another machine`],
    ["qemu+ssh://vm-host", `has path "(none)", expected "/system" or "/session"`],
    [
      "qemu+ssh://vm-host/system#frag",
      `must be a libvirt URI like "qemu+ssh://ops@vm-host/system" or "qemu:///system"`,
    ],
    ["_qemu:///system", `must be a libvirt URI like "qemu+ssh://ops@vm-host/system" or "qemu:///system"`],
    ["xqemu:///system", `uses the "xqemu" driver; dockyard runs QEMU domains: use "qemu://…" or "qemu+ssh://…"`],
    ["qemu+ssh://vm-host/system?keyfile=%zz", "has a malformed query parameter (bad %-escape)"],
    ["qemu+ssh://vm-host/system?%zz=1", "has a malformed query parameter (bad %-escape)"],
    ["qemu+ssh://vm-host/system?no_tty", `has an unsupported value for "no_tty"`],
    ["qemu+ssh://vm-host/system?no_tty=0", `has an unsupported value for "no_tty"`],
    ["qemu+ssh://vm-host/system?sshauth=agent,password", `has an unsupported value for "sshauth"`],
    ["qemu+ssh://vm-host/system?known_hosts_verify=ignore", `has an unsupported value for "known_hosts_verify"`],
    // Host-key checks turned off by other spellings: trust on first use, or an empty known_hosts.
    ["qemu+ssh://vm-host/system?known_hosts_verify=auto", `has an unsupported value for "known_hosts_verify"`],
    ["qemu+ssh://vm-host/system?known_hosts=/dev/null", `has an unsupported value for "known_hosts"`],
    [
      "qemu+ssh://vm-host/system?known_hosts=%2Fdev%2Fnull&known_hosts_verify=auto",
      `has an unsupported value for "known_hosts"`,
    ],
    ["qemu+ssh://vm-host/system?known_hosts=/proc/self/fd/0", `has an unsupported value for "known_hosts"`],
    ["qemu+ssh://vm-host/system?mode=other", `has an unsupported value for "mode"`],
    ["qemu+ssh://vm-host/system?proxy=other", `has an unsupported value for "proxy"`],
    ["qemu+ssh://vm-host/system?mode=auto&mode=direct", `has an unsupported value for "mode"`],
  ])("refuses %s", (uri, problem) => {
    expect(parse(uri)).toEqual({ problem });
  });

  it("the rule refuses what is not text, and keeps the URI as given", () => {
    const rule = rules.libvirtUri();
    expect(verdict(rule, 5)).toBe(`refused: must be a libvirt URI like "qemu+ssh://ops@vm-host/system"`);
    expect(rule.check("qemu+ssh://ops@vm-host/system")).toEqual({ ok: true, value: "qemu+ssh://ops@vm-host/system" });
  });
});

describe("Docker hosts", () => {
  it.each([
    "unix:///var/run/docker.sock",
    "npipe:////./pipe/docker_engine",
    "ssh://build-host",
    "ssh://ops@build-host:2222",
  ])("accepts %s", (host) => {
    expect(rules.dockerHost.check(host)).toEqual({ ok: true, value: host });
  });

  it.each([
    [5, `must be a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host"`],
    ["ssh://ops@build host", `must be a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host"`],
    [
      "1unix:///var/run/docker.sock",
      `must be a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host" (schemes: unix, ssh, npipe)`,
    ],
    ["unix:///var/run/docker.sock;x", `must be a socket path like "unix:///var/run/docker.sock"`],
    ["npipe:////./pipe/docker_engine/x", `must be a named pipe like "npipe:////./pipe/docker_engine"`],
    [
      "xssh://build-host",
      `must be a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host" (schemes: unix, ssh, npipe)`,
    ],
    ["ssh://build-host/path", `must be "ssh://[user@]host[:port]" without a path`],
    ["ssh://o%p@build-host", `has user "o%p", expected letters, digits, ".", "_" or "-"`],
    ["ssh://build-host:99999", "has port 99999, expected 1 to 65535"],
  ])("refuses %j", (host, problem) => {
    expect(verdict(rules.dockerHost, host)).toBe(`refused: ${problem}`);
  });
});
