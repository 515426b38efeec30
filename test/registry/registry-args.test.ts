/** Registry, external mode and bad arguments, under mocks. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { argsOf } from "../../components/args";
import { ComponentArgError } from "../../components/errors";
import { Registry, type RegistryArgs } from "../../components/registry";
import { checkedPassword } from "../../components/registry/registry-spec";
import { record, resolve } from "../support/pulumi-harness";
import { T } from "../support/types";

describe("external Registry", () => {
  it("passes address and credentials through, declares nothing, keeps the password secret", async () => {
    let registry!: Registry;
    const resources = await record(
      () =>
        (registry = new Registry("registry", {
          target: "kubernetes",
          mode: "external",
          address: "registry.example.com:5000/team",
          username: "ci",
          password: pulumi.secret("ext-s3cret-77"),
        })),
    );
    expect(resources.map((r) => r.type)).toEqual([T.registry]);
    expect(await resolve(registry.address)).toBe("registry.example.com:5000/team");
    expect(await resolve(registry.username)).toBe("ci");
    expect(await resolve(registry.password)).toBe("ext-s3cret-77");
    expect(await pulumi.isSecret(registry.password)).toBe(true);
    // credentials are keyed by host[:port]; the path is a repository prefix
    expect(JSON.parse(await resolve(registry.dockerConfigJson))).toEqual({
      auths: {
        "registry.example.com:5000": {
          username: "ci",
          password: "ext-s3cret-77",
          auth: Buffer.from("ci:ext-s3cret-77").toString("base64"),
        },
      },
    });
    expect(JSON.stringify(resources)).not.toContain("ext-s3cret-77");
  });

  it("a plain password becomes a secret too", async () => {
    let registry!: Registry;
    await record(
      () =>
        (registry = new Registry("registry", {
          target: "docker",
          mode: "external",
          address: "10.0.0.5:5000",
          username: "ci",
          password: "plain-pass",
        })),
    );
    expect(await pulumi.isSecret(registry.password)).toBe(true);
    expect(await pulumi.isSecret(registry.dockerConfigJson)).toBe(true);
  });
});

/** A Gateway listener at the registry's address, as `Gateway.listener("registry")` gives it. */
const LISTENER = {
  gateway: "dockyard",
  listener: "registry",
  host: "registry.example.com",
  dataPlane: {
    namespace: "envoy-gateway-system",
    podLabels: { "gateway.envoyproxy.io/owning-gateway-name": "dockyard" },
  },
};

const EXTERNAL: RegistryArgs = {
  target: "docker",
  mode: "external",
  address: "registry.example.com",
  username: "ci",
  password: "pw",
};

