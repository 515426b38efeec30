import * as pulumi from "@pulumi/pulumi";

/**
 * A caller passed a component an argument it cannot accept.
 *
 * The message names the component instance and the argument path, what was wrong
 * and what would be right, e.g.
 * `ContainerService "web": ports[0].containerPort must be an integer from 1 to 65535, got 0`.
 * It extends {@link pulumi.RunError} so `pulumi up` prints the message without a stack trace.
 */
export class ComponentArgError extends pulumi.RunError {
  constructor(
    /** Component type and instance, e.g. `ContainerService "web"`. */
    readonly component: string,
    /** Path of the argument, e.g. `ports[0].containerPort`. */
    readonly argument: string,
    /** What was wrong and what is allowed. */
    readonly problem: string,
  ) {
    super(`${component}: ${argument} ${problem}`);
    this.name = "ComponentArgError";
  }
}

/** Renders a received value for an error message: JSON for data, a type name otherwise. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
