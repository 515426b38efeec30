import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_URI } from "./libvirt/defaults";
import { Domain } from "./libvirt/domain";
import { defaultSerialLogPath } from "./libvirt/domain-xml";
import { Network } from "./libvirt/network";
import { CloudInitSeed } from "./libvirt/seed";
import { Volume } from "./libvirt/volume";
import { resolveVirtualMachine } from "./virtual-machine/resolve";

/** Arguments of {@link VirtualMachine}. Give exactly one of `baseImagePath` and `baseVolume`. */
export interface VirtualMachineArgs {
  /** libvirt connection URI, local or remote (`qemu+ssh://admin@host/system`). @default "qemu:///system" */
  readonly libvirtUri?: pulumi.Input<string>;
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
  /** The domain itself (to depend on it, or read its state). */
  declare public readonly domain: Domain;
  /** The root disk, a copy-on-write overlay of the base image. */
  declare public readonly rootVolume: Volume;
  /** The cloud-init seed ISO. */
  declare public readonly seed: CloudInitSeed;

  constructor(name: string, args: VirtualMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:compute:VirtualMachine", name, {}, opts);
    const vm = resolveVirtualMachine(name, args);
    const uri = args.libvirtUri ?? DEFAULT_URI;
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

    this.domain = domain;
    this.rootVolume = root;
    this.seed = seed;
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
