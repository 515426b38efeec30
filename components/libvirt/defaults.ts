// Defaults shared by the libvirt resources and the VirtualMachine component.

/** libvirt connection URI used when a resource is given none. */
export const DEFAULT_URI = "qemu:///system";

/** Directory under which a {@link StoragePool} keeps its volumes unless given a path. */
export const DEFAULT_POOL_ROOT = "/var/lib/libvirt/images";

/** Directory of the per-domain serial console logs (libvirt's own QEMU log directory). */
export const DEFAULT_SERIAL_LOG_DIR = "/var/log/libvirt/qemu";

/** Module part of the dynamic resources' type tokens: `pulumi-nodejs:dynamic/libvirt:<Type>`. */
export const DYNAMIC_MODULE = "libvirt";
