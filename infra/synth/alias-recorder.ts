/**
 * The alias options each registration carries, which resources.json does not hold. The providers' SDK
 * classes declare some (a Kubernetes Deployment is also known by its `apps/v1beta1`, `apps/v1beta2` and
 * `extensions/v1beta1` types), the program others (a Certificate adopted from where an earlier version
 * declared it). The yardstick's plain program declares the same ones when asked, so the two programs
 * send the same registrations, options included; tests read the program's own.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceRecorder } from "./recorder";

/** One alias as the program declared it: a URN, or a spec of what differs (`parent` when it is not the resource's own). */
export type RecordedAlias =
  | string
  | { name?: string; type?: string; stack?: string; project?: string; parent?: string; noParent?: true };

/** A ResourceRecorder that also keeps each resource's aliases, by URN. */
export class AliasRecorder extends ResourceRecorder {
  /** Aliases by URN, for the resources that declared any. */
  readonly aliases: Record<string, RecordedAlias[]> = {};

  /** Installs the mocks, recording aliases beside the resources. */
  override async install(project: string, stack: string): Promise<void> {
    await super.install(project, stack);
    const monitor = pulumi.runtime.getMonitor() as unknown as AliasMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
      register(request, (error, response) => {
        const aliases = request.getAliasesList();
        if (!error && response && aliases.length > 0)
          this.aliases[response.getUrn()] = aliases.map((alias) => recorded(alias, request.getParent()));
        callback(error, response);
      });
  }
}

/** The options that declare `recorded` again (a plain program passes them as `aliases`). */
export function aliasOptions(aliases: readonly RecordedAlias[]): pulumi.Input<string | pulumi.Alias>[] {
  return aliases.map((alias) => {
    if (typeof alias === "string") return alias;
    const { noParent, ...spec } = alias;
    return noParent ? { ...spec, parent: undefined } : spec;
  });
}

function recorded(alias: AliasMessage, parent: string): RecordedAlias {
  const urn = alias.getUrn();
  if (urn) return urn;
  const spec = alias.getSpec();
  const fields = {
    name: spec.getName(),
    type: spec.getType(),
    stack: spec.getStack(),
    project: spec.getProject(),
    // Left out when it is the resource's own parent: the SDK fills that in.
    parent: spec.getParenturn() === parent ? "" : spec.getParenturn(),
  };
  return {
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== "")),
    ...(spec.getNoparent() ? { noParent: true as const } : {}),
  };
}

interface AliasMessage {
  getUrn(): string;
  getSpec(): {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
  };
}
interface AliasMonitor {
  registerResource(
    request: { getAliasesList(): AliasMessage[]; getParent(): string },
    callback: (error: Error | null, response?: { getUrn(): string }) => void,
  ): void;
}
