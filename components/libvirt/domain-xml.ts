// Translator: a QEMU domain (virtual machine) with virtio disks, a cloud-init seed CD-ROM,
// network interfaces, a serial console logged to a file and no graphical console.
// @see https://libvirt.org/formatdomain.html
import { allDefined, type ArgPath, checked } from "../args";
import { describeValue } from "../errors";
import * as rules from "../rules";
import { DEFAULT_SERIAL_LOG_DIR } from "./defaults";
import { absolutePath, choice, macAddress, objectName, volumeName } from "./validate";
import { VOLUME_FORMATS, type VolumeFormat } from "./volume-xml";
import { attrs, element } from "./xml";
import { LIMITS } from "../defaults";

/** Hypervisor types: `qemu` emulates (works anywhere), `kvm` needs /dev/kvm on the host. */
export const DOMAIN_TYPES = ["qemu", "kvm"] as const;
/** Buses a data disk may sit on. */
export const DISK_BUSES = ["virtio", "sata", "scsi"] as const;
/** Emulated network card models. */
export const NIC_MODELS = ["virtio", "e1000e"] as const;
/** Guest CPU models beyond the hypervisor default (only meaningful with `kvm`). */
export const CPU_MODES = ["host-passthrough", "host-model"] as const;

const LIST = rules.list();

/** Limits checked on every domain. */
export const DOMAIN_LIMITS = {
  vcpus: LIMITS.vm.vcpus,
  memoryMiB: LIMITS.vm.memoryMiB,
  disks: 20,
} as const;

/** A disk: a volume in a pool, attached read-write unless `readOnly`. */
export interface DomainDiskSpec {
  readonly pool: string;
  readonly volume: string;
  /** @default "qcow2" */
  readonly format?: VolumeFormat;
  /** @default "virtio" */
  readonly bus?: (typeof DISK_BUSES)[number];
}

/** A network interface attached to a libvirt network. */
export interface DomainInterfaceSpec {
  readonly network: string;
  /** @default assigned by libvirt */
  readonly macAddress?: string;
  /** @default "virtio" */
  readonly model?: (typeof NIC_MODELS)[number];
}

/** Direct kernel boot: files on the libvirt host. */
export interface DomainKernelSpec {
  readonly kernel: string;
  readonly initrd?: string;
  readonly cmdline?: string;
}

/** What a domain is: the input of {@link domainXml}. */
export interface DomainSpec {
  readonly name: string;
  readonly domainType: (typeof DOMAIN_TYPES)[number];
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly disks: readonly DomainDiskSpec[];
  /** ISO volume attached read-only as a SATA CD-ROM (the cloud-init seed). */
  readonly seed?: { readonly pool: string; readonly volume: string };
  readonly interfaces: readonly DomainInterfaceSpec[];
  /** File on the host receiving the serial console; truncated at each start. */
  readonly serialLogPath: string;
  readonly kernel?: DomainKernelSpec;
  readonly cpuMode?: (typeof CPU_MODES)[number];
}

/** The serial log path used when none is given: beside libvirt's own QEMU logs. */
export function defaultSerialLogPath(name: string): string {
  return `${DEFAULT_SERIAL_LOG_DIR}/${name}-serial.log`;
}

/** Renders a domain's XML after validating every field. */
export function domainXml(spec: DomainSpec, owner = `Domain "${spec.name}"`): string {
  return checked(owner, (at) => checkedDomainXml(at, spec));
}

/** {@link domainXml}, reporting its problems at `at`: undefined when there is any. */
export function checkedDomainXml(at: ArgPath, spec: DomainSpec): string | undefined {
  const { vcpus, memoryMiB } = DOMAIN_LIMITS;
  const cpuMode = at.field("cpuMode").optional(choice(CPU_MODES), spec.cpuMode, undefined);
  const disksAt = at.field("disks");
  if (Array.isArray(spec.disks) && spec.disks.length > DOMAIN_LIMITS.disks)
    disksAt.report(`must list at most ${DOMAIN_LIMITS.disks} disks, got ${spec.disks.length}`);
  const targets: TargetCounters = { vd: 0, sd: 0 };
  const domain = allDefined({
    name: at.field("name").check(objectName, spec.name),
    type: at.field("domainType").check(choice(DOMAIN_TYPES), spec.domainType),
    vcpus: at.field("vcpus").check(rules.integerIn(vcpus.min, vcpus.max), spec.vcpus),
    memory: at.field("memoryMiB").check(rules.integerIn(memoryMiB.min, memoryMiB.max), spec.memoryMiB),
    serialLog: at.field("serialLogPath").check(absolutePath, spec.serialLogPath),
    os: osBlock(at.field("kernel"), spec.kernel),
    disks: disksAt.each(LIST, spec.disks, (here, disk) => diskBlock(here, disk as DomainDiskSpec, targets)),
    seed: spec.seed ? seedBlock(at.field("seed"), spec.seed, targets) : [],
    interfaces: at
      .field("interfaces")
      .each(LIST, spec.interfaces, (here, nic) => interfaceBlock(here, nic as DomainInterfaceSpec)),
  });
  if (domain === undefined) return undefined;
  return [
    `<domain${attrs({ type: domain.type })}>`,
    `  ${element("name", domain.name)}`,
    `  <memory unit='MiB'>${domain.memory}</memory>`,
    `  <vcpu placement='static'>${domain.vcpus}</vcpu>`,
    ...domain.os,
    "  <features>",
    "    <acpi/>",
    "    <apic/>",
    "  </features>",
    ...(cpuMode ? [`  <cpu${attrs({ mode: cpuMode })}/>`] : []),
    "  <clock offset='utc'/>",
    "  <on_poweroff>destroy</on_poweroff>",
    "  <on_reboot>restart</on_reboot>",
    "  <on_crash>destroy</on_crash>",
    "  <devices>",
    ...domain.disks.flat(),
    ...domain.seed,
    ...domain.interfaces.flat(),
    "    <serial type='pty'>",
    `      <log${attrs({ file: domain.serialLog, append: "off" })}/>`,
    "      <target port='0'/>",
    "    </serial>",
    "    <console type='pty'>",
    "      <target type='serial' port='0'/>",
    "    </console>",
    // The guest agent channel lets `virsh domifaddr --source agent` work when the guest runs it.
    "    <channel type='unix'>",
    "      <target type='virtio' name='org.qemu.guest_agent.0'/>",
    "    </channel>",
    "    <rng model='virtio'>",
    "      <backend model='random'>/dev/urandom</backend>",
    "    </rng>",
    "    <memballoon model='virtio'/>",
    "  </devices>",
    "</domain>",
    "",
  ].join("\n");
}

