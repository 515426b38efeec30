// libvirt building blocks: dynamic resources over virsh, and their pure translators.
export * from "./cloud-init";
export * from "./defaults";
export * from "./domain";
export * from "./domain-xml";
export * from "./mac";
export * from "./network";
export * from "./network-xml";
export * from "./pool";
export * from "./pool-xml";
export * from "./seed";
export * from "./volume";
export * from "./volume-xml";
export * from "./xml";
