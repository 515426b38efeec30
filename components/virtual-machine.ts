import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { ArgProblems, argsOf } from "./args";
import { ComponentArgError, describeValue } from "./errors";
import { VM_DEFAULTS } from "./defaults";
import * as rules from "./rules";
import { metaData, networkConfig, userData } from "./libvirt/cloud-init";
import { DEFAULT_URI } from "./libvirt/defaults";
import { Domain } from "./libvirt/domain";
import { DOMAIN_LIMITS, DOMAIN_TYPES, defaultSerialLogPath } from "./libvirt/domain-xml";
import { macAddressFor } from "./libvirt/mac";
import { Network } from "./libvirt/network";
import { CloudInitSeed } from "./libvirt/seed";
import { checkBoolean, checkInteger, checkMacAddress, checkName, checkOneOf } from "./libvirt/validate";
import { Volume } from "./libvirt/volume";

/** Arguments of {@link VirtualMachine}. Give exactly one of `baseImagePath` and `baseVolume`. */
export interface VirtualMachineArgs {
  /** libvirt connection URI, local or remote (`qemu+ssh://admin@host/system`). @default "qemu:///system" */
  readonly uri?: pulumi.Input<string>;
  /** Domain name on the host; also prefixes the VM's volumes. @default the component name */
  readonly domainName?: string;
  /** Guest host name (RFC 1123 label). @default the domain name, lower-cased, with '.' and '_' as '-' */
  readonly hostname?: string;
  /**
   * Cloud image file (qcow2 or raw, e.g. Debian's genericcloud) on the machine running Pulumi,
   * uploaded as volume `<domainName>-base`. @default none: give `baseVolume` instead
   */
  readonly baseImagePath?: pulumi.Input<string>;
  /** Existing volume in `pool` to overlay, e.g. one base {@link Volume} shared by many VMs. @default none */
  readonly baseVolume?: pulumi.Input<string>;
  /** Storage pool for the VM's volumes: an existing pool or a `StoragePool`'s `name`. @default "default" */
  readonly pool?: pulumi.Input<string>;
  /** Root disk size in GiB: a qcow2 overlay, so only written blocks use space. @default 20 */
  readonly diskSizeGiB?: number;
  /** Virtual CPUs; a change is applied in place at the next cold boot. @default 1 */
  readonly vcpus?: number;
  /** Memory in MiB; a change is applied in place at the next cold boot. @default 1024 */
  readonly memoryMiB?: number;
  /** OpenSSH public keys for `adminUser` (at least one: password login is disabled). */
  readonly sshAuthorizedKeys: readonly string[];
  /** Non-root administrator created by cloud-init, with passwordless sudo and no password. @default "admin" */
  readonly adminUser?: string;
  /** Packages installed at first boot. @default [] */
  readonly packages?: readonly string[];
  /** Shell commands run once at the end of first boot (stored in state and the seed: no secrets). @default [] */
  readonly runCommands?: readonly string[];
  /** Upgrade all packages at first boot. @default true */
  readonly upgradePackages?: boolean;
  /** Network to attach: an existing libvirt network's name, or a {@link Network}. @default "default" */
  readonly network?: pulumi.Input<string> | Network;
  /** MAC address of the VM's NIC. @default derived from project, stack and domain name (stable) */
  readonly macAddress?: string;
  /** Start the VM whenever libvirtd starts. @default true */
  readonly autostart?: boolean;
  /** `qemu` (emulation, runs anywhere) or `kvm` (needs /dev/kvm on the host). @default "qemu" */
  readonly domainType?: "qemu" | "kvm";
  /** Seconds `pulumi up` waits for the VM's DHCP address (0: `pulumi refresh` reports it later). @default 0 */
  readonly waitForAddressSeconds?: number;
}

/**
 * A virtual machine on libvirt: a copy-on-write root disk over a cloud image, a cloud-init seed
 * (non-root admin with SSH keys, no passwords, no root login) and a headless QEMU domain whose
 * serial console is logged on the host. @see docs/guides/virtual-machines.md
 */
export class VirtualMachine extends pulumi.ComponentResource {
  /** Domain name on the libvirt host. */
  declare public readonly domainName: pulumi.Output<string>;
  /** MAC address of the VM's NIC. */
  declare public readonly macAddress: pulumi.Output<string>;
  /** IPv4 address from the network's DHCP lease; undefined until known (see `waitForAddressSeconds`). */
  declare public readonly ipAddress: pulumi.Output<string | undefined>;
  /** Host file receiving the VM's serial console. */
  declare public readonly serialLogPath: pulumi.Output<string>;

