// Translator: a QEMU domain (virtual machine) with virtio disks, a cloud-init seed CD-ROM,
// network interfaces, a serial console logged to a file and no graphical console.
// @see https://libvirt.org/formatdomain.html
import { ComponentArgError, describeValue } from "../errors";
import { DEFAULT_SERIAL_LOG_DIR } from "./defaults";
import {
  checkAbsolutePath,
  checkArray,
  checkInteger,
  checkMacAddress,
  checkName,
  checkOneOf,
  VOLUME_NAME,
} from "./validate";
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
  const name = checkName(owner, "name", spec.name);
  const type = checkOneOf(owner, "domainType", spec.domainType, DOMAIN_TYPES);
  const vcpus = checkInteger(owner, "vcpus", spec.vcpus, DOMAIN_LIMITS.vcpus.min, DOMAIN_LIMITS.vcpus.max);
  const memory = checkInteger(
    owner,
    "memoryMiB",
    spec.memoryMiB,
    DOMAIN_LIMITS.memoryMiB.min,
    DOMAIN_LIMITS.memoryMiB.max,
  );
  const serialLog = checkAbsolutePath(owner, "serialLogPath", spec.serialLogPath);
  const cpuMode = spec.cpuMode === undefined ? undefined : checkOneOf(owner, "cpuMode", spec.cpuMode, CPU_MODES);
  const disks = checkArray(owner, "disks", spec.disks) as DomainDiskSpec[];
  if (disks.length > DOMAIN_LIMITS.disks) {
    throw new ComponentArgError(owner, "disks", `must list at most ${DOMAIN_LIMITS.disks} disks, got ${disks.length}`);
  }
  const interfaces = checkArray(owner, "interfaces", spec.interfaces) as DomainInterfaceSpec[];
  const targets: TargetCounters = { vd: 0, sd: 0 };
  return [
    `<domain${attrs({ type })}>`,
    `  ${element("name", name)}`,
    `  <memory unit='MiB'>${memory}</memory>`,
    `  <vcpu placement='static'>${vcpus}</vcpu>`,
    ...osBlock(owner, spec.kernel),
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
    ...disks.flatMap((disk, i) => diskBlock(owner, `disks[${i}]`, disk, targets)),
    ...(spec.seed ? seedBlock(owner, spec.seed, targets) : []),
    ...interfaces.flatMap((nic, i) => interfaceBlock(owner, `interfaces[${i}]`, nic)),
    "    <serial type='pty'>",
    `      <log${attrs({ file: serialLog, append: "off" })}/>`,
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

function osBlock(owner: string, kernel: DomainKernelSpec | undefined): string[] {
  const head = "    <type arch='x86_64' machine='q35'>hvm</type>";
  if (kernel === undefined) return ["  <os>", head, "    <boot dev='hd'/>", "  </os>"];
  const cmdline = kernel.cmdline;
  // oxlint-disable-next-line no-control-regex -- control characters are what this refuses
  if (cmdline !== undefined && (typeof cmdline !== "string" || /[\n\r\u0000]/.test(cmdline))) {
    throw new ComponentArgError(
      owner,
      "kernel.cmdline",
      `must be a single line of text, got ${describeValue(cmdline)}`,
    );
  }
  return [
    "  <os>",
    head,
    `    ${element("kernel", checkAbsolutePath(owner, "kernel.kernel", kernel.kernel))}`,
    ...(kernel.initrd !== undefined
      ? [`    ${element("initrd", checkAbsolutePath(owner, "kernel.initrd", kernel.initrd))}`]
      : []),
    ...(cmdline ? [`    ${element("cmdline", cmdline)}`] : []),
    "  </os>",
  ];
}

interface TargetCounters {
  vd: number;
  sd: number;
}

function diskBlock(owner: string, path: string, disk: DomainDiskSpec, targets: TargetCounters): string[] {
  const pool = checkName(owner, `${path}.pool`, disk?.pool);
  const volume = checkName(owner, `${path}.volume`, disk.volume, VOLUME_NAME);
  const format = checkOneOf(owner, `${path}.format`, disk.format ?? "qcow2", VOLUME_FORMATS);
  const bus = checkOneOf(owner, `${path}.bus`, disk.bus ?? "virtio", DISK_BUSES);
  return [
    "    <disk type='volume' device='disk'>",
    `      <driver${attrs({ name: "qemu", type: format, discard: "unmap" })}/>`,
    `      <source${attrs({ pool, volume })}/>`,
    `      <target${attrs({ dev: nextTarget(bus === "virtio" ? "vd" : "sd", targets), bus })}/>`,
    "    </disk>",
  ];
}

function seedBlock(owner: string, seed: { pool: string; volume: string }, targets: TargetCounters): string[] {
  const pool = checkName(owner, "seed.pool", seed.pool);
  const volume = checkName(owner, "seed.volume", seed.volume, VOLUME_NAME);
  return [
    "    <disk type='volume' device='cdrom'>",
    "      <driver name='qemu' type='raw'/>",
    `      <source${attrs({ pool, volume })}/>`,
    `      <target${attrs({ dev: nextTarget("sd", targets), bus: "sata" })}/>`,
    "      <readonly/>",
    "    </disk>",
  ];
}

function interfaceBlock(owner: string, path: string, nic: DomainInterfaceSpec): string[] {
  const network = checkName(owner, `${path}.network`, nic?.network);
  const mac = nic.macAddress === undefined ? undefined : checkMacAddress(owner, `${path}.macAddress`, nic.macAddress);
  const model = checkOneOf(owner, `${path}.model`, nic.model ?? "virtio", NIC_MODELS);
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
