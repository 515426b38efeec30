// Deterministic MAC addresses, so a VM's address is known before it exists (and can be
// matched in its cloud-init network-config). Program side only.
import { createHash } from "node:crypto";

/** A MAC in QEMU's locally used range 52:54:00 derived from `seed` (e.g. URI + domain name). */
export function macAddressFor(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  return ["52", "54", "00", ...[0, 1, 2].map((i) => digest[i].toString(16).padStart(2, "0"))].join(":");
}
