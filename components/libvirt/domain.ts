// A libvirt QEMU domain (virtual machine) as a Pulumi dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicProps, LibvirtResource } from "./dynamic-resource";
import { DEFAULT_URI } from "./defaults";
import { DOMAIN_INPUTS, DOMAIN_OUTPUTS, domainProvider, type DomainInputs } from "./domain-provider";
import {
  defaultSerialLogPath,
  checkedDomainXml,
  type DomainDiskSpec,
  type DomainInterfaceSpec,
  type DomainKernelSpec,
} from "./domain-xml";
import { ArgProblems } from "../args";
import * as rules from "../rules";

/** A {@link DomainDiskSpec} whose fields may be outputs (e.g. a `Volume`'s name). */
export type DomainDiskArgs = { readonly [K in keyof DomainDiskSpec]: pulumi.Input<NonNullable<DomainDiskSpec[K]>> };

/** A {@link DomainInterfaceSpec} whose fields may be outputs (e.g. a `Network`'s name). */
export type DomainInterfaceArgs = {
  readonly [K in keyof DomainInterfaceSpec]: pulumi.Input<NonNullable<DomainInterfaceSpec[K]>>;
};

/** Arguments of {@link Domain}. */
export interface DomainArgs {
  /** libvirt connection URI, e.g. `qemu+ssh://admin@host/system`. @default "qemu:///system" */
  readonly uri?: pulumi.Input<string>;
  /** Domain name on the host. @default the resource name */
  readonly name?: pulumi.Input<string>;
  /** `qemu` (emulation, runs anywhere) or `kvm` (hardware virtualization, needs /dev/kvm). @default "qemu" */
  readonly domainType?: pulumi.Input<"qemu" | "kvm">;
  /** Virtual CPUs (1–256). Changing it redefines the domain in place. @default 1 */
  readonly vcpus?: pulumi.Input<number>;
  /** Memory in MiB (64–4194304). Changing it redefines the domain in place. @default 1024 */
  readonly memoryMiB?: pulumi.Input<number>;
  /** Disks, in boot order: volumes in pools, qcow2 on virtio unless said otherwise. @default [] */
  readonly disks?: pulumi.Input<pulumi.Input<DomainDiskArgs>[]>;
  /** A cloud-init seed ISO volume, attached read-only as a SATA CD-ROM. @default none */
  readonly seed?: pulumi.Input<{ readonly pool: pulumi.Input<string>; readonly volume: pulumi.Input<string> }>;
  /** Network interfaces on libvirt networks (virtio; MAC assigned by libvirt unless given). @default [] */
  readonly interfaces?: pulumi.Input<pulumi.Input<DomainInterfaceArgs>[]>;
  /** File on the host receiving the serial console (truncated at each start). @default "/var/log/libvirt/qemu/<name>-serial.log" */
  readonly serialLogPath?: pulumi.Input<string>;
  /** Boot this kernel (files on the libvirt host) instead of the first disk. @default none */
  readonly kernel?: pulumi.Input<DomainKernelSpec>;
  /** Guest CPU model with `kvm`: `host-passthrough` or `host-model`. @default the hypervisor's default model */
  readonly cpuMode?: pulumi.Input<"host-passthrough" | "host-model">;
  /** Start the domain whenever libvirtd starts. @default true */
  readonly autostart?: pulumi.Input<boolean>;
  /** Seconds create waits for the first interface's DHCP lease (0: do not wait; `pulumi refresh` fills it in later). @default 0 */
  readonly waitForAddressSeconds?: pulumi.Input<number>;
}

/**
 * A QEMU domain, defined and started. Headless: a serial console logged to a file, no
 * graphics. Memory and vCPU changes redefine it in place (applied at its next cold boot);
 * other changes replace it. A domain whose name exists on the host is never overwritten.
 * @see https://libvirt.org/formatdomain.html
 */
export class Domain extends LibvirtResource {
  declare public readonly uri: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly vcpus: pulumi.Output<number>;
  declare public readonly memoryMiB: pulumi.Output<number>;
  declare public readonly serialLogPath: pulumi.Output<string>;
  /** The domain's UUID (also its resource id). */
  declare public readonly uuid: pulumi.Output<string>;
  /** libvirt's state word when last observed: running, shut off… */
  declare public readonly state: pulumi.Output<string>;
  /** MAC addresses of the interfaces, in order. */
  declare public readonly macAddresses: pulumi.Output<string[]>;
  /** IPv4 address of the first interface from its DHCP lease; undefined until known. */
  declare public readonly ipAddress: pulumi.Output<string | undefined>;
  /** The rendered domain XML. */
  declare public readonly xml: pulumi.Output<string>;

  constructor(name: string, args: DomainArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const spec = pulumi.output(args).apply((a) => resolveDomain(name, a));
    const props = dynamicProps(spec, DOMAIN_INPUTS, DOMAIN_OUTPUTS);
    super(domainProvider, name, props, opts, "Domain");
  }
}

/** Applies defaults, checks the arguments and renders the XML (pure). */
export function resolveDomain(resourceName: string, args: pulumi.Unwrap<DomainArgs>): DomainInputs {
  const owner = `Domain "${resourceName}"`;
  const name = args.name ?? resourceName;
  const spec = {
    name,
    domainType: args.domainType ?? "qemu",
    vcpus: args.vcpus ?? 1,
    memoryMiB: args.memoryMiB ?? 1024,
    disks: args.disks ?? [],
    seed: args.seed,
    interfaces: args.interfaces ?? [],
    serialLogPath: args.serialLogPath ?? defaultSerialLogPath(name),
    kernel: args.kernel,
    cpuMode: args.cpuMode,
  };
  const at = new ArgProblems(owner).root;
  const xml = checkedDomainXml(at, spec);
  const waitForAddressSeconds = at
    .field("waitForAddressSeconds")
    .check(rules.integerIn(0, 3600), args.waitForAddressSeconds ?? 0);
  const checked = at.problems.done({ waitForAddressSeconds, xml });
  return { ...spec, uri: args.uri ?? DEFAULT_URI, autostart: args.autostart ?? true, ...checked };
}
