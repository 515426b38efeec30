import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ComponentArgError } from "../../components/errors";
import {
  metaData,
  networkConfig,
  SSHD_HARDENING,
  userData,
  type UserDataSpec,
} from "../../components/libvirt/cloud-init";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3QyR1OSD0FSu8Ic6VFl3HzcOvo0VFFtyUSYJBLz8W alice@laptop";
const RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob";
const base: UserDataSpec = {
  hostname: "web",
  adminUser: "admin",
  sshAuthorizedKeys: [KEY],
  packages: [],
  runCommands: [],
  upgradePackages: true,
};

/** cloud-init parses with PyYAML, i.e. YAML 1.1: parse the same way. */
function load(text: string): Record<string, unknown> {
  return parse(text, { version: "1.1" }) as Record<string, unknown>;
}

describe("userData", () => {
  it("defaults: key-only admin with sudo, no root login, no SSH passwords, no password at all", () => {
    const text = userData(base);
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = load(text);
    expect(doc).toMatchObject({
      hostname: "web",
      disable_root: true,
      ssh_pwauth: false,
      package_update: true,
      package_upgrade: true,
    });
    expect(doc.users).toEqual([
      {
        name: "admin",
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [KEY],
      },
    ]);
    const dropIn = (doc.write_files as { path: string; content: string; permissions: string }[])[0];
    expect(dropIn.path).toBe("/etc/ssh/sshd_config.d/10-dockyard.conf");
    expect(dropIn.permissions).toBe("0644");
    expect(dropIn.content.split("\n")).toEqual(
      expect.arrayContaining(["PasswordAuthentication no", "PermitRootLogin no", "KbdInteractiveAuthentication no"]),
    );
    expect(doc).not.toHaveProperty("packages");
    expect(doc).not.toHaveProperty("runcmd");
  });

  it("never carries a password in any form", () => {
    const text = userData({ ...base, packages: ["nginx"], runCommands: ["systemctl enable --now nginx"] });
    expect(text).not.toMatch(/^\s*(password|passwd|plain_text_passwd|hashed_passwd|chpasswd)\s*:/m);
    const users = load(text).users as Record<string, unknown>[];
    for (const user of users) expect(Object.keys(user).filter((k) => /pass/.test(k))).toEqual(["lock_passwd"]);
  });

  it("custom: user, keys, packages and commands reach the document", () => {
    const doc = load(
      userData({
        hostname: "db-1",
        adminUser: "ops",
        sshAuthorizedKeys: [KEY, `  ${RSA}  `],
        packages: ["postgresql", "nginx=1.22*", "yes"],
        runCommands: ["echo 'a: b' > /etc/motd", "on"],
        upgradePackages: false,
      }),
    );
    expect(doc.hostname).toBe("db-1");
    expect((doc.users as { name: string; ssh_authorized_keys: string[] }[])[0]).toMatchObject({
      name: "ops",
      ssh_authorized_keys: [KEY, RSA],
    });
    // YAML 1.1 would read unquoted yes/on as booleans: they must stay strings.
    expect(doc.packages).toEqual(["postgresql", "nginx=1.22*", "yes"]);
    expect(doc.runcmd).toEqual(["echo 'a: b' > /etc/motd", "on"]);
    expect(doc).toMatchObject({ package_update: true, package_upgrade: false });
  });

  it("skips the package refresh when nothing is installed or upgraded", () => {
    expect(load(userData({ ...base, upgradePackages: false }))).toMatchObject({
      package_update: false,
      package_upgrade: false,
    });
  });

  it("writes exactly the exported sshd hardening as a drop-in", () => {
    const files = load(userData(base)).write_files as { content: string }[];
    expect(files.map((f) => f.content)).toEqual([SSHD_HARDENING.join("\n") + "\n"]);
  });

  it.each([
    [{ adminUser: "root" }, /adminUser must be a lower-case POSIX user name other than "root"/],
    [{ adminUser: "Admin" }, /adminUser must be a lower-case POSIX user name/],
    [{ adminUser: "" }, /adminUser must be a non-empty string/],
    [{ sshAuthorizedKeys: [] }, /sshAuthorizedKeys must list at least one OpenSSH public key/],
    [{ sshAuthorizedKeys: ["hunter2"] }, /sshAuthorizedKeys\[0\] must be an OpenSSH public key/],
    [
      { sshAuthorizedKeys: [KEY, "-----BEGIN OPENSSH PRIVATE KEY-----"] },
      /sshAuthorizedKeys\[1\] has key type "-----BEGIN"/,
    ],
    [
      { sshAuthorizedKeys: [`${KEY}\u0085ssh-rsa AAAA injected`] },
      /sshAuthorizedKeys\[0\] must be one line without control characters or Unicode line breaks/,
    ],
    [
      { sshAuthorizedKeys: ["ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 alice"] },
      /sshAuthorizedKeys\[0\] has a key blob that does not decode to a ssh-ed25519 key/,
    ],
    [{ sshAuthorizedKeys: [`${KEY}\nssh-rsa AAAA injected`] }, /sshAuthorizedKeys\[0\]/],
    [{ sshAuthorizedKeys: KEY }, /sshAuthorizedKeys must be a list/],
    [{ packages: ["nginx; rm -rf /"] }, /packages\[0\] must be a package name/],
    [{ packages: ["Nginx"] }, /packages\[0\] must be a package name/],
    [{ runCommands: [""] }, /runCommands\[0\] must be a non-empty string/],
    [{ runCommands: [["echo", "argv"]] }, /runCommands\[0\] must be a non-empty string/],
    [{ hostname: "web_1" }, /hostname must be a host name of 1 to 63/],
    [{ hostname: "-web" }, /hostname must be a host name/],
    [{ upgradePackages: "yes" }, /upgradePackages must be true or false/],
  ])("rejects %j", (change, message) => {
    const spec = { ...base, ...change } as UserDataSpec;
    expect(() => userData(spec, 'VirtualMachine "web"')).toThrow(ComponentArgError);
    expect(() => userData(spec, 'VirtualMachine "web"')).toThrow(message);
  });
});

