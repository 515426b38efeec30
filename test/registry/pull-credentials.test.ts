import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ContainerService } from "../../components/container-service";
import { Registry } from "../../components/registry";
import { dockerConfigJson, dockerRegistryAuth, imagePullSecret } from "../../components/registry/pull-credentials";
import { MASKED, find, record, resolve } from "../support/pulumi-harness";
import { IMAGE } from "../container/support/fixtures";
import { T } from "../support/types";

describe("dockerConfigJson", () => {
  it("is the .dockerconfigjson of one registry, keyed by host[:port], with a basic-auth token", () => {
    expect(JSON.parse(dockerConfigJson("registry.example.com:5000/team", "ci", "p@ss:word"))).toEqual({
      auths: {
        "registry.example.com:5000": {
          username: "ci",
          password: "p@ss:word",
          auth: Buffer.from("ci:p@ss:word").toString("base64"),
        },
      },
    });
  });
});

describe("imagePullSecret", () => {
  it("is a kubernetes.io/dockerconfigjson Secret of the registry's credentials, never in clear; pods pull with it", async () => {
    const resources = await record(() => {
      const registry = new Registry("registry", {
        target: "kubernetes",
        mode: "external",
        address: "registry.example.com",
        username: "ci",
        password: pulumi.secret("pull-s3cret-4"),
      });
      const secret = imagePullSecret("registry-pull", registry, { namespace: "apps", labels: { team: "platform" } });
      new ContainerService("web", {
        target: "kubernetes",
        image: IMAGE,
        namespace: "apps",
        imagePullSecrets: [secret.metadata.name],
      });
    });
    const secret = find(resources, T.secret, "registry-pull");
    expect(secret.inputs).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      stringData: MASKED,
      metadata: {
        namespace: "apps",
        labels: { team: "platform", "app.kubernetes.io/part-of": "dockyard", "app.kubernetes.io/managed-by": "pulumi" },
      },
    });
    expect(JSON.stringify(resources)).not.toContain("pull-s3cret-4");
    expect(JSON.stringify(resources)).not.toContain(Buffer.from("ci:pull-s3cret-4").toString("base64"));
    // the Secret's name is auto-named by the provider (unset under mocks): the pod depends on it
    expect(find(resources, T.deployment, "web").dependencies).toContain(secret.urn);
  });
});

describe("dockerRegistryAuth", () => {
  it("gives the Docker provider the registry's host and credentials, the password secret", async () => {
    let auth!: ReturnType<typeof dockerRegistryAuth>;
    await record(() => {
      const registry = new Registry("registry", { target: "docker" });
      auth = dockerRegistryAuth(registry);
    });
    expect(await resolve(auth.address)).toBe("localhost:5000");
    expect(await resolve(auth.username as pulumi.Input<string>)).toBe("dockyard");
    expect(await pulumi.isSecret(pulumi.output(auth.password))).toBe(true);
    expect(await resolve(auth.password as pulumi.Input<string>)).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it("drops a repository path from the address", async () => {
    let address!: pulumi.Input<string>;
    await record(() => {
      address = dockerRegistryAuth({ address: "registry.example.com/team", username: "ci", password: "x" }).address;
    });
    expect(await resolve(address)).toBe("registry.example.com");
  });
});
