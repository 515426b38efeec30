import * as pulumi from "@pulumi/pulumi";

/** One wrong argument: where it is and what is wrong with it. */
export interface ArgProblem {
  /** Component type and instance, e.g. `ContainerService "web"`. */
  readonly component: string;
  /** Path of the argument, e.g. `ports[0].containerPort`. */
  readonly argument: string;
  /** What was wrong and what is allowed. */
  readonly problem: string;
}

/**
 * A caller passed a component arguments it cannot accept.
 *
 * The message has one line per problem, each naming the component instance and the argument
 * path, what was wrong and what would be right, e.g.
 * `ContainerService "web": ports[0].containerPort must be a port from 1 to 65535, got 0`.
 * It extends {@link pulumi.RunError} so `pulumi up` prints the message without a stack trace.
 */
export class ComponentArgError extends pulumi.RunError {
  /** Every problem found, the first one also in `component`, `argument` and `problem`. */
  readonly problems: readonly ArgProblem[];

  constructor(
    /** Component type and instance, e.g. `ContainerService "web"`. */
    readonly component: string,
    /** Path of the argument, e.g. `ports[0].containerPort`. */
    readonly argument: string,
    /** What was wrong and what is allowed. */
    readonly problem: string,
    more: readonly ArgProblem[] = [],
  ) {
    const problems = [{ component, argument, problem }, ...more];
    super(problems.map((p) => `${p.component}: ${p.argument} ${p.problem}`).join("\n"));
    this.name = "ComponentArgError";
    this.problems = problems;
  }

  /** One error carrying every problem of several (in order). */
  static combine(errors: readonly ComponentArgError[]): ComponentArgError {
    const [first, ...rest] = errors.flatMap((error) => error.problems);
    return new ComponentArgError(first.component, first.argument, first.problem, rest);
  }
}

/** A URI's password replaced by `***` (also in scp-like `sftp:user:password@host:/path`), so messages never carry it. */
export function withoutPasswords(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^@/\s]*@/gi, "$1:***@")
    .replace(/(\bsftp:[^/@:\s"]*):[^@/\s"]*@/gi, "$1:***@");
}

/** Renders a received value for an error message: JSON for data, a type name otherwise; URI passwords hidden. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return "a function";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? typeof value : withoutPasswords(json);
  } catch {
    return typeof value;
  }
}
