import { ComponentArgError, describeValue } from "./errors";
import * as rules from "./rules";

/**
 * Where an argument sits: the component instance and the path inside its Args.
 * Validators take one so every error names both, e.g.
 * `ContainerService "web": ports[0].containerPort must be a port from 1 to 65535, got 0`.
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

  /** The value as `rule` normalises it, or fails with the rule's words and the value received. */
  check<T>(rule: rules.Rule<T>, value: unknown): T {
    const verdict = rule.check(value);
    if (!verdict.ok) this.fail(`${verdict.problem}, got ${describeValue(value)}`);
    return verdict.value;
  }

  /** Like {@link check}, or `fallback` when the value is undefined (an Args field left out). */
  optional<T>(rule: rules.Rule<T>, value: unknown, fallback: T): T {
    return value === undefined ? fallback : this.check(rule, value);
  }
}

/** The root of a component's Args, e.g. `argsOf("ContainerService", "web")`. */
export function argsOf(componentType: string, instance: string): ArgPath {
  return new ArgPath(`${componentType} "${instance}"`, "");
}

/**
 * Collects the problems of independent arguments, so a caller learns every mistake in one run
 * instead of one per run. Checks that depend on an argument that failed are skipped.
 */
export class ArgProblems {
  private readonly errors: ComponentArgError[] = [];

  /** Runs one check; records its ComponentArgError and returns undefined instead of throwing. */
  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof ComponentArgError)) throw error;
      this.errors.push(error);
      return undefined;
    }
  }

  /** Throws one ComponentArgError listing every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.errors.length > 0) throw ComponentArgError.combine(this.errors);
  }
}

/** An integer in [min, max], or the default when the value is undefined. */
export function integerArg(at: ArgPath, value: unknown, min: number, max: number, fallback: number): number {
  return at.optional(rules.integerIn(min, max), value, fallback);
}

/** One of the allowed strings, or the default when undefined. */
export function oneOfArg<T extends string>(at: ArgPath, value: unknown, allowed: readonly T[], fallback: T): T {
  return at.optional(rules.oneOf(allowed), value, fallback);
}

/** A boolean, or the default when undefined. */
export function booleanArg(at: ArgPath, value: unknown, fallback: boolean): boolean {
  return at.optional(rules.boolean, value, fallback);
}

/** An array of strings (possibly empty), or [] when undefined. */
export function stringListArg(at: ArgPath, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    at.fail(`must be a list of strings, got ${describeValue(value)}`);
  }
  return [...(value as string[])];
}

/**
 * A DNS-1035 label (lower-case letters, digits and '-', starting with a letter, at most 63
 * characters): valid as a Kubernetes Service or PVC name and as a Docker name.
 */
export function nameArg(at: ArgPath, value: unknown): string {
  return at.check(rules.serviceName, value);
}

/** A Kubernetes namespace (an RFC 1123 label), checked now when plain; outputs pass through. */
export function namespaceArg<T>(at: ArgPath, value: T): T {
  if (typeof value === "string") at.check(rules.dnsLabel, value);
  return value;
}

/** A plain object used as a string-keyed map, or {} when undefined. */
export function mapArg(at: ArgPath, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    at.fail(`must be a map of names to values, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A map whose keys are all among `known`: an unknown key is a typo, never silently ignored. */
export function knownKeysArg(at: ArgPath, value: unknown, known: readonly string[]): Record<string, unknown> {
  const map = mapArg(at, value);
  for (const key of Object.keys(map)) {
    if (!known.includes(key)) at.key(key).fail(`is not a known key (allowed here: ${known.join(", ")})`);
  }
  return map;
}
