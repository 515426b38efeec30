import * as pulumi from "@pulumi/pulumi";
import { offline } from "../../components/internal";
import { mockOutputs } from "./mock-outputs";

/** Written in place of every secret value. */
export const SECRET_MARKER = "[secret]";

/** One resource the program declared, as synth reports it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource, or null for the stack itself. */
  parent: string | null;
  /** URNs this resource explicitly or implicitly depends on. */
  dependencies: string[];
  /** Inputs as the program passed them, secrets replaced by {@link SECRET_MARKER}. */
  inputs: Record<string, unknown>;
  /** Whether it is a custom (provider-managed) resource rather than a component. */
  custom: boolean;
  /** Reference to the explicit provider, if any (`urn::id`). */
  provider?: string;
  /** Resource options that guard data and shape updates. */
  options: {
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
    /** How long the engine waits on create and update, when the program bounds it. */
    customTimeouts?: { create: string; update: string; delete: string };
  };
}

/** Function tokens the program is allowed to call, with their offline results. */
const KNOWN_CALLS: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {};

/**
 * Pulumi mocks that record every resource registration with its parent, dependencies
 * and inputs. `call()` rejects any function token not listed in {@link KNOWN_CALLS},
 * so a new provider call can never pass silently.
 */
export class ResourceRecorder {
  readonly resources: RecordedResource[] = [];
  /** The root stack's outputs as registered (secrets masked), once the program has returned. */
  stackOutputs: Record<string, unknown> | undefined;

  readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({
      id: args.custom ? `${args.name}-id` : undefined,
      state: {
        ...(args.inputs as Record<string, unknown>),
        ...mockOutputs(args.type, args.name, args.inputs as Record<string, unknown>),
      },
    }),
    call: (args) => {
      const known = KNOWN_CALLS[args.token];
      if (!known) throw new Error(`unexpected call to ${args.token}: add it to KNOWN_CALLS in infra/synth/recorder.ts`);
      return known(args.inputs as Record<string, unknown>);
    },
  };

  /** Installs the mocks and starts recording. Call before the program declares anything. */
  async install(project: string, stack: string): Promise<void> {
    await pulumi.runtime.setMocks(this.mocks, project, stack, false);
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike | undefined;
    if (!monitor) throw new Error("Pulumi mocks did not install a resource monitor");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
      register(request, (error, response) => {
        if (!error && response) this.record(request, response.getUrn());
        callback(error, response);
      });
    // Outputs as the engine receives them: secret-ness intact, unlike the program's resolved return value.
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (request, callback) => {
      if (request.getUrn().includes("::pulumi:pulumi:Stack::")) {
        this.stackOutputs = maskInputs(pulumi.runtime.deserializeProperties(request.getOutputs())) as Record<
          string,
          unknown
        >;
      }
      registerOutputs(request, callback);
    };
  }

  private record(request: RegisterRequest, urn: string): void {
    const inputs = pulumi.runtime.deserializeProperties(request.getObject()) as Record<string, unknown>;
    this.resources.push({
      urn,
      type: request.getType(),
      name: request.getName(),
      parent: request.getParent() || null,
      dependencies: [...new Set(request.getDependenciesList())].sort(),
      inputs: maskInputs(inputs) as Record<string, unknown>,
      custom: request.getCustom(),
      ...(request.getProvider() ? { provider: request.getProvider() } : {}),
      options: {
        protect: request.getProtect(),
        retainOnDelete: request.getRetainondelete(),
        deleteBeforeReplace: request.getDeletebeforereplace(),
        ignoreChanges: request.getIgnorechangesList(),
        additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
        ...customTimeouts(request),
      },
    });
  }
}

/**
 * Replaces secret values by the marker (keeping their keys), resources by their URN, assets by
 * their path, provider code by its size (offline evaluation leaves it out: the marker says so).
 */
export function maskInputs(value: unknown, key = ""): unknown {
  if (typeof value === "string")
    return key === "__provider" && value !== offline.UNSERIALIZED_PROVIDER
      ? `[dynamic provider code, ${value.length} bytes]`
      : value;
  if (Array.isArray(value)) return value.map((item) => maskInputs(item));
  if (pulumi.Resource.isInstance(value)) return { resource: `${value.constructor.name}` };
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value))
    return { asset: describeAsset(value) };
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return maskSecret(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, inner]) => [k, maskInputs(inner, k)]));
  }
  return value;
}

/**
 * A secret's shape with every value replaced by the marker: keys stay (a Secret's file
 * names, a config block's field names are not secret) so artefacts keep their structure.
 */
function maskSecret(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecret);
  if (typeof value === "object" && value !== null && !pulumi.Resource.isInstance(value)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, maskSecret(inner)]),
    );
  }
  return SECRET_MARKER;
}

function describeAsset(value: unknown): string {
  const { path, uri, text } = value as { path?: unknown; text?: unknown; uri?: unknown };
  if (typeof path === "string") return path;
  if (typeof uri === "string") return uri;
  return typeof text === "string" ? `[text, ${text.length} bytes]` : "[archive]";
}

/** The parts of the SDK's gRPC request and monitor that recording needs. */
/** The request's custom timeouts, when any is set (the SDK always sends the message, empty). */
function customTimeouts(request: RegisterRequest): {
  customTimeouts?: { create: string; update: string; delete: string };
} {
  const timeouts = request.getCustomtimeouts();
  if (timeouts === undefined) return {};
  const [create, update, remove] = [timeouts.getCreate(), timeouts.getUpdate(), timeouts.getDelete()];
  return create || update || remove ? { customTimeouts: { create, update, delete: remove } } : {};
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
}
interface MonitorLike {
  registerResource(
    request: RegisterRequest,
    callback: (error: Error | null, response?: { getUrn(): string }) => void,
  ): void;
  registerResourceOutputs(
    request: { getUrn(): string; getOutputs(): Parameters<typeof pulumi.runtime.deserializeProperties>[0] },
    callback: (error: Error | null, response?: unknown) => void,
  ): void;
}
