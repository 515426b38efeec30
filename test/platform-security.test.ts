/**
 * What every committed stack declares, checked for all of it, not a sample: container
 * hardening, digest-pinned images, registry auth, pull credentials, secrets never in clear.
 */
import { backupJobNames, dockerBackupContainerNames, generatedSecretNames, platformOf } from "./support/topology";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { describe, expect, it } from "vitest";
import { synthFiles } from "../infra/synth/write";
import { mockOutputs } from "../infra/synth/mock-outputs";
import { OFFLINE_SECRET_VALUE } from "../infra/stack-file";
import { dockerHardeningViolations } from "./container/support/docker-hardening";
import { restrictedViolations } from "./container/support/pod-security";
import { evaluate, ofType, type RecordedResource } from "./support/pulumi-harness";
import { T } from "./support/types";

const DIGEST_REF = /@sha256:[a-f0-9]{64}$/;
const WORKLOADS = [T.deployment, T.statefulSet];

function podsOf(resources: readonly RecordedResource[]): { name: string; pod: IPodSpec }[] {
  const workloads = WORKLOADS.flatMap((type) =>
    ofType(resources, type).map((workload) => ({
      name: workload.name,
      pod: (workload.inputs as { spec: { template: { spec: IPodSpec } } }).spec.template.spec,
    })),
  );
  const cronJobs = ofType(resources, T.cronJob).map((job) => ({
    name: job.name,
    pod: (job.inputs as { spec: { jobTemplate: { spec: { template: { spec: IPodSpec } } } } }).spec.jobTemplate.spec
      .template.spec,
  }));
  return [...workloads, ...cronJobs];
}

describe("dev: every Docker container", () => {
  it("that runs is hardened (non-root, read-only rootfs, no capabilities, no-new-privileges, limits, loopback ports)", async () => {
    const containers = ofType((await evaluate("dev")).resources, T.container);
    const running = containers.filter((c) => c.inputs.start !== false);
    const platform = platformOf("dev");
    expect(running.map((c) => c.name).sort()).toEqual(
      ["registry", ...platform.services.map((service) => service.name), ...dockerBackupContainerNames(platform)].sort(),
    );
    for (const container of running) expect(dockerHardeningViolations(container.inputs), container.name).toEqual([]);
  });

  it("that never runs (a files carrier) is never started, has no network and no capabilities", async () => {
    const containers = ofType((await evaluate("dev")).resources, T.container);
    const carriers = containers.filter((c) => c.inputs.start === false);
    expect(carriers.length).toBeGreaterThan(0);
    for (const carrier of carriers) {
      expect(carrier.inputs).toMatchObject({
        start: false,
        mustRun: false,
        networkMode: "none",
        capabilities: { drops: ["ALL"] },
      });
    }
  });

  it("runs images pinned by digest, but the registry its local image by the tag naming its build inputs", async () => {
    const { resources } = await evaluate("dev");
    // Built and loaded here, never pushed or pulled: components/registry/local-image.ts, ADR 0022.
    const [local] = ofType(resources, T.image).find((r) => r.name === "registry-image")!.inputs.tags as string[];
    expect(local).toMatch(/^dockyard\.invalid\/registry:[a-f0-9]{16}$/);
    for (const container of ofType(resources, T.container)) {
      const image = String(container.inputs.image);
      if (container.name === "registry" || container.name === "registry-files-carrier")
        expect(image, container.name).toBe(local);
      else expect(image, container.name).toMatch(/(@sha256:[a-f0-9]{64}|^sha256:[a-f0-9]{64})$/);
    }
  });
});

describe.each(["test", "prod"])("%s: every pod", (stack) => {
  it("meets the restricted Pod Security profile with a read-only root filesystem", async () => {
    const pods = podsOf((await evaluate(stack)).resources);
    const platform = platformOf(stack);
    expect(pods.map((p) => p.name).sort()).toEqual(
      ["registry", ...platform.services.map((service) => service.name), ...backupJobNames(platform)].sort(),
    );
    for (const { name, pod } of pods) expect(restrictedViolations(pod), name).toEqual([]);
  });

  it("runs images pinned by digest; pods pulling from the stack's registry have its pull Secret", async () => {
    const { resources, outputs } = await evaluate(stack);
    const registry = String(outputs.registry);
    const pullSecret = ofType(resources, T.secret).find(
      (s) => (s.inputs as { type?: string }).type === "kubernetes.io/dockerconfigjson",
    );
    expect(pullSecret).toBeDefined();
    let fromRegistry = 0;
    for (const { name, pod } of podsOf(resources)) {
      for (const container of pod.containers) {
        expect(container.image, `${name}/${container.name}`).toMatch(DIGEST_REF);
        if (container.image?.startsWith(`${registry}/`)) {
          fromRegistry += 1;
          expect((pod.imagePullSecrets ?? []).length, `${name} pulls from ${registry}`).toBeGreaterThan(0);
        }
      }
    }
    expect(fromRegistry).toBeGreaterThan(0);
  });
});

describe.each(["dev", "test", "prod"])("%s: registry and secrets", (stack) => {
  it("the registry's auth is on: an htpasswd file is delivered and its config points at it", async () => {
    const { resources } = await evaluate(stack);
    const fileNames =
      stack === "dev"
        ? ofType(resources, T.dockerVolume).flatMap((v) =>
            ((v.inputs.labels as { label: string; value: string }[] | undefined) ?? [])
              .filter((l) => l.label === "dockyard.files")
              .map((l) => l.value.split(",")),
          )
        : ofType(resources, T.secret).map((s) =>
            Object.keys((s.inputs.stringData as Record<string, unknown> | undefined) ?? {}),
          );
    expect(fileNames).toContainEqual(expect.arrayContaining(["config.yml", "htpasswd"]));
    // The password is generated and kept secret: its bcrypt hash feeds htpasswd.
    const generated = ofType(resources, T.password).map((p) => p.name);
    expect(generated.filter((name) => name.startsWith("registry"))).toHaveLength(1);
  });

  it("no credential appears in clear in any synth file", async () => {
    const evaluation = await evaluate(stack);
    const text = Object.values(synthFiles(evaluation)).join("\n");
    // The generated passwords: the registry's and the services' secret files (dev's backup
    // repository keeps its own key file).
    const passwords = ofType(evaluation.resources, T.password);
    expect(passwords.map((p) => p.name).sort()).toEqual(
      ["registry-password", ...generatedSecretNames(platformOf(stack))].sort(),
    );
    for (const password of passwords) {
      const generated = mockOutputs(password.type, password.name, { length: password.inputs.length }).result;
      expect(String(generated).length).toBeGreaterThanOrEqual(32);
      expect(text).not.toContain(String(generated));
    }
    expect(text).not.toContain(OFFLINE_SECRET_VALUE);
    expect(text).not.toMatch(/\$2[aby]\$\d\d\$/); // no bcrypt hash
    expect(text).not.toMatch(/"auth":\s*"[A-Za-z0-9+/=]{8,}"/); // no docker auth string
  });
});
