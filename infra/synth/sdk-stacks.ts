/**
 * Offline evaluation takes no stack trace that nobody reads. Pulumi's SDK captures one for every
 * promise it creates (`new Error().stack`, shown only if a promise leaks at exit) and, at full
 * depth, one per resource for its source position (which mocks ignore): at scale that is a sixth
 * of an evaluation's CPU. While an evaluation runs, traces are not captured (stack trace limit 0)
 * and the SDK's message-less plain errors format to "Error"; what the program declares is the
 * same. `DOCKYARD_DEBUG=1` keeps every trace.
 */

/** The errors the SDK creates only to read a stack from: plain `Error`s with no message. */
export function isSdkBookkeeping(error: Error): boolean {
  return error.constructor === Error && error.message === "";
}

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** Runs `evaluate` without the SDK's bookkeeping traces (unless `DOCKYARD_DEBUG=1`), then restores both settings. */
export async function withoutSdkStacks<T>(evaluate: () => Promise<T>, env = process.env): Promise<T> {
  if (env.DOCKYARD_DEBUG === "1") return evaluate();
  const limit = Error.stackTraceLimit;
  const prepare = Reflect.get(Error, "prepareStackTrace") as PrepareStackTrace | undefined;
  Error.stackTraceLimit = 0;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): unknown =>
    isSdkBookkeeping(error)
      ? "Error"
      : prepare !== undefined
        ? prepare.call(Error, error, frames)
        : [
            String(error),
            ...frames.map((frame) => `    at ${frame.getFileName() ?? "<anonymous>"}:${frame.getLineNumber()}`),
          ].join("\n");
  try {
    return await evaluate();
  } finally {
    Error.stackTraceLimit = limit;
    Reflect.set(Error, "prepareStackTrace", prepare);
  }
}
