// Translators: the three NoCloud documents of a cloud-init seed (user-data, meta-data,
// network-config). Hardened by construction: no root login, no SSH passwords, no password
// at all for the admin user (key-only, passwordless sudo).
// @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
import { stringify } from "yaml";
import { ComponentArgError, describeValue } from "../errors";
import { sshPublicKey } from "../rules";
import { checkArray, checkMacAddress, checkText } from "./validate";

/** POSIX portable user names. */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Debian/RPM package names, optionally pinned (`nginx=1.22*`). */
const PACKAGE = /^[a-z0-9][a-z0-9+.:~_-]*(=[A-Za-z0-9+.:~_*-]+)?$/;
/** RFC 1123 host name label. */
const HOSTNAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

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
  const hostname = checkHostname(owner, "hostname", spec.hostname);
  const user = checkText(owner, "adminUser", spec.adminUser);
  if (!USER_NAME.test(user) || user === "root") {
    throw new ComponentArgError(
      owner,
      "adminUser",
      `must be a lower-case POSIX user name other than "root", got ${describeValue(user)}`,
    );
  }
  const keys = checkArray(owner, "sshAuthorizedKeys", spec.sshAuthorizedKeys).map((key, i) => {
    const verdict = sshPublicKey.check(key);
    if (!verdict.ok)
      throw new ComponentArgError(owner, `sshAuthorizedKeys[${i}]`, `${verdict.problem}, got ${describeValue(key)}`);
    return verdict.value;
  });
  if (keys.length === 0) {
    throw new ComponentArgError(
      owner,
      "sshAuthorizedKeys",
      "must list at least one OpenSSH public key: password login is disabled, so without a key nobody can log in",
    );
  }
  const packages = checkArray(owner, "packages", spec.packages).map((pkg, i) => {
    if (typeof pkg !== "string" || !PACKAGE.test(pkg)) {
      throw new ComponentArgError(
        owner,
        `packages[${i}]`,
        `must be a package name such as "nginx" or "nginx=1.22*", got ${describeValue(pkg)}`,
      );
    }
    return pkg;
  });
  const commands = checkArray(owner, "runCommands", spec.runCommands).map((cmd, i) =>
    checkText(owner, `runCommands[${i}]`, cmd),
  );
  if (typeof spec.upgradePackages !== "boolean") {
    throw new ComponentArgError(
      owner,
      "upgradePackages",
      `must be true or false, got ${describeValue(spec.upgradePackages)}`,
    );
  }
  const document = {
    hostname,
    manage_etc_hosts: true,
    // Only this user: omitting "default" keeps the image's stock user (debian, ubuntu…) out.
    users: [
      {
        name: user,
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: keys,
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
    package_update: packages.length > 0 || spec.upgradePackages,
    package_upgrade: spec.upgradePackages,
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
  const instanceId = checkText(owner, "instanceId", spec.instanceId);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(instanceId)) {
    throw new ComponentArgError(
      owner,
      "instanceId",
      `must be letters, digits, '.', '_' or '-' (at most 128), got ${describeValue(instanceId)}`,
    );
  }
  return stringify(
    { "instance-id": instanceId, "local-hostname": checkHostname(owner, "hostname", spec.hostname) },
    YAML_OPTIONS,
  );
}

/** How the guest's first NIC is configured: the input of {@link networkConfig}. */
export interface NetworkConfigSpec {
  /** Match the NIC by MAC address; when omitted, any `e*` interface (eth0, ens3, enp1s0…). */
  readonly macAddress?: string;
}

/** Renders network-config version 2: DHCPv4 on the primary NIC. */
export function networkConfig(spec: NetworkConfigSpec, owner = "cloud-init"): string {
  const match =
    spec.macAddress === undefined
      ? { name: "e*" }
      : { macaddress: checkMacAddress(owner, "macAddress", spec.macAddress) };
  return stringify({ version: 2, ethernets: { primary: { match, dhcp4: true } } }, YAML_OPTIONS);
}

function checkHostname(owner: string, argument: string, value: unknown): string {
  if (typeof value !== "string" || !HOSTNAME.test(value)) {
    throw new ComponentArgError(
      owner,
      argument,
      `must be a host name of 1 to 63 lower-case letters, digits or inner '-', got ${describeValue(value)}`,
    );
  }
  return value;
}
