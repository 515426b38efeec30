/**
 * Promises the platform makes that a quiet change would break without any other test noticing:
 * each asserts what a user relies on, on what the stacks (or a component) actually declare.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readConfig } from "../apps/web/config";
import { ContainerService, PersistentVolume, Registry, SERVICE_DEFAULTS } from "../components";
import { userData } from "../components/libvirt/cloud-init";
import { committedConfig, writeStackFile } from "./support/stack-files";
import { evaluate, find, ofType, record } from "./support/pulumi-harness";
import VERSIONS from "../versions.json";
import { T } from "./support/types";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR ops@example.internal";
const IMAGE = `registry.example.internal/web@sha256:${"a".repeat(64)}`;

describe("Kubernetes namespaces", () => {
  it.each(["test", "prod"])(
    "%s: Pod Security admission enforces, audits and warns at the restricted level of the minor the stack targets",
    async (stack) => {
      const labels = (
        find((await evaluate(stack)).resources, T.namespace, "namespace").inputs as {
          metadata: { labels: Record<string, string> };
        }
      ).metadata.labels;
      const { version } = committedConfig(stack)["dockyard:kubernetes"] as { version: string };
      expect(version).toMatch(/^v1\.[1-9][0-9]*$/);
      for (const mode of ["enforce", "warn", "audit"]) {
        expect(labels[`pod-security.kubernetes.io/${mode}`], mode).toBe("restricted");
        expect(labels[`pod-security.kubernetes.io/${mode}-version`], mode).toBe(version);
      }
    },
  );

  it("a stack that leaves kubernetes.version out gets the inventory's minor, never latest", async () => {
    const config = structuredClone(committedConfig("prod"));
    delete config["dockyard:kubernetes"];
    const labels = (
      find((await evaluate("prod", writeStackFile(config))).resources, T.namespace, "namespace").inputs as {
        metadata: { labels: Record<string, string> };
      }
    ).metadata.labels;
    expect(labels["pod-security.kubernetes.io/enforce-version"]).toBe(VERSIONS.kubernetes.version);
  });
});

describe("credentials", () => {
  it("an external registry's password is a Pulumi secret wherever it is declared, even when passed in plain text", async () => {
    const resources = await record(
      () =>
        new Registry("registry", {
          target: "kubernetes",
          mode: "external",
          address: "registry.example.com",
          username: "ci",
          password: "hunter2-plain",
        }),
    );
    expect(JSON.stringify(resources)).not.toContain("hunter2-plain");
  });
});

describe("one writer per ReadWriteOnce volume", () => {
  it.each(["docker", "kubernetes"] as const)(
    "%s: two replicas mounting a writable ReadWriteOnce volume are refused",
    async (target) => {
      await expect(
        record(() => {
          const volume = new PersistentVolume("data", { target });
          return new ContainerService("app", {
            target,
            image: IMAGE,
            replicas: 2,
            ports: [{ containerPort: 8080 }],
            healthCheck: { path: "/healthz", command: ["/bin/true"] },
            volumes: [{ volume, mountPath: "/data" }],
          });
        }),
      ).rejects.toThrow(/replicas must be 0 or 1 while volume "data" \(ReadWriteOnce\) is mounted writable/);
    },
  );
});

describe("disruption budget", () => {
  it.each([
    [1, 0],
    [2, 1],
    [3, 1],
  ])(
    "%i replica(s) of a stateless service: %i PodDisruptionBudget keeping all but one up",
    async (replicas, budgets) => {
      const resources = await record(
        () =>
          new ContainerService("api", {
            target: "kubernetes",
            image: IMAGE,
            replicas,
            ports: [{ containerPort: 8080 }],
            healthCheck: { path: "/healthz" },
          }),
      );
      const pdbs = ofType(resources, T.pdb);
      expect(pdbs).toHaveLength(budgets);
      for (const pdb of pdbs) expect((pdb.inputs as { spec: { maxUnavailable: number } }).spec.maxUnavailable).toBe(1);
    },
  );
});

describe("the web service listens where it is probed and published", () => {
  it.each(["dev", "test", "prod"])(
    "%s: the declared container port is the port the app reads from its environment",
    async (stack) => {
      const { resources } = await evaluate(stack);
      const kube = ofType(resources, T.statefulSet).find((r) => r.name === "web");
      const docker = ofType(resources, T.container).find((r) => r.name === "web");
      let declared: number;
      let env: Record<string, string>;
      if (kube) {
        const container = (
          kube.inputs as {
            spec: {
              template: {
                spec: { containers: { ports: { containerPort: number }[]; env: { name: string; value?: string }[] }[] };
              };
            };
          }
        ).spec.template.spec.containers[0];
        declared = container.ports[0].containerPort;
        env = Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
      } else {
        const inputs = docker!.inputs as { ports: { internal: number }[]; envs: string[] };
        declared = inputs.ports[0].internal;
        env = Object.fromEntries(inputs.envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
      }
      expect(readConfig(env).port).toBe(declared);
    },
  );
});

describe("third-party images come through the mirror when a stack names one", () => {
  it("every base image and the registry's own image are pulled from the mirror", async () => {
    const config = structuredClone(committedConfig("prod"));
    (config["dockyard:registry"] as Record<string, unknown>).mirror = "mirror.example.internal:5000";
    const { resources } = await evaluate("prod", writeStackFile(config));
    const builds = ofType(resources, T.image);
    expect(builds.length).toBeGreaterThan(0);
    for (const build of builds) {
      const args = (build.inputs as { buildArgs: Record<string, string> }).buildArgs;
      const bases = Object.entries(args).filter(([arg]) => arg.endsWith("IMAGE"));
      expect(bases.length, `${build.name} names its base images`).toBeGreaterThan(0);
      for (const [arg, value] of bases)
        expect(value, `${build.name} ${arg}`).toMatch(/^mirror\.example\.internal:5000\//);
      // The revision the image is tagged with is the one its OCI labels are built from.
      expect(args.REVISION, `${build.name} REVISION`).toBeTruthy();
      const [tag] = build.inputs.tags as string[];
      expect(tag, build.name).toBe(tag.replace(/:[^:/]+$/, `:${args.REVISION}`));
    }
    const registry = find(resources, T.statefulSet, "registry");
    expect(JSON.stringify(registry.inputs)).toMatch(/"image":"mirror\.example\.internal:5000\//);
  });
});

describe("limits", () => {
  it("the default pids limit is 256: low enough to stop a fork bomb, applied to every Docker container", async () => {
    expect(SERVICE_DEFAULTS.pids).toBe(256);
    const commands = ofType((await evaluate("dev")).resources, T.command);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect((command.inputs as { interpreter: string[] }).interpreter).toContain("256");
  });
});

describe("VMs cloned from one image", () => {
  it("regenerate their SSH host keys at first boot and allow no root or password login", () => {
    const document = parse(
      userData({
        hostname: "vm",
        adminUser: "ops",
        sshAuthorizedKeys: [KEY],
        packages: [],
        runCommands: [],
        upgradePackages: true,
      }).replace(/^#cloud-config\n/, ""),
    ) as Record<string, unknown>;
    expect(document).toMatchObject({ ssh_deletekeys: true, disable_root: true, ssh_pwauth: false });
  });
});
