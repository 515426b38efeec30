import { accept, refuse, rule, type Rule } from "./rule";

/**
 * Every Linux capability, without the `CAP_` prefix, in the kernel's order (linux/capability.h,
 * 0 to CAP_LAST_CAP as of Linux 5.9). Docker refuses a name outside this list when it creates the
 * container ("unknown capability"), and a Kubernetes runtime when it starts the pod; older
 * engines also refuse the newest names (Docker 20.10: PERFMON, BPF, CHECKPOINT_RESTORE).
 * @see https://man7.org/linux/man-pages/man7/capabilities.7.html
 */
export const LINUX_CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
] as const;

/** One capability to add back after ALL are dropped: a Linux capability's name, as Docker and Kubernetes take it. */
export const capability: Rule<string> = rule(`a Linux capability name like "NET_BIND_SERVICE"`, (value) => {
  if (typeof value !== "string" || !/^[A-Z][A-Z0-9_]*$/.test(value) || value === "ALL" || value.startsWith("CAP_"))
    return refuse(`must be a capability name without the CAP_ prefix (e.g. "NET_BIND_SERVICE"), not ALL`);
  return (LINUX_CAPABILITIES as readonly string[]).includes(value)
    ? accept(value)
    : refuse("is not a Linux capability (see capabilities(7); the engine would refuse it)");
});