/** Bad Args, each with the argument it must name and the start of the problem. */
const BAD: { name: string; args: RegistryArgs | Record<string, unknown>; argument: string; message: string }[] = [
  {
    name: "scheme in address",
    args: { ...EXTERNAL, address: "https://registry.example.com" },
    argument: "address",
    message: `must not start with "https://": give host[:port][/path] only (the scheme follows from the registry's TLS settings), got "https://registry.example.com"`,
  },
  {
    name: "address with spaces",
    args: { ...EXTERNAL, address: "registry example.com" },
    argument: "address",
    message: `has host "registry example.com", expected a DNS name, an IPv4 address or [IPv6], got "registry example.com"`,
  },
  {
    name: "address port out of range",
    args: { ...EXTERNAL, address: "registry.example.com:99999" },
    argument: "address",
    message: "has port 99999, expected 1 to 65535",
  },
  {
    name: "empty password",
    args: { ...EXTERNAL, password: "" },
    argument: "password",
    message: "must be a non-empty string (a secret)",
  },
  {
    name: "external without password",
    args: { ...EXTERNAL, password: undefined },
    argument: "password",
    message: "is required for an external registry (a secret)",
  },
  {
    name: "external without address",
    args: { ...EXTERNAL, address: undefined },
    argument: "address",
    message: "is required for an external registry",
  },
  {
    name: "external without username",
    args: { ...EXTERNAL, username: undefined },
    argument: "username",
    message: "is required for an external registry",
  },
  {
    name: "external with a self-hosted setting",
    args: { ...EXTERNAL, tls: { certificate: "c", key: "k" } },
    argument: "tls",
    message: "applies only to a self-hosted registry: remove it or set mode to self-hosted",
  },
  {
    name: "host port above 65535",
    args: { target: "docker", hostPort: 70000 },
    argument: "hostPort",
    message: "must be a port from 1 to 65535, got 70000",
  },
  {
    name: "host port zero",
    args: { target: "docker", hostPort: 0 },
    argument: "hostPort",
    message: "must be a port from 1 to 65535, got 0",
  },
  {
    name: "publish address not an IP",
    args: { target: "docker", publishAddress: "localhost" },
    argument: "publishAddress",
    message: `must be an IPv4 or IPv6 address, got "localhost"`,
  },
  {
    name: "self-hosted with a password",
    args: { target: "docker", password: "mine" },
    argument: "password",
    message: "is generated for a self-hosted registry: remove it",
  },
  {
    name: "self-hosted on Kubernetes without address",
    args: { target: "kubernetes", listener: LISTENER },
    argument: "address",
    message: "is required on Kubernetes: the host nodes and the deploying machine reach the registry at",
  },
  {
    name: "self-hosted on Kubernetes without a Gateway listener (plain HTTP)",
    args: { target: "kubernetes", address: "registry.example.com" },
    argument: "listener",
    message:
      "is required on Kubernetes: the registry is reached over TLS through a Gateway listener (Gateway.listener(name)); plain HTTP is allowed only on 127.0.0.1",
  },
  {
    name: "self-hosted on Kubernetes behind a listener of another host",
    args: {
      target: "kubernetes",
      address: "registry.example.com",
      listener: { ...LISTENER, host: "other.example.com" },
    },
    argument: "listener.host",
    message: `must be the registry's address "registry.example.com" (what nodes pull from), got "other.example.com"`,
  },
  {
    name: "self-hosted on Kubernetes behind a listener whose data plane no label selects",
    args: {
      target: "kubernetes",
      address: "registry.example.com",
      listener: { ...LISTENER, dataPlane: { namespace: "envoy-gateway-system", podLabels: {} } },
    },
    argument: "listener.dataPlane.podLabels",
    message: "must name at least one label: an empty selector would admit every pod of the namespace",
  },
  {
    name: "self-hosted on Kubernetes at a port",
    args: { target: "kubernetes", address: "registry.example.com:5000", listener: LISTENER },
    argument: "address",
    message: `must be a DNS name like "app.example.com" without a port (the Gateway listener serves 443), got "registry.example.com:5000"`,
  },
  {
    name: "self-hosted on Docker published beyond loopback without TLS",
    args: { target: "docker", publishAddress: "0.0.0.0" },
    argument: "tls",
    message:
      "is required when the registry is reached beyond 127.0.0.1 (published on 0.0.0.0): plain HTTP is allowed only on loopback",
  },
  {
    name: "self-hosted on Docker addressed beyond loopback without TLS",
    args: { target: "docker", address: "registry.lan:5000" },
    argument: "tls",
    message:
      "is required when the registry is reached beyond 127.0.0.1 (addressed as registry.lan): plain HTTP is allowed only on loopback",
  },
  {
    name: "image without digest",
    args: { target: "docker", image: "registry:2.8.3" },
    argument: "image",
    message: `must be pinned by digest (repo:tag@sha256:…), got "registry:2.8.3"`,
  },
  {
    name: "image unparsable",
    args: { target: "docker", image: "Registry:2" },
    argument: "image",
    message: `has repository "Registry", expected lowercase path components, got "Registry:2"`,
  },
  {
    name: "mirror with a path",
    args: { target: "docker", mirror: "mirror.internal/library" },
    argument: "mirror",
    message: `must be a registry host[:port] without a path, like "mirror.example.com:5000", got "mirror.internal/library"`,
  },
  {
    name: "user name with a colon",
    args: { target: "docker", username: "a:b" },
    argument: "username",
    message: `must be a user name of 1 to 64 letters, digits, ".", "_" or "-", got "a:b"`,
  },
  {
    name: "TLS without key",
    args: { target: "docker", tls: { certificate: "c" } },
    argument: "tls.key",
    message: "must be PEM content (a secret)",
  },
  {
    name: "unknown mode",
    args: { target: "docker", mode: "hosted" },
    argument: "mode",
    message: `must be "self-hosted" or "external", got "hosted"`,
  },
  {
    name: "missing target",
    args: { mode: "self-hosted" },
    argument: "target",
    message: `is required: "docker" or "kubernetes"`,
  },
  {
    name: "unknown target",
    args: { target: "kube" },
    argument: "target",
    message: `must be "docker" or "kubernetes", got "kube"`,
  },
  {
    name: "external with a user name with a colon",
    args: { ...EXTERNAL, username: "a:b" },
    argument: "username",
    message: `must be a user name of 1 to 64 letters, digits, ".", "_" or "-", got "a:b"`,
  },
  {
    name: "deletes as a string",
    args: { target: "docker", deleteEnabled: "yes" },
    argument: "deleteEnabled",
    message: `must be true or false, got "yes"`,
  },
  {
    name: "storage class not a DNS subdomain",
    args: { target: "docker", storageClass: "Fast_SSD" },
    argument: "storageClass",
    message: `must be a lower-case DNS subdomain like "fast-ssd"`,
  },
  {
    name: "namespace not a DNS label",
    args: { target: "docker", namespace: "Team_A" },
    argument: "namespace",
    message: "must be a DNS label",
  },
  {
    name: "empty build context",
    args: { target: "docker", buildContext: "" },
    argument: "buildContext",
    message: `must be a directory, got ""`,
  },
  {
    name: "build context not a string",
    args: { target: "docker", buildContext: 42 },
    argument: "buildContext",
    message: "must be a directory, got 42",
  },
  {
    name: "TLS with an empty certificate",
    args: { target: "docker", tls: { certificate: "", key: "k" } },
    argument: "tls.certificate",
    message: "must be PEM content (a secret)",
  },
  {
    name: "TLS with a number for a key",
    args: { target: "docker", tls: { certificate: "c", key: 42 } },
    argument: "tls.key",
    message: "must be PEM content (a secret)",
  },
  {
    name: "self-hosted on Kubernetes with an Ingress of the retired controller",
    args: {
      target: "kubernetes",
      address: "registry.example.com",
      listener: LISTENER,
      ingress: { tlsSecretName: "t" },
    },
    argument: "ingress",
    message:
      "is not a known key (allowed here: target, mode, address, username, password, image, mirror, deleteEnabled, tls, listener, hostPort, publishAddress, storageGiB, storageClass, namespace, buildContext)",
  },
  {
    name: "publish address not a string",
    args: { target: "docker", publishAddress: 42 },
    argument: "publishAddress",
    message: "must be an IPv4 or IPv6 address, got 42",
  },
  {
    name: "self-hosted on Docker published and addressed beyond loopback without TLS",
    args: { target: "docker", publishAddress: "0.0.0.0", address: "registry.lan:5000" },
    argument: "tls",
    message:
      "is required when the registry is reached beyond 127.0.0.1 (published on 0.0.0.0, addressed as registry.lan): plain HTTP is allowed only on loopback",
  },
  {
    name: "image not a string",
    args: { target: "docker", image: 42 },
    argument: "image",
    message: "must be an image reference, got 42",
  },
  {
    name: "storage size zero",
    args: { target: "kubernetes", address: "r.example", listener: { ...LISTENER, host: "r.example" }, storageGiB: 0 },
    argument: "storageGiB",
    message: "must be an integer from 1 to 65536, got 0",
  },
];

