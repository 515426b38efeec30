import { type ArgProblem, ComponentArgError, describeValue } from "./errors";
import * as rules from "./rules";

/** A record (or list) of checked values, each one defined. */
export type Defined<R> = { [K in keyof R]: Exclude<R[K], undefined> };

/**
 * The problems found in one component's Args. Checks report into it and go on, so a caller
 * learns every mistake in one run; a check whose value failed gives undefined, so the checks
 * that depend on it are skipped. {@link done} ends the checking.
 */
export class ArgProblems {
  private readonly found: ArgProblem[] = [];

  constructor(
    /** Component type and instance, e.g. `ContainerService "web"`. */
    readonly component: string,
  ) {}

  /** The Args as a whole: where argument paths start. */
  get root(): ArgPath {
    return new ArgPath(this, "");
  }

  /** Records a problem of an argument; undefined, the value a failed check gives. */
  add(argument: string, problem: string): undefined {
    this.found.push({ component: this.component, argument, problem });
    return undefined;
  }

  /**
   * `values`, each known to be defined, when no problem was found; otherwise throws one
   * ComponentArgError listing every problem, in the order found.
   */
  done<R extends object>(values: R): Defined<R> {
    const [first, ...rest] = this.found;
    if (first !== undefined) throw new ComponentArgError(first.component, first.argument, first.problem, rest);
    const checked = allDefined(values);
    if (checked === undefined) throw new Error(`${this.component}: a check gave no value yet reported no problem`);
    return checked;
  }
}

/**
 * `values` when every one is defined (no check among them failed), else undefined: how a check
 * built of several gives its result.
 */
export function allDefined<R extends object>(values: R): Defined<R> | undefined {
  return Object.values(values).includes(undefined) ? undefined : (values as Defined<R>);
}

/**
 * Where an argument sits: the component instance and the path inside its Args. Its checks report
 * to the instance's {@link ArgProblems}, naming both, e.g.
 * `ContainerService "web": ports[0].containerPort must be a port from 1 to 65535, got 0`.
 */
export class ArgPath {
  constructor(
    /** Where this argument's problems go. */
    readonly problems: ArgProblems,
    /** Path of the argument inside the Args, e.g. `ports[0]`; empty for the Args as a whole. */
    readonly path: string,
  ) {}

  /** Component type and instance, e.g. `ContainerService "web"`. */
  get component(): string {
    return this.problems.component;
  }

  /** The path of a field of this argument. */
  field(name: string): ArgPath {
    return new ArgPath(this.problems, this.path === "" ? name : `${this.path}.${name}`);
  }

  /** The path of an element of this (array) argument. */
  index(i: number): ArgPath {
    return new ArgPath(this.problems, `${this.path}[${i}]`);
  }

  /** The path of an entry of this (map) argument. */
  key(k: string): ArgPath {
    return this.field(k);
  }

  /** Records what is wrong with this argument; undefined, so `return at.report(…)` ends a check. */
  report(problem: string): undefined {
    return this.problems.add(this.path, problem);
  }

  /** The value as `rule` normalises it, or undefined after reporting the rule's words and the value received. */
  check<T>(rule: rules.Rule<T>, value: unknown): T | undefined {
    const verdict = rule.check(value);
    return verdict.ok ? verdict.value : this.report(`${verdict.problem}, got ${describeValue(value)}`);
  }

  /** Like {@link check}, or `fallback` when the value is undefined (an Args field left out). */
  optional<T>(rule: rules.Rule<T>, value: unknown, fallback: NoInfer<T> | undefined): T | undefined {
    return value === undefined ? fallback : this.check(rule, value);
  }

  /** Like {@link check} for a plain string; anything else (an output, undefined) passes unchecked. */
  plain<T>(rule: rules.Rule<unknown>, value: T): T | undefined {
    return typeof value === "string" && this.check(rule, value) === undefined ? undefined : value;
  }

  /** Each element of the list `rule` accepts, checked by `check`; undefined after any problem. */
  each<T>(
    rule: rules.Rule<unknown[]>,
    value: unknown,
    check: (at: ArgPath, item: unknown) => T | undefined,
  ): T[] | undefined {
    const list = this.check(rule, value);
    return list && allDefined(list.map((item, i) => check(this.index(i), item)));
  }

  /** The error of a problem found after the checks, when an output resolves. */
  error(problem: string): ComponentArgError {
    return new ComponentArgError(this.component, this.path, problem);
  }
}

/** The root of a component's Args, e.g. `argsOf("ContainerService", "web")`, with problems of its own. */
export function argsOf(componentType: string, instance: string): ArgPath {
  return new ArgProblems(`${componentType} "${instance}"`).root;
}

/**
 * A check used on its own: runs `check` on the Args of `component` (e.g. `Domain "vm1"`) and gives
 * its value, or throws the ComponentArgError listing what it reported.
 */
export function checked<T>(component: string, check: (at: ArgPath) => T | undefined): T {
  const at = new ArgProblems(component).root;
  return at.problems.done({ value: check(at) }).value;
}

/**
 * A map whose keys are all among `known` ({} when undefined): an unknown key is a typo, never
 * silently ignored. Undefined after reporting the first unknown key.
 */
export function knownKeys(at: ArgPath, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
  const map = at.optional(rules.map, value, {});
  const unknown = Object.keys(map ?? {}).find((key) => !known.includes(key));
  if (unknown !== undefined) return at.key(unknown).report(`is not a known key (allowed here: ${known.join(", ")})`);
  return map;
}
