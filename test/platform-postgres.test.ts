/**
 * The database the topology runs from its upstream image: pinned by digest (versions.json) in
 * every stack alike and never built nor promoted, its password a generated secret file (masked
 * in every artefact, never in its environment), ready when pg_isready says so (no HTTP), its data
 * on a volume, admitted to nobody but its clients.
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../infra/delivery/images";
import { checkService, type SmokeDeps, smokePlan } from "../infra/delivery/smoke";
import { SECRETS_DIR } from "../infra/platform";
import { mockOutputs } from "../infra/synth/mock-outputs";
import { synthFiles } from "../infra/synth/write";
import VERSIONS from "../versions.json";
import { evaluate, ofType, type RecordedResource } from "./support/pulumi-harness";
import { admittedPeers, platformOf } from "./support/topology";
import { T } from "./support/types";

const UPSTREAM = VERSIONS.images.postgres.ref;
const workload = (resources: RecordedResource[]) =>
  ofType(resources, T.statefulSet).find((r) => r.name === "postgres")!;
type Container = { image: string; env: { name: string; value?: string }[]; readinessProbe: unknown; args: string[] };
const containerOf = (resource: RecordedResource) =>
  (resource.inputs as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0];

describe.each(["test", "prod"])("%s: postgres", (stack) => {
  it("runs the upstream image by digest, as the user its image has, its cluster below the volume's root", async () => {
    const { resources } = await evaluate(stack);
    const container = containerOf(workload(resources));
    expect(container.image).toBe(UPSTREAM);
    expect(container.env).toContainEqual({ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" });
    const pod = (workload(resources).inputs as { spec: { template: { spec: { securityContext: unknown } } } }).spec
      .template.spec;
    expect(pod.securityContext).toMatchObject({ fsGroup: 70 });
  });

  it("reads its generated password from a file, never from its environment, and no artefact shows it", async () => {
    const evaluation = await evaluate(stack);
    const container = containerOf(workload(evaluation.resources));
    expect(container.env).toContainEqual({ name: "POSTGRES_PASSWORD_FILE", value: `${SECRETS_DIR}/password` });
    expect(container.env.map((e) => e.name)).not.toContain("POSTGRES_PASSWORD");
    const password = ofType(evaluation.resources, T.password).find((p) => p.name === "postgres-password")!;
    const generated = String(mockOutputs(password.type, password.name, { length: password.inputs.length }).result);
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(Object.values(synthFiles(evaluation)).join("\n")).not.toContain(generated);
  });

  it("is ready when pg_isready answers, and admits only its clients", async () => {
    const { resources } = await evaluate(stack);
    expect(containerOf(workload(resources)).readinessProbe).toMatchObject({
      exec: { command: expect.arrayContaining(["pg_isready"]) as unknown },
    });
    const policy = ofType(resources, T.networkPolicy).find((p) => p.name === "postgres")!;
    type Rules = { spec: { ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[] }[] } };
    const admitted = (policy.inputs as Rules).spec.ingress.flatMap((rule) =>
      rule.from.map((peer) => peer.podSelector.matchLabels["app.kubernetes.io/instance"]),
    );
    // Its clients, and the job dumping it (whose pods a restore shares labels with).
    expect(admitted.sort()).toEqual(admittedPeers(platformOf(stack), "postgres").sort());
    expect(admitted).toContain("postgres-data-backup");
  });

  it("is neither built nor promoted: CI's plan and the stack's image outputs leave it out", async () => {
    expect(buildPlan(stack, `stacks/Pulumi.${stack}.yaml`, () => "abc123").map((build) => build.name)).not.toContain(
      "postgres",
    );
    const { outputs } = await evaluate(stack);
    expect(Object.keys(outputs.images as object)).not.toContain("postgres");
  });

  it("smoke runs pg_isready in its pod, with no HTTP path, and checks the upstream digest runs", async () => {
    const plan = await smokePlan(`stacks/Pulumi.${stack}.yaml`);
    expect(plan.services.find((service) => service.name === "postgres")).toEqual({
      name: "postgres",
      healthCommand: expect.arrayContaining(["pg_isready"]) as unknown,
      port: 5432,
      hostPort: 5432,
      image: UPSTREAM,
    });
  });
});

describe("dev: postgres", () => {
  it("pulls the same digest, and Docker checks it with pg_isready", async () => {
    const { resources } = await evaluate("dev");
    const container = ofType(resources, T.container).find((c) => c.name === "postgres")!;
    expect(String(container.inputs.image)).toBe(UPSTREAM);
    expect((container.inputs.healthcheck as { tests: string[] }).tests.slice(0, 2)).toEqual(["CMD", "pg_isready"]);
  });

  it("smoke asks Docker for the container's health, and reports anything but healthy", async () => {
    const target = { name: "postgres", port: 5432, hostPort: 5432 };
    const plan = { target: "docker" as const, namespace: "", services: [target] };
    const calls: string[][] = [];
    const deps = (status: string): SmokeDeps => ({
      run: (command, args) => (calls.push([command, ...args]), Promise.resolve(`${status}\n`)),
      fetch: () => Promise.reject(new Error("no HTTP for postgres")),
      sleep: () => Promise.resolve(),
      now: () => 0,
    });
    expect(await checkService(plan, target, deps("healthy"))).toEqual([]);
    expect(calls).toEqual([["docker", "inspect", "--format", "{{.State.Health.Status}}", "postgres"]]);
    expect(await checkService(plan, target, deps("starting"))).toEqual([
      "postgres: Docker reports its container starting",
    ]);
  });
});
