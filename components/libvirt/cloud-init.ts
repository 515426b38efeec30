// Translators: the three NoCloud documents of a cloud-init seed (user-data, meta-data,
// network-config). Hardened by construction: no root login, no SSH passwords, no password
// at all for the admin user (key-only, passwordless sudo).
// @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
import { stringify } from "yaml";
import { allDefined, type ArgPath, checked } from "../args";
import { accept, boolean, list, refuse, rule, type Rule, sshPublicKey } from "../rules";
import { macAddress, text } from "./validate";

const LIST = list();

/** A pattern's rule, `expects` in its words. */
function matching(pattern: RegExp, expects: string): Rule<string> {
  return rule(expects, (value) =>
    typeof value === "string" && pattern.test(value) ? accept(value) : refuse(`must be ${expects}`),
  );
}

/** Text (see {@link text}) that also matches `pattern`. */
function textMatching(pattern: RegExp, expects: string): Rule<string> {
  const shape = matching(pattern, expects);
  return rule(expects, (value) => {
    const verdict = text.check(value);
    return verdict.ok ? shape.check(value) : verdict;
  });
}

/** Debian/RPM package names, optionally pinned (`nginx=1.22*`). */
const packageName = matching(
  /^[a-z0-9][a-z0-9+.:~_-]*(=[A-Za-z0-9+.:~_*-]+)?$/,
  `a package name such as "nginx" or "nginx=1.22*"`,
);
/** RFC 1123 host name label. */
const hostname = matching(
  /^(?!-)[a-z0-9-]{1,63}(?<!-)$/,
  "a host name of 1 to 63 lower-case letters, digits or inner '-'",
);
/** POSIX portable user names, root excepted. */
const adminUser = textMatching(/^(?!root$)[a-z_][a-z0-9_-]{0,31}$/, `a lower-case POSIX user name other than "root"`);
const instanceId = textMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "letters, digits, '.', '_' or '-' (at most 128)");

/**
 * cloud-init reads YAML 1.1 (PyYAML), where an unquoted 52:54:00:12:34:56 is a base-60
 * integer and `yes`/`on` are booleans: render as 1.1 so such strings come out quoted.
 */
// lineWidth 0: never fold long values (SSH keys) across lines; readers grep for them.
const YAML_OPTIONS = { version: "1.1", lineWidth: 0 } as const;

/** Sshd settings written as a drop-in, so they hold whatever the image's defaults are. */
export const SSHD_HARDENING = [
  "PermitRootLogin no",
  "PasswordAuthentication no",
  "KbdInteractiveAuthentication no",
  "PermitEmptyPasswords no",
];

/** What the guest is configured with at first boot: the input of {@link userData}. */
export interface UserDataSpec {
  /** Guest host name (RFC 1123 label). */
  readonly hostname: string;
  /** Non-root administrator: SSH keys only, passwordless sudo. Not `root`. */
  readonly adminUser: string;
  /** OpenSSH public keys of the administrator (at least one). */
  readonly sshAuthorizedKeys: readonly string[];
  /** Packages to install at first boot. */
  readonly packages: readonly string[];
  /** Shell commands run once, in order, at the end of first boot. */
  readonly runCommands: readonly string[];
  /** Upgrade all packages at first boot. */
  readonly upgradePackages: boolean;
}

/** Renders `#cloud-config` user-data after validating every field. */
export function userData(spec: UserDataSpec, owner = "cloud-init"): string {
  return checked(owner, (at) => checkedUserData(at, spec));
}

/** {@link userData}, reporting its problems at `at`: undefined when there is any. */
export function checkedUserData(at: ArgPath, spec: UserDataSpec): string | undefined {
  const host = at.field("hostname").check(hostname, spec.hostname);
  const user = at.field("adminUser").check(adminUser, spec.adminUser);
  const keysAt = at.field("sshAuthorizedKeys");
  const keys = keysAt.each(LIST, spec.sshAuthorizedKeys, (here, key) => here.check(sshPublicKey, key));
  const checkedSpec = allDefined({
    host,
    user,
    keys:
      keys?.length === 0
        ? keysAt.report(
            "must list at least one OpenSSH public key: password login is disabled, so without a key nobody can log in",
          )
        : keys,
    packages: at.field("packages").each(LIST, spec.packages, (here, pkg) => here.check(packageName, pkg)),
    commands: at.field("runCommands").each(LIST, spec.runCommands, (here, cmd) => here.check(text, cmd)),
    upgradePackages: at.field("upgradePackages").check(boolean, spec.upgradePackages),
  });
  if (checkedSpec === undefined) return undefined;
  const { packages, commands, upgradePackages } = checkedSpec;
  const document = {
    hostname: checkedSpec.host,
    manage_etc_hosts: true,
    // Only this user: omitting "default" keeps the image's stock user (debian, ubuntu…) out.
    users: [
      {
        name: checkedSpec.user,
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: checkedSpec.keys,
      },
    ],
    disable_root: true,
    ssh_pwauth: false,
    ssh_deletekeys: true,
    write_files: [
      {
        path: "/etc/ssh/sshd_config.d/10-dockyard.conf",
        owner: "root:root",
        permissions: "0644",
        content: SSHD_HARDENING.join("\n") + "\n",
      },
    ],
    package_update: packages.length > 0 || upgradePackages,
    package_upgrade: upgradePackages,
    ...(packages.length > 0 ? { packages } : {}),
    ...(commands.length > 0 ? { runcmd: commands } : {}),
  };
  return "#cloud-config\n" + stringify(document, YAML_OPTIONS);
}

/** Identity of the instance: the input of {@link metaData}. */
export interface MetaDataSpec {
  /** Changing it makes cloud-init run its once-per-instance steps again at next boot. */
  readonly instanceId: string;
  /** Guest host name (RFC 1123 label). */
  readonly hostname: string;
}

/** Renders NoCloud meta-data. */
export function metaData(spec: MetaDataSpec, owner = "cloud-init"): string {
  return checked(owner, (at) => {
    const meta = allDefined({
      "instance-id": at.field("instanceId").check(instanceId, spec.instanceId),
      "local-hostname": at.field("hostname").check(hostname, spec.hostname),
    });
    return meta && stringify(meta, YAML_OPTIONS);
  });
}

/** How the guest's first NIC is configured: the input of {@link networkConfig}. */
export interface NetworkConfigSpec {
  /** Match the NIC by MAC address; when omitted, any `e*` interface (eth0, ens3, enp1s0…). */
  readonly macAddress?: string;
}

/** Renders network-config version 2: DHCPv4 on the primary NIC. */
export function networkConfig(spec: NetworkConfigSpec, owner = "cloud-init"): string {
  return checked(owner, (at) => {
    const mac = at.field("macAddress").optional(macAddress, spec.macAddress, undefined);
    if (spec.macAddress !== undefined && mac === undefined) return undefined;
    const match = mac === undefined ? { name: "e*" } : { macaddress: mac };
    return stringify({ version: 2, ethernets: { primary: { match, dhcp4: true } } }, YAML_OPTIONS);
  });
}
