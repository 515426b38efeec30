/**
 * Where offline evaluation makes fewer SDK outputs (issue 29), each value, secret-ness and dependency
 * is what the wider form gave: ServiceImage's names and reference from an output address, the
 * registry password made secret once for every image, a Service's hostname, and secret marking that
 * leaves alone (and does not copy) what holds no secret. test/artefacts-unchanged.test.ts holds every
 * committed stack's artefacts to the byte.
 */
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { ContainerService } from "../components/container-service";
import { ServiceImage } from "../components/service-image";
import { markSecrets } from "../infra/secrets";
import { MASKED, find, isSecret, record, resolve } from "./support/pulumi-harness";
import { IMAGE } from "./container/support/fixtures";
import { T } from "./support/types";

describe("ServiceImage from a registry address that is an output", () => {
  it("names, tags and references as before, depended on through both the registry and the build", async () => {
    const refs: pulumi.Output<string>[] = [];
    const names: pulumi.Output<string>[] = [];
    const resources = await record(() => {
      // A registry whose address resolves once a resource exists, as Registry.address does.
      const gate = new random.RandomPassword("gate", { length: 8 });
      const registry = {
        address: gate.result.apply(() => "registry.example.internal"),
        username: pulumi.output("dockyard"),
        password: pulumi.secret(gate.result),
      };
      for (const app of ["web", "front"]) {
        const image = new ServiceImage(app, { context: `apps/${app}`, repository: app, revision: "abc123", registry });
        refs.push(image.ref);
        names.push(image.imageName);
        new coreV1.ConfigMap(`${app}-consumer`, { data: { ref: image.ref } });
      }
    });
    for (const [index, app] of ["web", "front"].entries()) {
      const image = find(resources, T.image, app);
      expect(image.inputs).toMatchObject({
        tags: [`registry.example.internal/${app}:abc123`],
        registries: [MASKED],
        cacheFrom: [{ registry: { ref: `registry.example.internal/${app}:buildcache` } }],
        cacheTo: [{ registry: { ref: `registry.example.internal/${app}:buildcache` } }],
      });
      expect(image.dependencies).toEqual([find(resources, T.password, "gate").urn]);
      expect(await resolve(names[index])).toBe(`registry.example.internal/${app}:abc123`);
      expect(await resolve(refs[index])).toMatch(
        new RegExp(`^registry\\.example\\.internal/${app}@sha256:[a-f0-9]{64}$`),
      );
      expect(await isSecret(refs[index])).toBe(false);
      // What reads the reference waits for the registry (its address) and for the build (its digest).
      expect(find(resources, T.configMap, `${app}-consumer`).dependencies).toEqual(
        [find(resources, T.password, "gate").urn, image.urn].sort(),
      );
    }
  });
});

describe("a Kubernetes ContainerService's hostname", () => {
  it("is <service>.<namespace>.svc once the Service exists", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => {
      const namespace = new coreV1.Namespace("ns", { metadata: { name: "apps" } });
      service = new ContainerService("web", {
        target: "kubernetes",
        image: IMAGE,
        ports: [{ containerPort: 8080 }],
        namespace: namespace.metadata.name,
      });
      new coreV1.ConfigMap("reader", { data: { host: service.hostname.apply((host) => host ?? "") } });
    });
    expect(await resolve(service!.hostname)).toBe("web.apps.svc");
    expect(await resolve(service!.workloadNames)).toEqual([expect.stringMatching(/^web/)]);
    expect(find(resources, T.configMap, "reader").dependencies).toEqual([find(resources, T.service, "web").urn]);
  });
});

describe("secret marking of resource inputs", () => {
  const FRAGMENTS = ["s3cr3t"];

  it("gives back what holds no secret as it is, and copies only the path to one that does", () => {
    const plain = { spec: { containers: [{ image: "web", args: ["--port", "80"] }] }, count: 3 };
    expect(markSecrets(plain, FRAGMENTS)).toBe(plain);
    const mixed = { spec: { a: { url: "x-s3cr3t" }, b: { kept: "nothing" } }, list: ["one"] };
    const marked = markSecrets(mixed, FRAGMENTS) as typeof mixed;
    expect(marked).not.toBe(mixed);
    expect(marked.spec.b).toBe(mixed.spec.b);
    expect(marked.list).toBe(mixed.list);
    expect(pulumi.Output.isInstance(marked.spec.a.url)).toBe(true);
    expect(mixed.spec.a.url).toBe("x-s3cr3t");
  });

  it("marks an output once however many inputs hold it, and leaves its value and secret-ness alone without a secret", async () => {
    const shared = pulumi.output("apps");
    const first = markSecrets(shared, FRAGMENTS) as pulumi.Output<unknown>;
    expect(markSecrets(shared, FRAGMENTS)).toBe(first);
    expect(markSecrets(shared, ["other"])).not.toBe(first);
    expect(await resolve(first)).toBe("apps");
    expect(await isSecret(first)).toBe(false);
  });

  it("reaches outputs inside what an output resolves to", async () => {
    const nested = pulumi.output("x").apply(() => ({ inner: pulumi.output("in-s3cr3t"), plain: "y" }));
    const marked = markSecrets(nested, FRAGMENTS) as pulumi.Output<unknown>;
    expect(await resolve(marked)).toEqual({ inner: "in-s3cr3t", plain: "y" });
    expect(await isSecret(marked)).toBe(true);
  });
});
