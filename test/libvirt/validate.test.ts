// The argument checks every libvirt translator uses: what passes, what is refused, and that each
// refusal names the resource and the argument.
import { describe, expect, it } from "vitest";
import { checked } from "../../components/args";
import { ComponentArgError } from "../../components/errors";
import { absolutePath, choice, macAddress, objectName, text, volumeName } from "../../components/libvirt/validate";
import { integerIn, type Rule } from "../../components/rules";

const OWNER = 'Domain "vm1"';

/** `rule` applied to `value` at `argument` of OWNER, as the translators apply it. */
function check<T>(argument: string, value: unknown, rule: Rule<T>): T {
  return checked(OWNER, (at) => at.field(argument).check(rule, value));
}
const checkName = (_owner: string, argument: string, value: unknown, rule: Rule<string> = objectName) =>
  check(argument, value, rule);
const checkInteger = (_owner: string, argument: string, value: unknown, min: number, max: number) =>
  check(argument, value, integerIn(min, max));
const checkOneOf = (_owner: string, argument: string, value: unknown, allowed: readonly string[]) =>
  check(argument, value, choice(allowed));
const checkAbsolutePath = (_owner: string, argument: string, value: unknown) => check(argument, value, absolutePath);
const checkText = (_owner: string, argument: string, value: unknown) => check(argument, value, text);
const checkMacAddress = (_owner: string, argument: string, value: unknown) => check(argument, value, macAddress);
const VOLUME_NAME = volumeName;

/** The message a check throws, asserting it is an argument error. */
function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ComponentArgError);
    return (error as Error).message;
  }
  throw new Error("the check accepted the value");
}

describe("libvirt argument checks", () => {
  it("names: letters, digits, '.', '_' and '-', at most 64 characters (128 for volumes), never a number", () => {
    expect(checkName(OWNER, "name", "web-1.a_b")).toBe("web-1.a_b");
    expect(checkName(OWNER, "name", "a".repeat(64))).toBe("a".repeat(64));
    expect(refusal(() => checkName(OWNER, "name", "a".repeat(65)))).toBe(
      `${OWNER}: name must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most 64 characters), got "${"a".repeat(65)}"`,
    );
    expect(checkName(OWNER, "volume", "v".repeat(128), VOLUME_NAME)).toHaveLength(128);
    expect(refusal(() => checkName(OWNER, "volume", "v".repeat(129), VOLUME_NAME))).toContain(
      "(at most 128 characters)",
    );
    for (const bad of [5, ".", "..", "-x", ""])
      expect(refusal(() => checkName(OWNER, "name", bad))).toContain("name must");
  });

  it("integers: inside the bounds, both included", () => {
    expect([checkInteger(OWNER, "vcpus", 1, 1, 256), checkInteger(OWNER, "vcpus", 256, 1, 256)]).toEqual([1, 256]);
    for (const bad of [0, 257, 1.5, "8", Number.NaN]) {
      expect(refusal(() => checkInteger(OWNER, "vcpus", bad, 1, 256))).toMatch(
        /^Domain "vm1": vcpus must be an integer from 1 to 256/,
      );
    }
  });

  it("choices: one of the listed strings", () => {
    expect(checkOneOf(OWNER, "bus", "sata", ["virtio", "sata"])).toBe("sata");
    expect(refusal(() => checkOneOf(OWNER, "bus", ["sata"], ["virtio", "sata"]))).toBe(
      `${OWNER}: bus must be one of "virtio", "sata", got ["sata"]`,
    );
  });

  it("paths: absolute, without control characters", () => {
    expect(checkAbsolutePath(OWNER, "kernel", "/boot/vmlinuz")).toBe("/boot/vmlinuz");
    for (const bad of [["/boot"], "boot/vmlinuz", "/boot/\u007f", "/boot/\tx"]) {
      expect(refusal(() => checkAbsolutePath(OWNER, "kernel", bad))).toContain("kernel must be an absolute path");
    }
  });

  it("text: not blank, no NUL", () => {
    expect(checkText(OWNER, "userData", " x ")).toBe(" x ");
    for (const bad of [" \n ", "a\u0000b", 5]) {
      expect(refusal(() => checkText(OWNER, "userData", bad))).toContain("userData must be a non-empty string");
    }
  });

  it("MAC addresses: unicast, colon form, lower-cased", () => {
    expect(checkMacAddress(OWNER, "mac", "52:54:00:AB:cd:EF")).toBe("52:54:00:ab:cd:ef");
    // 0x0B and 0xFF have the multicast bit set, upper case or not.
    for (const bad of ["0B:00:00:00:00:01", "FF:FF:FF:FF:FF:FF", 525400, "52:54:00:ab:cd"]) {
      expect(refusal(() => checkMacAddress(OWNER, "mac", bad))).toContain("mac must be a unicast MAC address");
    }
  });
});