  constructor(name: string, args: VirtualMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:compute:VirtualMachine", name, {}, opts);
    const vm = resolveVirtualMachine(name, args);
    const uri = args.uri ?? DEFAULT_URI;
    const pool = args.pool ?? "default";
    const network = args.network instanceof Network ? args.network.name : (args.network ?? "default");

    const base =
      args.baseImagePath === undefined
        ? undefined
        : new Volume(
            `${name}-base`,
            { uri, pool, name: `${vm.domainName}-base`, sourcePath: args.baseImagePath },
            { parent: this },
          );
    const root = new Volume(
      `${name}-root`,
      {
        uri,
        pool,
        name: `${vm.domainName}-root.qcow2`,
        baseVolume: base ? base.name : args.baseVolume,
        sizeGiB: vm.diskSizeGiB,
      },
      { parent: this },
    );
    const seed = new CloudInitSeed(
      `${name}-seed`,
      {
        uri,
        pool,
        name: `${vm.domainName}-seed.iso`,
        userData: vm.userData,
        metaData: vm.metaData,
        networkConfig: vm.networkConfig,
      },
      { parent: this },
    );
    const domain = new Domain(
      name,
      {
        uri,
        name: vm.domainName,
        domainType: vm.domainType,
        vcpus: vm.vcpus,
        memoryMiB: vm.memoryMiB,
        disks: [{ pool, volume: root.name, format: "qcow2", bus: "virtio" }],
        seed: { pool, volume: seed.name },
        interfaces: [{ network, macAddress: vm.macAddress }],
        serialLogPath: defaultSerialLogPath(vm.domainName),
        autostart: vm.autostart,
        waitForAddressSeconds: vm.waitForAddressSeconds,
      },
      { parent: this },
    );

    this.domainName = domain.name;
    this.macAddress = pulumi.output(vm.macAddress);
    this.ipAddress = domain.ipAddress;
    this.serialLogPath = domain.serialLogPath;
    this.registerOutputs({
      domainName: this.domainName,
      macAddress: this.macAddress,
      ipAddress: this.ipAddress,
      serialLogPath: this.serialLogPath,
    });
  }
}

/** A {@link VirtualMachine}'s arguments with defaults applied, checked, and its cloud-init rendered. */
export interface ResolvedVirtualMachine {
  readonly domainName: string;
  readonly domainType: (typeof DOMAIN_TYPES)[number];
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskSizeGiB: number;
  readonly macAddress: string;
  readonly autostart: boolean;
  readonly waitForAddressSeconds: number;
  readonly userData: string;
  readonly metaData: string;
  readonly networkConfig: string;
}

/** Applies defaults to a {@link VirtualMachine}'s arguments, checks them and renders cloud-init (pure); every problem at once. */
export function resolveVirtualMachine(name: string, args: VirtualMachineArgs): ResolvedVirtualMachine {
  const owner = `VirtualMachine "${name}"`;
  const problems = new ArgProblems();
  if ((args.baseImagePath === undefined) === (args.baseVolume === undefined)) {
    problems.check(() => {
      throw new ComponentArgError(
        owner,
        "baseImagePath",
        `or baseVolume must be given (exactly one), got ${describeValue({ baseImagePath: args.baseImagePath, baseVolume: args.baseVolume })}`,
      );
    });
  }
  // The fake "test" driver is refused in stack files (infra/config-schema.ts) but allowed here, for code under test.
  if (typeof args.uri === "string")
    problems.check(() =>
      argsOf("VirtualMachine", name)
        .field("uri")
        .check(rules.libvirtUri({ allowTestDriver: true }), args.uri),
    );
  const domainName = problems.check(() => checkName(owner, "domainName", args.domainName ?? name));
  const hostname =
    domainName === undefined ? undefined : (args.hostname ?? domainName.toLowerCase().replace(/[._]/g, "-"));
  const macAddress =
    domainName === undefined
      ? undefined
      : problems.check(() =>
          checkMacAddress(
            owner,
            "macAddress",
            args.macAddress ?? macAddressFor(`${pulumi.getProject()}/${pulumi.getStack()}/${domainName}`),
          ),
        );
  const user =
    hostname === undefined
      ? undefined
      : problems.check(() =>
          userData(
            {
              hostname,
              adminUser: args.adminUser ?? "admin",
              sshAuthorizedKeys: args.sshAuthorizedKeys,
              packages: args.packages ?? [],
              runCommands: args.runCommands ?? [],
              upgradePackages: args.upgradePackages ?? true,
            },
            owner,
          ),
        );
  const sizes = {
    domainType: problems.check(() => checkOneOf(owner, "domainType", args.domainType ?? "qemu", DOMAIN_TYPES)),
    vcpus: problems.check(() =>
      checkInteger(owner, "vcpus", args.vcpus ?? VM_DEFAULTS.vcpus, DOMAIN_LIMITS.vcpus.min, DOMAIN_LIMITS.vcpus.max),
    ),
    memoryMiB: problems.check(() =>
      checkInteger(
        owner,
        "memoryMiB",
        args.memoryMiB ?? VM_DEFAULTS.memoryMiB,
        DOMAIN_LIMITS.memoryMiB.min,
        DOMAIN_LIMITS.memoryMiB.max,
      ),
    ),
    diskSizeGiB: problems.check(() =>
      checkInteger(owner, "diskSizeGiB", args.diskSizeGiB ?? VM_DEFAULTS.diskSizeGiB, 1, 65536),
    ),
    autostart: problems.check(() => checkBoolean(owner, "autostart", args.autostart ?? true)),
    waitForAddressSeconds: problems.check(() =>
      checkInteger(owner, "waitForAddressSeconds", args.waitForAddressSeconds ?? 0, 0, 3600),
    ),
  };
  problems.throwIfAny();
  // A new instance-id whenever user-data changes makes cloud-init apply it at the next boot.
  const instanceId = `${domainName!}-${createHash("sha256").update(user!).digest("hex").slice(0, 12)}`;
  return {
    domainName: domainName!,
    domainType: sizes.domainType!,
    vcpus: sizes.vcpus!,
    memoryMiB: sizes.memoryMiB!,
    diskSizeGiB: sizes.diskSizeGiB!,
    macAddress: macAddress!,
    autostart: sizes.autostart!,
    waitForAddressSeconds: sizes.waitForAddressSeconds!,
    userData: user!,
    metaData: metaData({ instanceId, hostname: hostname! }, owner),
    networkConfig: networkConfig({ macAddress: macAddress! }, owner),
  };
}