function osBlock(at: ArgPath, kernel: DomainKernelSpec | undefined): string[] | undefined {
  const head = "    <type arch='x86_64' machine='q35'>hvm</type>";
  if (kernel === undefined) return ["  <os>", head, "    <boot dev='hd'/>", "  </os>"];
  const cmdline = kernel.cmdline;
  // oxlint-disable-next-line no-control-regex -- control characters are what this refuses
  if (cmdline !== undefined && (typeof cmdline !== "string" || /[\n\r\u0000]/.test(cmdline)))
    return at.field("cmdline").report(`must be a single line of text, got ${describeValue(cmdline)}`);
  const path = at.field("kernel").check(absolutePath, kernel.kernel);
  const initrd = at.field("initrd").optional(absolutePath, kernel.initrd, undefined);
  if (path === undefined || (kernel.initrd !== undefined && initrd === undefined)) return undefined;
  return [
    "  <os>",
    head,
    `    ${element("kernel", path)}`,
    ...(initrd !== undefined ? [`    ${element("initrd", initrd)}`] : []),
    ...(cmdline ? [`    ${element("cmdline", cmdline)}`] : []),
    "  </os>",
  ];
}

interface TargetCounters {
  vd: number;
  sd: number;
}

function diskBlock(at: ArgPath, disk: DomainDiskSpec | undefined, targets: TargetCounters): string[] | undefined {
  const checkedDisk = allDefined({
    pool: at.field("pool").check(objectName, disk?.pool),
    volume: at.field("volume").check(volumeName, disk?.volume),
    format: at.field("format").check(choice(VOLUME_FORMATS), disk?.format ?? "qcow2"),
    bus: at.field("bus").check(choice(DISK_BUSES), disk?.bus ?? "virtio"),
  });
  if (checkedDisk === undefined) return undefined;
  const { pool, volume, format, bus } = checkedDisk;
  return [
    "    <disk type='volume' device='disk'>",
    `      <driver${attrs({ name: "qemu", type: format, discard: "unmap" })}/>`,
    `      <source${attrs({ pool, volume })}/>`,
    `      <target${attrs({ dev: nextTarget(bus === "virtio" ? "vd" : "sd", targets), bus })}/>`,
    "    </disk>",
  ];
}

function seedBlock(at: ArgPath, seed: { pool: string; volume: string }, targets: TargetCounters): string[] | undefined {
  const source = allDefined({
    pool: at.field("pool").check(objectName, seed.pool),
    volume: at.field("volume").check(volumeName, seed.volume),
  });
  return (
    source && [
      "    <disk type='volume' device='cdrom'>",
      "      <driver name='qemu' type='raw'/>",
      `      <source${attrs(source)}/>`,
      `      <target${attrs({ dev: nextTarget("sd", targets), bus: "sata" })}/>`,
      "      <readonly/>",
      "    </disk>",
    ]
  );
}

function interfaceBlock(at: ArgPath, nic: DomainInterfaceSpec | undefined): string[] | undefined {
  const network = at.field("network").check(objectName, nic?.network);
  const mac = at.field("macAddress").optional(macAddress, nic?.macAddress, undefined);
  const model = at.field("model").check(choice(NIC_MODELS), nic?.model ?? "virtio");
  if (network === undefined || model === undefined || (nic?.macAddress !== undefined && mac === undefined))
    return undefined;
  return [
    "    <interface type='network'>",
    `      <source${attrs({ network })}/>`,
    ...(mac ? [`      <mac${attrs({ address: mac })}/>`] : []),
    `      <model${attrs({ type: model })}/>`,
    "    </interface>",
  ];
}

/**
 * Device names: vda, vdb… on virtio; sda, sdb… shared by SATA, SCSI and the seed, as in the
 * guest. {@link DOMAIN_LIMITS}.disks plus the seed stay within a–z (a test holds it).
 */
function nextTarget(prefix: keyof TargetCounters, targets: TargetCounters): string {
  return prefix + String.fromCharCode(97 + targets[prefix]++);
}
