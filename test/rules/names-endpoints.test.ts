import { describe, expect, it } from "vitest";
import * as rules from "../../components/rules";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR ops@example.internal";

function accepts(rule: rules.Rule<unknown>, good: unknown[], bad: unknown[]): void {
  for (const value of good)
    expect(rule.check(value), JSON.stringify(value)).toEqual({
      ok: true,
      value: typeof value === "string" ? value : value,
    });
  for (const value of bad) expect(rule.check(value).ok, JSON.stringify(value)).toBe(false);
}

describe("names", () => {
  it("dnsLabel: RFC 1123, at most 63", () =>
    accepts(
      rules.dnsLabel,
      ["a", "1abc", "a-b", "a".repeat(63)],
      ["", "A", "-a", "a-", "a_b", "a.b", "a".repeat(64), 1, null],
    ));
  it("serviceName: RFC 1035 (a letter first)", () =>
    accepts(rules.serviceName, ["web", "a1", "a-b"], ["1abc", "", "Web", "web-", "a".repeat(64)]));
  it("dnsSubdomain: dotted labels, at most 253", () =>
    accepts(
      rules.dnsSubdomain,
      ["fast-ssd", "gp3.csi.example.com", "a"],
      ["", "Fast", "a..b", ".a", "a.", `${"a".repeat(63)}.`.repeat(4) + "a", "a b"],
    ));
  it("portName: an IANA service name, as Kubernetes requires", () =>
    accepts(
      rules.portName,
      ["http", "h2c", "a", "tcp-8080", "1a", "a".repeat(15)],
      ["", "HTTP", "a--b", "-a", "a-", "8080", "a".repeat(16), "a_b", 80, null],
    ));
  it("capability: a Linux capability's name, without CAP_ and never ALL", () =>
    accepts(
      rules.capability,
      ["NET_BIND_SERVICE", "CHOWN", "CHECKPOINT_RESTORE"],
      ["CAP_CHOWN", "ALL", "net_admin", "NET_SUPERPOWERS", "", 1, null],
    ));
  it("port: 1 to 65535", () => accepts(rules.port, [1, 80, 65535], [0, 65536, 1.5, "80", -1, null]));
  it("registryUser", () =>
    accepts(rules.registryUser, ["ci", "a.b_c-d", "a".repeat(64)], ["", "a:b", "a b", "a".repeat(65), 1]));
  it("plainText: one printable line, trimmed, bounded", () =>
    accepts(
      rules.plainText("a context", 10),
      ["prod", "a b"],
      ["", " a", "a ", "a\nb", "a\u2028b", "a".repeat(11), 3],
    ));
});

describe("registry addresses", () => {
  it("registryHost: host[:port] Docker reads as a registry", () =>
    accepts(
      rules.registryHost,
      [
        "mirror.internal",
        "mirror.internal:5000",
        "localhost:5000",
        "localhost",
        "10.0.0.1:5000",
        "[::1]:5000",
        "registry:5000",
      ],
      [
        "registry",
        "Mirror.internal",
        "mirror.internal/path",
        "https://mirror.internal",
        "a@mirror.internal",
        "mirror.internal:0",
        "mirror.internal:65536",
        "-mirror.internal",
        "[zz]:5000",
        "",
      ],
    ));
  it("registryAddress: host[:port][/path]", () =>
    accepts(
      rules.registryAddress,
      ["registry.example.com", "registry.example.com:5000/team", "localhost/a/b", "127.0.0.1:5000"],
      [
        "registry",
        "registry.example.com/Team",
        "registry.example.com/",
        "http://registry.example.com",
        "u:p@registry.example.com",
        "registry.example.com:0",
        5,
      ],
    ));
  it("registryHostOf drops the path", () => {
    expect(rules.registryHostOf("r.example.com:5000/team/x")).toBe("r.example.com:5000");
    expect(rules.registryHostOf("r.example.com")).toBe("r.example.com");
  });
  it("isLoopbackHost: localhost, ::1 and 127.0.0.0/8 only", () => {
    const loopback = ["localhost", "127.0.0.1", "127.1.2.3", "127.10.100.1", "127.255.255.255", "[::1]", "::1"];
    for (const host of loopback) expect(rules.isLoopbackHost(host), host).toBe(true);
    const notLoopback = [
      "10.0.0.1",
      "128.0.0.1",
      "[::2]",
      "localhost.example.com",
      "x127.0.0.1",
      "127.0.0.1.example.com",
      "127.1.2",
      "127.0.0.1000",
    ];
    for (const host of notLoopback) expect(rules.isLoopbackHost(host), host).toBe(false);
  });
});

