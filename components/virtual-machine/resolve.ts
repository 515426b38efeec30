import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { ArgProblems, argsOf } from "../args";
import { LIMITS, VM_DEFAULTS } from "../defaults";
import { ComponentArgError, describeValue } from "../errors";
import { metaData, networkConfig, userData } from "../libvirt/cloud-init";
import { DOMAIN_LIMITS, DOMAIN_TYPES } from "../libvirt/domain-xml";
import { macAddressFor } from "../libvirt/mac";
import { checkBoolean, checkInteger, checkMacAddress, checkName, checkOneOf } from "../libvirt/validate";
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
  if (typeof args.libvirtUri === "string")
    problems.check(() =>
      argsOf("VirtualMachine", name)
        .field("libvirtUri")
        .check(rules.libvirtUri({ allowTestDriver: true }), args.libvirtUri),
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
      checkInteger(
        owner,
        "diskSizeGiB",
        args.diskSizeGiB ?? VM_DEFAULTS.diskSizeGiB,
        LIMITS.vm.diskSizeGiB.min,
        LIMITS.vm.diskSizeGiB.max,
      ),
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
