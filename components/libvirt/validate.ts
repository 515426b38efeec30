// Input checks shared by the translators and resources (program side only: they throw
// ComponentArgError, whose class does not survive closure serialization into a provider).
import { ComponentArgError, describeValue } from "../errors";

/** Names of libvirt objects dockyard creates: safe in file paths, XML and shell-free argv. */
export const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Volume names: as {@link OBJECT_NAME} but longer, since they often carry a suffix. */
export const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Returns `value` if it is a string matching `pattern`, else throws naming the argument. */
export function checkName(owner: string, argument: string, value: unknown, pattern: RegExp = OBJECT_NAME): string {
  // The first character is never a dot: "." and ".." cannot pass.
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new ComponentArgError(
      owner,
      argument,
      `must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most ${maxLength(pattern)} characters), got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Returns `value` if it is an integer in [min, max], else throws naming the argument. */
export function checkInteger(owner: string, argument: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ComponentArgError(
      owner,
      argument,
      `must be an integer from ${min} to ${max}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Returns `value` if it is one of `allowed`, else throws listing them. */
export function checkOneOf<T extends string>(
  owner: string,
  argument: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new ComponentArgError(
      owner,
      argument,
      `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}

/** Returns `value` if it is a boolean, else throws naming the argument. */
export function checkBoolean(owner: string, argument: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new ComponentArgError(owner, argument, `must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` if it is an absolute path free of control characters, else throws. */
export function checkAbsolutePath(owner: string, argument: string, value: unknown): string {
  // oxlint-disable-next-line no-control-regex -- control characters are what this refuses
  if (typeof value !== "string" || !value.startsWith("/") || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ComponentArgError(
      owner,
      argument,
      `must be an absolute path such as "/var/lib/images/base.qcow2", got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Returns `value` if it is a non-empty string without NUL characters, else throws. */
export function checkText(owner: string, argument: string, value: unknown): string {
  if (typeof value !== "string" || value.trim().length === 0 || value.includes("\u0000")) {
    throw new ComponentArgError(owner, argument, `must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` if it is an array, else throws naming the argument. */
export function checkArray(owner: string, argument: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) {
    throw new ComponentArgError(owner, argument, `must be a list, got ${describeValue(value)}`);
  }
  return value as unknown[];
}

/** Unicast, locally administered or vendor MAC address in colon form. */
export const MAC_ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Returns `value` lower-cased if it is a unicast MAC address, else throws. */
export function checkMacAddress(owner: string, argument: string, value: unknown): string {
  const mac = typeof value === "string" ? value.toLowerCase() : undefined;
  // The low bit of the first octet marks multicast, which no NIC may use.
  if (mac === undefined || !MAC_ADDRESS.test(mac) || (parseInt(mac.slice(0, 2), 16) & 1) === 1) {
    throw new ComponentArgError(
      owner,
      argument,
      `must be a unicast MAC address such as "52:54:00:12:34:56", got ${describeValue(value)}`,
    );
  }
  return mac;
}

function maxLength(pattern: RegExp): number {
  const match = /\{0,(\d+)\}\$$/.exec(pattern.source);
  return match ? Number(match[1]) + 1 : 64;
}
