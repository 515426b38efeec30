// The rules of libvirt's own arguments (names, paths, MAC addresses), applied with ArgPath.check
// like every component argument. Integers, booleans and lists use the shared rules, whose words
// are the same.
import { accept, refuse, rule, type Rule } from "../rules";

/** Names of libvirt objects dockyard creates: safe in file paths, XML and shell-free argv. */
export const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Volume names: as {@link OBJECT_NAME} but longer, since they often carry a suffix. */
export const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A name matching `pattern` ({@link OBJECT_NAME} or {@link VOLUME_NAME}). */
export function libvirtName(pattern: RegExp): Rule<string> {
  const max = Number(/\{0,(\d+)\}\$$/.exec(pattern.source)?.[1] ?? 63) + 1;
  const expects = `a name that starts with a letter or digit and contains only letters, digits, '.', '_' and '-' (at most ${max} characters)`;
  // The first character is never a dot: "." and ".." cannot pass.
  return rule(expects, (value) =>
    typeof value === "string" && pattern.test(value)
      ? accept(value)
      : refuse(
          `must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most ${max} characters)`,
        ),
  );
}

/** A libvirt object's name. */
export const objectName = libvirtName(OBJECT_NAME);

/** A volume's name. */
export const volumeName = libvirtName(VOLUME_NAME);

/** One of `allowed`, each listed even when there are two. */
export function choice<T extends string>(allowed: readonly T[]): Rule<T> {
  const expects = `one of ${allowed.map((a) => `"${a}"`).join(", ")}`;
  return rule(expects, (value) =>
    typeof value === "string" && (allowed as readonly string[]).includes(value)
      ? accept(value as T)
      : refuse(`must be ${expects}`),
  );
}

/** An absolute path free of control characters. */
export const absolutePath: Rule<string> = rule(`an absolute path such as "/var/lib/images/base.qcow2"`, (value) =>
  // oxlint-disable-next-line no-control-regex -- control characters are what this refuses
  typeof value === "string" && value.startsWith("/") && !/[\u0000-\u001f\u007f]/.test(value)
    ? accept(value)
    : refuse(`must be an absolute path such as "/var/lib/images/base.qcow2"`),
);

/** A non-empty string without NUL characters. */
export const text: Rule<string> = rule("a non-empty string", (value) =>
  typeof value === "string" && value.trim().length > 0 && !value.includes("\u0000")
    ? accept(value)
    : refuse("must be a non-empty string"),
);

/** Unicast, locally administered or vendor MAC address in colon form. */
export const MAC_ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A unicast MAC address, lower-cased. */
export const macAddress: Rule<string> = rule(`a unicast MAC address such as "52:54:00:12:34:56"`, (value) => {
  const mac = typeof value === "string" ? value.toLowerCase() : undefined;
  // The low bit of the first octet marks multicast, which no NIC may use.
  return mac !== undefined && MAC_ADDRESS.test(mac) && (parseInt(mac.slice(0, 2), 16) & 1) === 0
    ? accept(mac)
    : refuse(`must be a unicast MAC address such as "52:54:00:12:34:56"`);
});