describe("libvirt URIs", () => {
  const uri = rules.libvirtUri();
  it("accepts QEMU, local or over ssh/libssh/tls, with the parameters dockyard supports", () =>
    accepts(
      uri,
      [
        "qemu:///system",
        "qemu:///session",
        "qemu+unix:///system",
        "qemu+ssh://ops@vm-host/system",
        "qemu+ssh://vm-host:2222/system?keyfile=/home/ops/.ssh/id_ed25519&known_hosts=/etc/ssh/known&sshauth=agent,privkey",
        "qemu+libssh2://ops@10.0.0.5/system?known_hosts_verify=normal",
        "qemu+tls://vm-host.example.internal/system?pkipath=/etc/pki/libvirt&mode=direct&proxy=native&no_tty=1",
      ],
      [
        "test:///default",
        "qemu+tcp://vm-host/system",
        "qemu+ext:///system",
        "xen:///system",
        "qemu+ssh:///system",
        "qemu://vm-host/system",
        "qemu+ssh://ops:pw@vm-host/system",
        "qemu+ssh://-oProxyCommand=x/system",
        "qemu+ssh://vm-host/other",
        "qemu+ssh://vm-host/system?command=x",
        "qemu+ssh://vm-host/system?no_verify=1",
        "qemu+ssh://vm-host/system?socket=/x",
        "qemu+ssh://vm-host/system?netcat=/x",
        "qemu+ssh://vm-host/system?keyfile=relative",
        "qemu+ssh://vm-host/system?keyfile=/a/../b",
        "qemu+ssh://vm-host/system?sshauth=password",
        "qemu+ssh://vm-host/system?known_hosts_verify=ignore",
        "qemu+ssh://vm-host/system?keyfile=/a&keyfile=/b",
        "qemu+ssh://vm-host/system?x=%zz",
        "qemu+ssh://vm-host/system ",
        "qemu+ssh://vm host/system",
        "qemu+ssh://o p@vm-host/system",
        "",
        7,
      ],
    ));
  it("accepts the fake test driver only where allowed (code under test, never a stack file)", () => {
    expect(rules.libvirtUri({ allowTestDriver: true }).check("test:///default").ok).toBe(true);
    expect(rules.libvirtUri({ allowTestDriver: true }).check("test:///other").ok).toBe(false);
  });
  it("its shape keeps driver, transport, path and parameter names, never host, user or port", () => {
    expect(rules.libvirtUriShape("qemu+ssh://ops@a.example/system?keyfile=/k&mode=direct")).toBe(
      "qemu+ssh://<host>/system?keyfile&mode",
    );
    expect(rules.libvirtUriShape("qemu+ssh://ops@vm-host:2222/system?sshauth=agent&keyfile=/k")).toBe(
      "qemu+ssh://<host>/system?keyfile&sshauth",
    );
    expect(rules.libvirtUriShape("qemu:///system")).toBe("qemu:///system");
    expect(rules.libvirtUriShape("test:///default")).toBe("test:///default");
    expect(rules.libvirtUriShape("not a uri")).toBe("not a uri");
  });
  it("never puts the password in its problem", () => {
    const verdict = uri.check("qemu+ssh://ops:sekret-pw@vm-host/system");
    expect(verdict.ok).toBe(false);
    expect(JSON.stringify(verdict)).not.toContain("sekret-pw");
  });
});

describe("Docker hosts", () => {
  it("unix, ssh (keys) and npipe; never plain tcp", () =>
    accepts(
      rules.dockerHost,
      [
        "unix:///var/run/docker.sock",
        "unix:///run/podman/podman.sock",
        "ssh://ops@build-host",
        "ssh://build-host:2222",
        "npipe:////./pipe/docker_engine",
      ],
      [
        "tcp://10.0.0.5:2375",
        "tcp://127.0.0.1:2376",
        "http://h",
        "unix://relative.sock",
        "unix:///var/run/../x.sock",
        "ssh://ops:pw@build-host",
        "ssh://-oProxyCommand=x",
        "ssh://build-host/path",
        "ssh://o p@build-host",
        "npipe://pipe",
        "",
        "unix:///var/run/docker.sock\n",
      ],
    ));
  it("its shape is the scheme, or the whole value without one", () => {
    expect(rules.dockerHostShape("ssh://ops@build-host")).toBe("ssh");
    expect(rules.dockerHostShape("unix:///var/run/docker.sock")).toBe("unix");
    expect(rules.dockerHostShape("xunix://h")).toBe("xunix");
    expect(rules.dockerHostShape("/var/run/docker.sock")).toBe("/var/run/docker.sock");
    expect(rules.dockerHostShape("1ssh://h")).toBe("1ssh://h");
  });
});

describe("SSH public keys", () => {
  it("one line, a known type, a blob of that type, a plain comment", () => {
    expect(rules.sshPublicKey.check(`  ${KEY}  `)).toEqual({ ok: true, value: KEY });
    expect(rules.sshPublicKey.check(KEY.split(" ").slice(0, 2).join(" ")).ok).toBe(true);
    for (const bad of [
      `${KEY}\nssh-ed25519 AAAA evil`,
      `${KEY}\u0085ssh-ed25519 AAAA evil`,
      `${KEY}\u2028x`,
      "ssh-dss AAAAB3NzaC1kc3MAAACBAP x",
      "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 x",
      "ssh-ed25519 !!!! x",
      "ssh-ed25519",
      "",
      42,
    ]) {
      expect(rules.sshPublicKey.check(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("basic rules", () => {
  it("integerIn", () => accepts(rules.integerIn(1, 3), [1, 2, 3], [0, 4, 1.5, "2", null, NaN]));
  it("boolean", () => accepts(rules.boolean, [true, false], ["true", 0, 1, null]));
  it("oneOf", () => {
    accepts(rules.oneOf(["a", "b", "c"] as const), ["a", "c"], ["d", "A", 1]);
    expect(rules.oneOf(["a", "b"] as const).expects).toBe('"a" or "b"');
    expect(rules.oneOf(["a", "b", "c"] as const).expects).toBe('one of "a", "b", "c"');
  });
  it("imageReference", () =>
    accepts(
      rules.imageReference,
      ["web", "registry.example.com/web:1.2", `r.example.com/web@sha256:${"a".repeat(64)}`],
      ["Web", "web:", "web@sha256:abc", " web", ""],
    ));
});
