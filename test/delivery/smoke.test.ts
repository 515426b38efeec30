/** `npm run smoke`: replicas ready, pinned image running, the service's own check passing in a pod. */
import { SERVICE_NAMES } from "../support/topology";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { smoke, type SmokeDeps, type SmokePlan, smokePlan } from "../../infra/delivery/smoke";

const PINNED = `registry.test.example.internal/web@sha256:${"a".repeat(64)}`;

function cluster(state: { ready: number; image: string; healthy: boolean }) {
  const calls: string[][] = [];
  let clock = 0;
  const deps: SmokeDeps = {
    run: (command, args) => {
      calls.push([command, ...args]);
      if (args.includes("--raw") || args.includes("exec"))
        return state.healthy ? Promise.resolve("ok") : Promise.reject(new Error("503 Service Unavailable"));
      const item = {
        kind: "StatefulSet",
        metadata: { name: "web-1a2b3c4" },
        spec: { replicas: 1, template: { spec: { containers: [{ image: state.image }] } } },
        status: { readyReplicas: state.ready, updatedReplicas: state.ready },
      };
      return Promise.resolve(JSON.stringify({ items: [item] }));
    },
    fetch: () => Promise.resolve({ ok: state.healthy, status: state.healthy ? 200 : 503 }),
    sleep: () => {
      clock += 5000;
      return Promise.resolve();
    },
    now: () => clock,
  };
  return { calls, deps };
}

describe("smoke", () => {
  it("reads where the services are and what they should run from the stack file", async () => {
    const plan = await smokePlan("stacks/Pulumi.test.yaml");
    expect(plan).toMatchObject({ target: "kubernetes", context: "dockyard-test", namespace: "dockyard-test" });
    expect(plan.services.map((service) => service.name)).toEqual(SERVICE_NAMES);
    expect(plan.services).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "web", healthPath: "/healthz", port: 8080, hostPort: 8080 }),
        expect.objectContaining({ name: "front", healthPath: "/healthz", port: 8080, hostPort: 8081 }),
      ]),
    );
  });

  it("refuses a secret namespace or context (the offline stand-in would be looked for), naming file and key", async () => {
    const ciphertext = "v1:QUJDREVGR0hJSktMTU5PUA==:c2VjcmV0LWNpcGhlcnRleHQ=";
    const file = join(mkdtempSync(join(tmpdir(), "dockyard-smoke-")), "Pulumi.test.yaml");
    writeFileSync(
      file,
      readFileSync("stacks/Pulumi.test.yaml", "utf8")
        .replace("kubeContext: dockyard-test", `kubeContext: { secure: "${ciphertext}" }`)
        .replace("namespace: dockyard-test", `namespace: { secure: "${ciphertext}" }`),
    );
    const refused = smokePlan(file);
    await expect(refused).rejects.toThrow(
      `${file}: dockyard:endpoints.kubeContext is a secret, which smoke cannot read offline: set it in plain text (it names the cluster's objects, it is no credential)\n` +
        `${file}: dockyard:endpoints.namespace is a secret, which smoke cannot read offline`,
    );
    await expect(refused).rejects.not.toThrow(/offline-secret-value/);
  });

  const plan: SmokePlan = {
    target: "kubernetes",
    context: "dockyard-test",
    namespace: "dockyard-test",
    services: [
      {
        name: "web",
        healthPath: "/healthz",
        healthCommand: ["/nodejs/bin/node", "/app/healthcheck.ts"],
        port: 8080,
        hostPort: 8080,
        image: PINNED,
      },
    ],
  };

  it("passes when every replica is ready on the pinned image and its own check passes in a pod", async () => {
    const { calls, deps } = cluster({ ready: 1, image: PINNED, healthy: true });
    expect(await smoke(plan, 60, deps)).toEqual([]);
    expect(calls).toEqual([
      [
        "kubectl",
        "--context",
        "dockyard-test",
        "--namespace",
        "dockyard-test",
        "get",
        "deployments,statefulsets",
        "-l",
        "app.kubernetes.io/instance=web",
        "-o",
        "json",
      ],
      [
        "kubectl",
        "--context",
        "dockyard-test",
        "--namespace",
        "dockyard-test",
        "exec",
        "statefulset/web-1a2b3c4",
        "--container",
        "web",
        "--",
        "/nodejs/bin/node",
        "/app/healthcheck.ts",
      ],
    ]);
  });

  it("asks a service with an HTTP path and no command through the API server's service proxy", async () => {
    const { calls, deps } = cluster({ ready: 1, image: PINNED, healthy: true });
    const [web] = plan.services;
    const pathOnly = { ...plan, services: [{ ...web, healthCommand: undefined }] };
    expect(await smoke(pathOnly, 60, deps)).toEqual([]);
    expect(calls.at(-1)).toEqual([
      "kubectl",
      "--context",
      "dockyard-test",
      "--namespace",
      "dockyard-test",
      "get",
      "--raw",
      "/api/v1/namespaces/dockyard-test/services/web:8080/proxy/healthz",
    ]);
  });

  it("retries until the timeout, then names every problem", async () => {
    const { calls, deps } = cluster({ ready: 0, image: "registry.test.example.internal/web:old", healthy: false });
    expect(await smoke(plan, 10, deps)).toEqual([
      "web: StatefulSet web-1a2b3c4 has 0/1 ready, 0/1 updated",
      `web: StatefulSet web-1a2b3c4 runs registry.test.example.internal/web:old, not the pinned ${PINNED}`,
      "web: its health check failed in statefulset/web-1a2b3c4 (503 Service Unavailable)",
    ]);
    expect(calls.length).toBe(6);
  });

  it("on Docker, asks the published loopback port", async () => {
    const docker: SmokePlan = {
      target: "docker",
      namespace: "dockyard",
      services: [{ name: "web", healthPath: "/healthz", port: 8080, hostPort: 8080 }],
    };
    const urls: string[] = [];
    const { deps } = cluster({ ready: 1, image: PINNED, healthy: true });
    deps.fetch = (url) => {
      urls.push(url);
      return Promise.resolve({ ok: true, status: 200 });
    };
    expect(await smoke(docker, 0, deps)).toEqual([]);
    expect(urls).toEqual(["http://127.0.0.1:8080/healthz"]);
  });
});
