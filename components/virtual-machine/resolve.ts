import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { argsOf } from "../args";
import { LIMITS, VM_DEFAULTS } from "../defaults";
import { describeValue } from "../errors";
import { checkedUserData, metaData, networkConfig } from "../libvirt/cloud-init";
import { DOMAIN_LIMITS, DOMAIN_TYPES } from "../libvirt/domain-xml";
import { macAddressFor } from "../libvirt/mac";
import { choice, macAddress as mac, objectName } from "../libvirt/validate";
import * as rules from "../rules";
import type { VirtualMachineArgs } from "../virtual-machine";

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
  const root = argsOf("VirtualMachine", name);
  if ((args.baseImagePath === undefined) === (args.baseVolume === undefined))
    root
      .field("baseImagePath")
      .report(
        `or baseVolume must be given (exactly one), got ${describeValue({ baseImagePath: args.baseImagePath, baseVolume: args.baseVolume })}`,
      );
  // The fake "test" driver is refused in stack files (infra/config-schema.ts) but allowed here, for code under test.
  if (typeof args.libvirtUri === "string")
    root.field("libvirtUri").check(rules.libvirtUri({ allowTestDriver: true }), args.libvirtUri);
  const domainName = root.field("domainName").check(objectName, args.domainName ?? name);
  const hostname =
    domainName === undefined ? undefined : (args.hostname ?? domainName.toLowerCase().replace(/[._]/g, "-"));
  const macAddress =
    domainName === undefined
      ? undefined
      : root
          .field("macAddress")
          .check(mac, args.macAddress ?? macAddressFor(`${pulumi.getProject()}/${pulumi.getStack()}/${domainName}`));
  const user =
    hostname === undefined
      ? undefined
      : checkedUserData(root, {
          hostname,
          adminUser: args.adminUser ?? "admin",
          sshAuthorizedKeys: args.sshAuthorizedKeys,
          packages: args.packages ?? [],
          runCommands: args.runCommands ?? [],
          upgradePackages: args.upgradePackages ?? true,
        });
  const { vcpus, memoryMiB } = DOMAIN_LIMITS;
  const { diskSizeGiB } = LIMITS.vm;
  const vm = root.problems.done({
    domainName,
    hostname,
    macAddress,
    userData: user,
    domainType: root.field("domainType").check(choice(DOMAIN_TYPES), args.domainType ?? "qemu"),
    vcpus: root.field("vcpus").check(rules.integerIn(vcpus.min, vcpus.max), args.vcpus ?? VM_DEFAULTS.vcpus),
    memoryMiB: root
      .field("memoryMiB")
      .check(rules.integerIn(memoryMiB.min, memoryMiB.max), args.memoryMiB ?? VM_DEFAULTS.memoryMiB),
    diskSizeGiB: root
      .field("diskSizeGiB")
      .check(rules.integerIn(diskSizeGiB.min, diskSizeGiB.max), args.diskSizeGiB ?? VM_DEFAULTS.diskSizeGiB),
    autostart: root.field("autostart").check(rules.boolean, args.autostart ?? true),
    waitForAddressSeconds: root
      .field("waitForAddressSeconds")
      .check(rules.integerIn(0, 3600), args.waitForAddressSeconds ?? 0),
  });
  // A new instance-id whenever user-data changes makes cloud-init apply it at the next boot.
  const instanceId = `${vm.domainName}-${createHash("sha256").update(vm.userData).digest("hex").slice(0, 12)}`;
  const { hostname: host, ...resolved } = vm;
  return {
    ...resolved,
    metaData: metaData({ instanceId, hostname: host }, root.component),
    networkConfig: networkConfig({ macAddress: vm.macAddress }, root.component),
  };
}
