import { ComponentArgError, describeValue } from "../errors";

/**
 * Where an argument sits: the component instance and the path inside its Args.
 * Validators take one so every error names both, e.g.
 * `ContainerService "web": ports[0].containerPort must be an integer from 1 to 65535, got 0`.
 */
export class ArgPath {
  constructor(
    /** Component type and instance, e.g. `ContainerService "web"`. */
    readonly component: string,
    /** Path of the argument inside the Args, e.g. `ports[0]`. */
    readonly path: string,
  ) {}

  /** The path of a field of this argument. */
  field(name: string): ArgPath {
    return new ArgPath(this.component, this.path === "" ? name : `${this.path}.${name}`);
  }

  /** The path of an element of this (array) argument. */
  index(i: number): ArgPath {
    return new ArgPath(this.component, `${this.path}[${i}]`);
  }

  /** The path of an entry of this (map) argument. */
  key(k: string): ArgPath {
    return new ArgPath(this.component, `${this.path}.${k}`);
  }

  /** Throws the {@link ComponentArgError} for this argument. */
  fail(problem: string): never {
    throw new ComponentArgError(this.component, this.path, problem);
  }
}

/** The root of a component's Args, e.g. `argsOf("ContainerService", "web")`. */
export function argsOf(componentType: string, instance: string): ArgPath {
  return new ArgPath(`${componentType} "${instance}"`, "");
}

/** An integer in [min, max], or the default when the value is undefined. */
export function integerIn(at: ArgPath, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    at.fail(`must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/** One of the allowed strings, or the default when undefined. */
export function oneOf<T extends string>(at: ArgPath, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    at.fail(`must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** A boolean, or the default when undefined. */
export function bool(at: ArgPath, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") at.fail(`must be true or false, got ${describeValue(value)}`);
  return value;
}

/** An array of strings (possibly empty), or [] when undefined. */
export function stringList(at: ArgPath, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    at.fail(`must be a list of strings, got ${describeValue(value)}`);
  }
  return [...(value as string[])];
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A DNS-1035 label (lower-case letters, digits and '-', starting with a letter, at most 63
 * characters): valid as a Kubernetes Service or PVC name and as a Docker name.
 */
export function dnsLabel(at: ArgPath, value: unknown): string {
  if (typeof value !== "string" || !DNS_LABEL.test(value)) {
    at.fail(
      `must be a DNS label (lower-case letters, digits and "-", starting with a letter, at most 63 characters), got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A plain object used as a string-keyed map, or {} when undefined. */
export function record(at: ArgPath, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    at.fail(`must be a map of names to values, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}
