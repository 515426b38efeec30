/**
 * Setup of the Node-only suite: the stack traces Pulumi's SDK takes for its own bookkeeping are
 * not formatted. The SDK captures one (`new Error()`, no message) for every promise it creates
 * (shown only if a promise leaks at exit) and, at full depth, for every resource it registers
 * (parsed for the resource's source position, which mocks ignore); vitest mapped every frame of
 * each through source maps, which made a prod evaluation take 360 ms instead of 150–190 ms.
 * Every other error, and every error a failing test prints, keeps its mapped trace. (Evaluations
 * of whole stacks also capture none: infra/synth/sdk-stacks.ts.)
 */
import { isSdkBookkeeping } from "../../infra/synth/sdk-stacks";

const MARK = Symbol.for("dockyard.unmappedSdkStacks");

type Prepare = ((error: Error, frames: NodeJS.CallSite[]) => unknown) & { [MARK]?: true };

const mapped = Reflect.get(Error, "prepareStackTrace") as Prepare | undefined;
if (mapped !== undefined && mapped[MARK] === undefined) {
  const prepare: Prepare = (error, frames) => (isSdkBookkeeping(error) ? "Error" : mapped.call(Error, error, frames));
  prepare[MARK] = true;
  Error.prepareStackTrace = prepare;
}
