import { describe, expect, it } from "vitest";
import type { ContainerServiceArgs } from "../../components/container-service";
import { IMAGE_PULL_ALLOWANCE_SECONDS, rolloutWithinSeconds } from "../../components/container-service/rollout";
import { resolveServiceSpec } from "../../components/workload/resolve";
import { evaluate } from "../support/pulumi-harness";
import { MINIMAL, volumeRef } from "./support/fixtures";
import { T } from "../support/types";

const HTTP = {
  ports: [{ containerPort: 8080, name: "http" }],
  healthCheck: { path: "/healthz" },
} satisfies Partial<ContainerServiceArgs>;
const bound = (args: Partial<ContainerServiceArgs>) =>
  rolloutWithinSeconds(resolveServiceSpec("web", { ...MINIMAL, ...args }));
const stateful = {
  volumes: [{ volume: volumeRef("data"), mountPath: "/data" }],
} satisfies Partial<ContainerServiceArgs>;

describe("each workload's wait is bounded by its own rollout", () => {
  it.each(["test", "prod"])(
    "%s: every Deployment, StatefulSet and Service the engine waits on has a bound",
    async (stack) => {
      const { resources } = await evaluate(stack);
      const awaited = resources.filter((r) => [T.deployment, T.statefulSet, T.service].includes(r.type));
      expect(awaited.length).toBeGreaterThanOrEqual(3);
      for (const resource of awaited) {
        const timeouts = resource.options.customTimeouts;
        expect(timeouts?.create, resource.urn).toMatch(/^\d+s$/);
        expect(timeouts?.update, resource.urn).toBe(timeouts?.create);
      }
    },
  );

  it.each(["test", "prod"])(
    "%s: every object awaited through pulumi.com/waitFor (Certificate, Gateway, HTTPRoute) has a bound",
    async (stack) => {
      const { resources } = await evaluate(stack);
      const awaited = resources.filter(
        (r) =>
          (r.inputs as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.[
            "pulumi.com/waitFor"
          ],
      );
      expect(new Set(awaited.map((r) => r.type.split(":").pop()))).toEqual(
        new Set(["Certificate", "Gateway", "HTTPRoute"]),
      );
      for (const resource of awaited) {
        const timeouts = resource.options.customTimeouts;
        expect(timeouts?.create, resource.urn).toMatch(/^\d+s$/);
        expect(timeouts?.update, resource.urn).toBe(timeouts?.create);
      }
    },
  );

  it("a longer health check, more pods one at a time, or a longer stop allows more time", () => {
    expect(bound({ ...HTTP, healthCheck: { path: "/healthz", startPeriodSeconds: 60 } })).toBeGreaterThan(bound(HTTP));
    expect(bound({ ...HTTP, ...stateful, replicas: 1 })).toBeLessThan(
      bound({ ...HTTP, ...stateful, replicas: 1, stopGracePeriodSeconds: 60 }),
    );
    expect(
      bound({ ...HTTP, replicas: 3, volumes: [{ volume: volumeRef("data", "ReadWriteMany"), mountPath: "/data" }] }),
    ).toBeGreaterThan(bound(HTTP));
  });

  it("a Deployment rolls out in at most four waves, however many pods; a StatefulSet one pod at a time", () => {
    expect(bound({ ...HTTP, replicas: 40 })).toBe(bound({ ...HTTP, replicas: 4 }));
    expect(bound({ ...HTTP, replicas: 4 })).toBe(4 * bound({ ...HTTP, replicas: 1 }));
    expect(bound({ ...HTTP, autoscaling: { minReplicas: 2, maxReplicas: 3 } })).toBe(bound({ ...HTTP, replicas: 3 }));
  });

  it("without a health check, each wave is the image pull allowance", () => {
    expect(bound({ replicas: 2 })).toBe(2 * IMAGE_PULL_ALLOWANCE_SECONDS);
  });

  it("rolloutTimeoutSeconds overrides the derived bound, within 30–86,400", () => {
    expect(bound({ ...HTTP, rolloutTimeoutSeconds: 45 })).toBe(45);
    for (const value of [29, 86_401, 1.5])
      expect(() => bound({ ...HTTP, rolloutTimeoutSeconds: value })).toThrow(/rolloutTimeoutSeconds/);
  });
});