describe("metaData", () => {
  it("carries the instance id and host name", () => {
    expect(load(metaData({ instanceId: "web-0123abcd", hostname: "web" }))).toEqual({
      "instance-id": "web-0123abcd",
      "local-hostname": "web",
    });
  });
  it.each([
    [{ instanceId: "", hostname: "web" }, /instanceId must be a non-empty string/],
    [{ instanceId: "a b", hostname: "web" }, /instanceId must be letters, digits/],
    [{ instanceId: "i-1", hostname: "Web" }, /hostname must be a host name/],
  ])("rejects %j", (spec, message) => {
    expect(() => metaData(spec)).toThrow(message);
  });
});

describe("networkConfig", () => {
  it("defaults: DHCPv4 on the first ethernet-like NIC", () => {
    expect(load(networkConfig({}))).toEqual({
      version: 2,
      ethernets: { primary: { match: { name: "e*" }, dhcp4: true } },
    });
  });
  it("matches by MAC, quoted so YAML 1.1 does not read it as a base-60 number", () => {
    const text = networkConfig({ macAddress: "52:54:00:12:34:56" });
    expect(text).toContain('macaddress: "52:54:00:12:34:56"');
    expect(load(text)).toEqual({
      version: 2,
      ethernets: { primary: { match: { macaddress: "52:54:00:12:34:56" }, dhcp4: true } },
    });
  });
  it("rejects a malformed MAC", () => {
    expect(() => networkConfig({ macAddress: "52:54:00:12:34" }, 'VirtualMachine "web"')).toThrow(
      /^VirtualMachine "web": macAddress must be a unicast MAC/,
    );
  });
});
