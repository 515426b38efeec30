import type * as z from "zod";
import { describeValue, formatLocated, LocatedProblemsError } from "../components";
import { renamedKey } from "./config-schema";
import { childSchema, marksOf, schemaAt, unwrapAll } from "./schema-marks";

/** One mistake in a stack's config: where it is and what is wrong. */
export interface ConfigProblem {
  /** The stack settings file, e.g. `stacks/Pulumi.prod.yaml`. */
  file: string;
  /** The full config key, e.g. `dockyard:services.web.replicas` (empty for file-level problems). */
  key: string;
  /** What is wrong and what is allowed. */
  message: string;
}

/**
 * A stack's config cannot be used: every problem found, one line each, in the format component
 * argument errors have too ({@link LocatedProblemsError}). Thrown before any resource is declared.
 */
export class ConfigError extends LocatedProblemsError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(located));
    this.name = "ConfigError";
  }
}

function located(problem: ConfigProblem) {
  return { where: problem.file, path: problem.key, problem: problem.message };
}

/** `file: key message` — the line a user reads. */
export function formatProblem(problem: ConfigProblem): string {
  return formatLocated(located(problem));
}

/** Dotted config key for a path below the `dockyard` namespace; list positions as `[i]`. */
export function configKey(namespace: string, path: readonly PropertyKey[]): string {
  if (path.length === 0) return `${namespace}:`;
  return `${namespace}:${path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`)).join("")}`;
}

/** Renders a value a user gave, for "got …": JSON, YAML's names for non-finite numbers, URI passwords hidden. */
export function shown(value: unknown): string {
  return describeValue(value);
}

/** What a message says instead of a secret value. */
export const HIDDEN_VALUE = "(a secret: the value is not shown)";

/** Turns zod issues into problems a user can act on, using the schema's `expects` marks. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  file: string,
  namespace: string,
  hidden: (path: readonly PropertyKey[]) => boolean,
): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const node = schemaAt(schema, path);
      const allowed = node ? Object.keys((unwrapAll(node) as z.ZodObject).shape ?? {}) : [];
      return issue.keys.map((unknownKey) => {
        const renamed = renamedKey([...path.map(String), unknownKey]);
        return {
          file,
          key: configKey(namespace, [...path, unknownKey]),
          message:
            renamed === undefined
              ? `is not a known key (allowed here: ${allowed.join(", ") || "none"})`
              : `was renamed: write ${namespace}:${renamed}`,
        };
      });
    }
    const node = schemaAt(schema, path);
    const expected = node ? marksOf(node).expects : undefined;
    const input = (issue as { input?: unknown }).input;
    const got = hidden(path) ? ` ${HIDDEN_VALUE}` : `, got ${shown(input)}`;
    let message: string;
    const fromRule = issue.code === "custom" && (issue.params as { rule?: boolean } | undefined)?.rule === true;
    if (fromRule && input === undefined) {
      message = `is required${expected ? `: ${expected}` : ""}`;
    } else if (fromRule) {
      message = `${issue.message}${got}`;
    } else if (issue.code === "custom" && !(expected && input !== undefined)) {
      message = issue.message;
    } else {
      message = `must be ${expected ?? describeExpected(issue)}${got}`;
    }
    return [{ file, key: configKey(namespace, path), message }];
  });
}

/**
 * What a node without an `expects` mark takes. Every value has a rule or says what it takes,
 * and every section has a default: what is left is a section given as something else.
 */
function describeExpected(issue: z.core.$ZodIssue): string {
  return issue.code === "invalid_type" && issue.expected === "object" ? "a mapping of keys to values" : issue.message;
}

export { childSchema };
