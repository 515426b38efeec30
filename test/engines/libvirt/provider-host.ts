// Plays the Pulumi engine against the SDK's own dynamic-provider host
// (@pulumi/pulumi/cmd/dynamic-provider): starts it as `pulumi up` does, then drives the
// ResourceProvider gRPC service with the SDK's generated client and messages.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb";

// Load gRPC and protobuf through the SDK, so client, messages and host share one copy of each.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/proto/provider_grpc_pb"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const rpc = sdkRequire("./provider_grpc_pb") as typeof providerGrpc;
const pb = sdkRequire("./provider_pb") as typeof providerPb;
const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof structPb;

/** Entry point of the provider host that the Pulumi CLI runs for dynamic resources. */
export const HOST_SCRIPT = join(dirname(require.resolve("@pulumi/pulumi")), "cmd", "dynamic-provider", "index.js");

type Props = Record<string, unknown>;

/** What Diff answered. */
export interface DiffAnswer {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A running provider host and a client for it. */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: providerGrpc.ResourceProviderClient,
    /** Everything the host wrote to stderr (its console.error / console.warn). */
    readonly stderr: string[],
  ) {}

  /**
   * Starts the host. Its one argument is the engine's address; this SDK version's host only
   * checks that it is present and never dials it (it logs to stderr), so no engine stub is needed.
   */
  static async start(cwd: string): Promise<ProviderHost> {
    const child = spawn(process.execPath, [HOST_SCRIPT, "127.0.0.1:1"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stderr: string[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`provider host printed no port within 20 s; stderr: ${stderr.join("")}`)),
        20_000,
      );
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = /^(\d+)\s*$/m.exec(out);
        if (line) {
          clearTimeout(timer);
          resolve(Number(line[1]));
        }
      });
      child.on("exit", (code) => reject(new Error(`provider host exited with ${code}; stderr: ${stderr.join("")}`)));
    });
    const client = new rpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, stderr);
  }

  /** Stops the host process (the one this object started). */
  stop(): void {
    this.client.close();
    this.child.kill("SIGTERM");
  }

  configure(): Promise<void> {
    const request = new pb.ConfigureRequest();
    request.setArgs(Struct.fromJavaScript({}));
    request.setAcceptsecrets(true);
    return this.call<providerPb.ConfigureResponse>((cb) => this.client.configure(request, cb)).then(() => undefined);
  }

  async check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const request = new pb.CheckRequest();
    request.setUrn(urn);
    request.setOlds(Struct.fromJavaScript(olds as never));
    request.setNews(Struct.fromJavaScript(news as never));
    const response = await this.call<providerPb.CheckResponse>((cb) => this.client.check(request, cb));
    return {
      inputs: response.getInputs()?.toJavaScript() ?? {},
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new pb.CreateRequest();
    request.setUrn(urn);
    request.setProperties(Struct.fromJavaScript(properties as never));
    const response = await this.call<providerPb.CreateResponse>((cb) => this.client.create(request, cb));
    return { id: response.getId(), properties: response.getProperties()?.toJavaScript() ?? {} };
  }

  async read(urn: string, id: string, properties: Props): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const request = new pb.ReadRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(Struct.fromJavaScript(properties as never));
    const response = await this.call<providerPb.ReadResponse>((cb) => this.client.read(request, cb));
    return {
      id: response.getId(),
      properties: response.getProperties()?.toJavaScript() ?? {},
      inputs: response.getInputs()?.toJavaScript(),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const request = new pb.DiffRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(Struct.fromJavaScript(olds as never));
    request.setNews(Struct.fromJavaScript(news as never));
    const response = await this.call<providerPb.DiffResponse>((cb) => this.client.diff(request, cb));
    const kinds = pb.DiffResponse.DiffChanges;
    const changes =
      response.getChanges() === kinds.DIFF_SOME
        ? "some"
        : response.getChanges() === kinds.DIFF_NONE
          ? "none"
          : "unknown";
    return { changes, replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const request = new pb.UpdateRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(Struct.fromJavaScript(olds as never));
    request.setNews(Struct.fromJavaScript(news as never));
    const response = await this.call<providerPb.UpdateResponse>((cb) => this.client.update(request, cb));
    return response.getProperties()?.toJavaScript() ?? {};
  }

  async delete(urn: string, id: string, properties: Props): Promise<void> {
    const request = new pb.DeleteRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(Struct.fromJavaScript(properties as never));
    await this.call((cb) => this.client.delete(request, cb));
  }

  private call<T>(invoke: (callback: (error: Error | null, response: T) => void) => unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      invoke((error, response) => (error ? reject(error) : resolve(response)));
    });
  }
}

/** One resource as the SDK would register it: type token, URN and inputs (incl. `__provider`). */
export interface Registered {
  type: string;
  urn: string;
  inputs: Props;
}

/**
 * Declares resources under Pulumi mocks and returns their inputs exactly as the SDK sends
 * them to the engine: rendered definitions plus the provider serialized into `__provider`.
 */
export async function registrations(declare: () => void, stack = "engine-test"): Promise<Map<string, Registered>> {
  const found = new Map<string, Registered>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const urn = `urn:pulumi:${stack}::dockyard::${args.type}::${args.name}`;
        found.set(args.name, { type: args.type, urn, inputs: args.inputs as Props });
        return { id: `${args.name}-id`, state: args.inputs as Props };
      },
      call: (args) => {
        throw new Error(`unexpected call to ${args.token}`);
      },
    },
    "dockyard",
    stack,
    false,
  );
  declare();
  await pulumi.runtime.disconnect();
  return found;
}
