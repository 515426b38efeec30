import { describe, expect, it } from "vitest";
import { Probe } from "kubernetes-models/v1/Probe";
import { dockerHealthcheck, dockerHealthyWithinSeconds, kubernetesProbes } from "../../components/workload/probes";
import { plain, serviceSpec } from "./support/fixtures";
import type { HealthCheckArgs } from "../../components/workload/args";
import type { HealthCheckSpec } from "../../components/workload/spec";
import type { IProbe } from "kubernetes-models/v1/Probe";

function check(healthCheck: HealthCheckArgs): HealthCheckSpec {
  const spec = serviceSpec({ ports: [{ containerPort: 8080 }], healthCheck });
  if (spec.healthCheck === undefined) throw new Error("no health check resolved");
  return spec.healthCheck;
}

/**
 * When Docker's health monitor has decided, at the latest, for a container that passes only its
 * last chance: it probes `interval` after each probe ends, a probe may run for the whole timeout,
 * and a failure counts only if its probe started after the start period (moby's daemon/health.go);
 * the container is unhealthy at the `retries`-th counted failure, so that probe's end is the decision.
 */
function dockerDecidesWithin(timing: {
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}): number {
  let ended = 0;
  for (let counted = 0; counted < timing.retries;) {
    const started = ended + timing.intervalSeconds;
    ended = started + timing.timeoutSeconds;
    if (started >= timing.startPeriodSeconds) counted++;
  }
  return ended;
}

describe("dockerHealthcheck", () => {
  it("runs the command in exec form with Docker durations", () => {
    const hc = check({
      command: ["/nodejs/bin/node", "/app/healthcheck.ts"],
      intervalSeconds: 5,
      timeoutSeconds: 2,
      retries: 4,
      startPeriodSeconds: 20,
    });
    expect(dockerHealthcheck(hc)).toEqual({
      tests: ["CMD", "/nodejs/bin/node", "/app/healthcheck.ts"],
      interval: "5s",
      timeout: "2s",
      retries: 4,
      startPeriod: "20s",
    });
  });

  it.each([
    { intervalSeconds: 5, timeoutSeconds: 2, retries: 4, startPeriodSeconds: 20 },
    { intervalSeconds: 1, timeoutSeconds: 1, retries: 1, startPeriodSeconds: 0 },
    { intervalSeconds: 30, timeoutSeconds: 10, retries: 3, startPeriodSeconds: 7 },
    { intervalSeconds: 2, timeoutSeconds: 5, retries: 10, startPeriodSeconds: 300 },
    // A probe starts just before the start period ends: its failure does not count.
    { intervalSeconds: 1, timeoutSeconds: 30, retries: 2, startPeriodSeconds: 2 },
  ])("waits until Docker has decided, and at most two checks and half a minute longer (%j)", (timing) => {
    const hc = check({ command: ["/check"], ...timing });
    const decided = dockerDecidesWithin(timing);
    const wait = dockerHealthyWithinSeconds(hc);
    expect(wait).toBeGreaterThanOrEqual(decided);
    expect(wait - decided).toBeLessThanOrEqual(2 * (timing.intervalSeconds + timing.timeoutSeconds) + 30);
  });

  it("refuses a check without a command (resolution guarantees one on Docker)", () => {
    expect(() => dockerHealthcheck(check({ path: "/healthz" }))).toThrow("needs a command");
  });
});

describe("kubernetesProbes", () => {
  it("probes the HTTP path when there is one: readiness strict, liveness tolerant, startup for the start period", () => {
    const probes = kubernetesProbes(
      check({
        path: "/healthz",
        command: ["/check"],
        intervalSeconds: 5,
        timeoutSeconds: 2,
        retries: 4,
        startPeriodSeconds: 22,
      }),
    );
    const httpGet = { path: "/healthz", port: 8080, scheme: "HTTP" };
    // out of the Service after 4 failures 3 s apart (12 s)
    expect(probes.readinessProbe).toEqual({
      httpGet,
      periodSeconds: 3,
      timeoutSeconds: 2,
      failureThreshold: 4,
      successThreshold: 1,
    });
    // restarted only after 8 failures 5 s apart (40 s), each allowed twice the time
    expect(probes.livenessProbe).toEqual({
      httpGet,
      periodSeconds: 5,
      timeoutSeconds: 4,
      failureThreshold: 8,
      successThreshold: 1,
    });
    // 22 s start period at 5 s intervals = 5 checks ignored, then 4 retries
    expect(probes.startupProbe).toEqual({
      httpGet,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 5 + 4,
      successThreshold: 1,
    });
  });

  it("readiness asks readinessPath when given; liveness and startup ask path", () => {
    const probes = kubernetesProbes(check({ path: "/healthz", readinessPath: "/readyz" }));
    const path = (probe: unknown) => plain<IProbe>(probe).httpGet?.path;
    expect(path(probes.readinessProbe)).toBe("/readyz");
    expect(path(probes.livenessProbe)).toBe("/healthz");
    expect(path(probes.startupProbe)).toBe("/healthz");
  });

  it.each([
    { path: "/healthz" },
    { command: ["/check"] },
    { path: "/healthz", readinessPath: "/readyz", intervalSeconds: 1, timeoutSeconds: 1, retries: 1 },
  ] as HealthCheckArgs[])("readiness and liveness never match (%j)", (args) => {
    const probes = kubernetesProbes(check(args));
    expect(probes.readinessProbe).not.toEqual(probes.livenessProbe);
    // taken out of rotation sooner than restarted
    const after = (p: IProbe) => (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
    expect(after(plain<IProbe>(probes.readinessProbe))).toBeLessThan(after(plain<IProbe>(probes.livenessProbe)));
  });

  it("runs the command when there is no path", () => {
    const probes = kubernetesProbes(check({ command: ["/check", "--quick"], startPeriodSeconds: 0 }));
    expect(probes.readinessProbe.exec).toEqual({ command: ["/check", "--quick"] });
    expect(probes.startupProbe.failureThreshold).toBe(3);
  });

  it("renders probes that pass the Kubernetes schema", () => {
    const probes = kubernetesProbes(check({ path: "/healthz" }));
    for (const probe of [probes.readinessProbe, probes.livenessProbe, probes.startupProbe]) {
      expect(() => new Probe(plain<IProbe>(probe)).validate()).not.toThrow();
    }
  });
});
