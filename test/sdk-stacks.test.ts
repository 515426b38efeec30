import { afterEach, describe, expect, it } from "vitest";
import { evaluateStack } from "../infra/synth/evaluate";
import { withoutSdkStacks } from "../infra/synth/sdk-stacks";
import { synthFiles } from "../infra/synth/write";

const debug = process.env.DOCKYARD_DEBUG;
afterEach(() => {
  if (debug === undefined) delete process.env.DOCKYARD_DEBUG;
  else process.env.DOCKYARD_DEBUG = debug;
});

describe("offline evaluation captures no SDK stack trace", () => {
  it("captures none while it runs, formats the SDK's message-less errors bare, and restores both after", async () => {
    const [limit, prepare] = [Error.stackTraceLimit, Reflect.get(Error, "prepareStackTrace") as unknown];
    const inside = await withoutSdkStacks(() => {
      Error.stackTraceLimit = Infinity; // as the SDK does for a resource's source position
      const seen = { bookkeeping: new Error().stack, user: new TypeError("bad input").stack };
      Error.stackTraceLimit = 0;
      return Promise.resolve({ ...seen, limit: Error.stackTraceLimit, promise: new Error().stack });
    }, {});
    expect(inside.bookkeeping).toBe("Error");
    expect(inside.user).toMatch(/^TypeError: bad input\n\s+at /);
    expect(inside.promise).toBe("Error");
    expect([Error.stackTraceLimit, Reflect.get(Error, "prepareStackTrace") as unknown]).toEqual([limit, prepare]);
  });

  it("keeps every trace with DOCKYARD_DEBUG=1", async () => {
    const limit = Error.stackTraceLimit;
    const inside = await withoutSdkStacks(
      () => Promise.resolve({ limit: Error.stackTraceLimit, stack: new Error("traced").stack }),
      { DOCKYARD_DEBUG: "1" },
    );
    expect(limit).toBeGreaterThan(0);
    expect(inside).toEqual({ limit, stack: expect.stringMatching(/^Error: traced\n\s+at /) as unknown });
  });

  it.each(["dev", "prod"])("%s declares byte-identical artefacts with and without the traces", async (stack) => {
    const lean = synthFiles(await evaluateStack(stack));
    process.env.DOCKYARD_DEBUG = "1";
    const traced = synthFiles(await evaluateStack(stack));
    expect(Object.keys(lean).length).toBeGreaterThan(5);
    expect(lean).toEqual(traced);
  });
});
