import type { RecordedResource } from "../synth/recorder";

/** One way two evaluated stacks differ. */
export interface Difference {
  /** `type::name` of the resource, or `config`. */
  subject: string;
  /** Where inside it, e.g. `inputs.spec.replicas`, or `(missing)`. */
  path: string;
  a: unknown;
  b: unknown;
  /** Why it matters, when not the usual reason. */
  why?: string;
}

/** A resource's identity across stacks: its URN minus the stack and project part. */
function identity(resource: RecordedResource): string {
  return resource.urn.split("::").slice(2).join("::");
}

/**
 * Every difference between two resource graphs evaluated under the same stack name:
 * resources present on one side only, and for the others any difference in inputs,
 * options, parent, dependencies or provider.
 */
export function compareResources(a: readonly RecordedResource[], b: readonly RecordedResource[]): Difference[] {
  const left = new Map(a.map((resource) => [identity(resource), resource]));
  const right = new Map(b.map((resource) => [identity(resource), resource]));
  const differences: Difference[] = [];
  for (const [id, resource] of left) {
    const other = right.get(id);
    const subject = `${resource.type}::${resource.name}`;
    if (!other) {
      differences.push({ subject, path: "(resource)", a: "present", b: "absent" });
      continue;
    }
    const { urn: _a, ...leftRest } = resource;
    const { urn: _b, ...rightRest } = other;
    diffValues(leftRest, rightRest, "", (path, x, y) => differences.push({ subject, path, a: x, b: y }));
  }
  for (const [id, resource] of right) {
    if (!left.has(id))
      differences.push({
        subject: `${resource.type}::${resource.name}`,
        path: "(resource)",
        a: "absent",
        b: "present",
      });
  }
  return differences;
}

function diffValues(
  a: unknown,
  b: unknown,
  path: string,
  report: (path: string, a: unknown, b: unknown) => void,
): void {
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diffValues(item, b[i], `${path}[${i}]`, report));
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diffValues(a[key], b[key], path ? `${path}.${key}` : key, report);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) report(path, a, b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
