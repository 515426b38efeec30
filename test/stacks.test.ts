import { describe, expect, it } from "vitest";
import { committedConfig, committedStacks } from "./support/stack-files";

function committedEndpoints(stack: string): { libvirtUri?: string; dockerHost?: string } {
  return committedConfig(stack)["dockyard:endpoints"] as { libvirtUri?: string; dockerHost?: string };
}
import { declared, evaluate, find } from "./support/pulumi-harness";
import { T } from "./support/types";

describe("committed stacks", () => {
  const stacks = committedStacks();

  it("include dev, test and prod", () => {
    expect(stacks).toEqual(expect.arrayContaining(["dev", "test", "prod"]));
  });

  it.each(stacks)("%s evaluates with zero errors and declares resources", async (stack) => {
    const evaluation = await evaluate(stack);
    expect(evaluation.resources[0].type).toBe("pulumi:pulumi:Stack");
    expect(declared(evaluation.resources).length).toBeGreaterThan(0);
    expect(evaluation.outputs.configFile).toBe(`stacks/Pulumi.${stack}.yaml`);
  });

  it("dev runs containers on the local Docker engine; test and prod on Kubernetes", async () => {
    const targets = [];
    for (const stack of ["dev", "test", "prod"]) targets.push((await evaluate(stack)).outputs.target);
    expect(targets).toEqual(["docker", "kubernetes", "kubernetes"]);
  });

  it("every resource targets what stack config names: explicit providers, libvirt URI; no ambient defaults", async () => {
    for (const stack of ["dev", "test", "prod"]) {
      const { resources } = await evaluate(stack);
      const providerUrns = new Set(resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.urn));
      const libvirtUri = stack === "dev" ? undefined : committedEndpoints(stack).libvirtUri;
      for (const resource of resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/libvirt:"))) {
        expect(resource.inputs.uri, `${stack}: ${resource.name}`).toBe(libvirtUri);
      }
      // command: runs docker locally against the stack's Docker host, named in its environment (Docker stacks only).
      expect(
        resources.some((r) => r.type.startsWith("command:")),
        stack,
      ).toBe(stack === "dev");
      for (const resource of resources.filter((r) => r.type.startsWith("command:"))) {
        expect(resource.inputs.environment, `${stack}: ${resource.name}`).toEqual({
          DOCKER_HOST: committedEndpoints(stack).dockerHost,
        });
      }
      // random and command: run locally, they have no endpoint of their own to point anywhere else.
      for (const resource of resources.filter(
        (r) => r.custom && !/^pulumi:providers:|^pulumi-nodejs:dynamic\/|^random:|^command:/.test(r.type),
      )) {
        expect(resource.provider, `${stack}: ${resource.type}::${resource.name}`).toBeDefined();
        expect(providerUrns.has(resource.provider!.split("::").slice(0, -1).join("::"))).toBe(true);
      }
    }
  });

  it("prod protects its namespace and keeps it on delete; test does not", async () => {
    const namespaceOptions = async (stack: string) =>
      find((await evaluate(stack)).resources, T.namespace, "namespace").options;
    expect(await namespaceOptions("prod")).toMatchObject({ protect: true, retainOnDelete: true });
    expect(await namespaceOptions("test")).toMatchObject({ protect: false, retainOnDelete: false });
  });
});
