import { VirtualMachine } from "../components";
import type { Platform } from "./platform";

/** The VMs of a stack, on the libvirt host its config names; protected like other state in prod. */
export function declareMachines(platform: Platform): Record<string, VirtualMachine> {
  const uri = platform.endpoints.libvirtUri;
  if (platform.vms.length > 0 && uri === undefined) {
    // config.ts requires a libvirt URI whenever a VM is enabled; reaching here is a bug.
    throw new Error("VMs declared without a libvirt URI passed validation");
  }
  return Object.fromEntries(
    platform.vms.map((vm) => [
      vm.name,
      new VirtualMachine(
        vm.name,
        {
          libvirtUri: uri,
          pool: vm.pool,
          baseVolume: vm.baseVolume,
          network: vm.network,
          diskSizeGiB: vm.diskSizeGiB,
          vcpus: vm.vcpus,
          memoryMiB: vm.memoryMiB,
          adminUser: vm.adminUser,
          sshAuthorizedKeys: vm.sshAuthorizedKeys,
          packages: vm.packages,
          runCommands: vm.runCommands,
        },
        { protect: platform.protect },
      ),
    ]),
  );
}