describe("Registry argument errors", () => {
  it.each(BAD)("$name → one ComponentArgError naming Registry and $argument", async ({ args, argument, message }) => {
    let thrown: unknown;
    const resources = await record(() => {
      try {
        new Registry("registry", args as RegistryArgs);
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(ComponentArgError);
    expect((thrown as ComponentArgError).component).toBe(`Registry "registry"`);
    expect((thrown as ComponentArgError).argument).toBe(argument);
    expect((thrown as Error).message).toContain(`Registry "registry": ${argument} ${message}`);
    // One mistake, one line: no second problem that follows from the first.
    expect((thrown as ComponentArgError).problems).toHaveLength(1);
    expect(resources.filter((r) => r.type !== T.registry)).toEqual([]); // thrown before any child
  });

  it("rejects a name whose volume name would not be a DNS label", async () => {
    await expect(record(() => new Registry("Images", { target: "docker" }))).rejects.toThrow(
      `Registry "Images": name must be a DNS label of at most 58 characters`,
    );
  });

  it.each([
    ["empty", ""],
    ["not a string", 42],
  ])("a password arriving as an output, %s, fails when it resolves, with the same error", async (_kind, value) => {
    const password = checkedPassword(
      argsOf("Registry", "registry").field("password"),
      pulumi.output(value as unknown as string),
    );
    const internals = password as unknown as {
      promise(): Promise<string>;
      isKnown: Promise<boolean>;
      isSecret: Promise<boolean>;
      allResources(): Promise<unknown>;
    };
    for (const derived of [internals.isKnown, internals.isSecret, internals.allResources()])
      derived.catch(() => undefined);
    await expect(internals.promise()).rejects.toThrow(
      `Registry "registry": password must be a non-empty string (a secret)`,
    );
  });
});
