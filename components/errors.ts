import * as pulumi from "@pulumi/pulumi";

/**
 * A problem at a place, as every dockyard error reports it: `where` (a stack file, a component
 * instance), `path` inside it (a config key, an argument; empty for the place as a whole) and
 * what is wrong there.
 */
export interface LocatedProblem {
  readonly where: string;
  readonly path: string;
  readonly problem: string;
}

/** The line a user reads: `where: path problem`, or `where: problem` without a path. */
export function formatLocated({ where, path, problem }: LocatedProblem): string {
  return path ? `${where}: ${path} ${problem}` : `${where}: ${problem}`;
}

/**
 * The base of the errors that report what a user got wrong (stack config, component arguments):
 * every problem found, one line each, so all are fixed in one go. A {@link pulumi.RunError}, so
 * `pulumi up` prints the lines without a stack trace.
 */
export class LocatedProblemsError extends pulumi.RunError {
  constructor(readonly located: readonly LocatedProblem[]) {
    super(located.map(formatLocated).join("\n"));
    this.name = "LocatedProblemsError";
  }
}

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
 * A {@link LocatedProblemsError}: its lines have the format stack config's errors have.
 */
export class ComponentArgError extends LocatedProblemsError {
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
    super(problems.map((p) => ({ where: p.component, path: p.argument, problem: p.problem })));
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
  return (
    text
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^@/\s]*@/gi, "$1:***@")
      .replace(/(\bsftp:[^/@:\s"]*):[^@/\s"]*@/gi, "$1:***@")
      // Without a scheme (a registry address written user:password@host): the same credentials.
      .replace(/(^|["\s,[])(?!sftp:)([^/@:\s",[]+):[^@/\s"]*@/gi, "$1$2:***@")
  );
}

/** Renders a received value for an error message: JSON for data, a type name otherwise; URI passwords hidden. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return "a function";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    // Invisible characters (zero-width spaces, bidirectional overrides) are shown as escapes.
    return json === undefined
      ? typeof value
      : withoutPasswords(json).replace(
          /[\p{Cf}\u2028\u2029]/gu,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
        );
  } catch {
    return typeof value;
  }
}
