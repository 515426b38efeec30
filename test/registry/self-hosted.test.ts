/** The self-hosted registry's translators, and their agreement with apps/registry/Dockerfile. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolveServiceSpec } from "../../components/workload/resolve";
import {
  UPSTREAM_REGISTRY_IMAGE,
  resolveRegistrySpec,
  type SelfHostedSpec,
} from "../../components/registry/registry-spec";
import {
  CONTAINER_LAYOUT,
  REGISTRY_DATA_DIR,
  REGISTRY_FILES,
  REGISTRY_PORT,
  registryHealthCommand,
  selfHostedConfig,
  selfHostedFiles,
  selfHostedServiceArgs,
} from "../../components/registry/self-hosted";
import { resolve } from "../support/pulumi-harness";

const HASH = `$2y$05$${"a".repeat(53)}`;
const DOCKERFILE = readFileSync(path.resolve(__dirname, "../../apps/registry/Dockerfile"), "utf8");

function spec(args: Partial<Parameters<typeof resolveRegistrySpec>[1]> = {}): SelfHostedSpec {
  const resolved = resolveRegistrySpec("registry", { target: "docker", ...args });
  if (resolved.mode !== "self-hosted") throw new Error("expected a self-hosted spec");
  return resolved;
}

describe("selfHostedConfig", () => {
  it("always has htpasswd auth, storage on the data volume, deletes off, plain HTTP by default", () => {
    expect(selfHostedConfig(spec())).toEqual({
      listen: ":5000",
      storageRoot: REGISTRY_DATA_DIR,
      htpasswdPath: "/etc/dockyard/htpasswd",
      deleteEnabled: false,
      realm: "dockyard-registry",
    });
  });

  it("takes deletes and TLS, and a host layout for running the registry outside a container", () => {
    const layout = { listen: "127.0.0.1:5999", filesDir: "/tmp/r/files", dataDir: "/tmp/r/data" };
    expect(selfHostedConfig(spec({ deleteEnabled: true, tls: { certificate: "c", key: "k" } }), layout)).toEqual({
      listen: "127.0.0.1:5999",
      storageRoot: "/tmp/r/data",
      htpasswdPath: "/tmp/r/files/htpasswd",
      deleteEnabled: true,
      realm: "dockyard-registry",
      tls: { certificatePath: "/tmp/r/files/tls.crt", keyPath: "/tmp/r/files/tls.key" },
    });
  });
});

describe("selfHostedFiles", () => {
  it("renders config.yml and the htpasswd of the one account", async () => {
    const files = selfHostedFiles(spec({ username: "ci" }), HASH);
    expect(Object.keys(files)).toEqual([REGISTRY_FILES.config, REGISTRY_FILES.htpasswd]);
    expect(parse(await resolve(files[REGISTRY_FILES.config]))).toMatchObject({
      auth: { htpasswd: { path: "/etc/dockyard/htpasswd" } },
    });
    expect(await resolve(files[REGISTRY_FILES.htpasswd])).toBe(`ci:${HASH}\n`);
  });
});

describe("selfHostedServiceArgs", () => {
  it("is a ContainerService the resolver accepts, hardened, with the registry's files and volume", () => {
    const s = spec({ hostPort: 5050 });
    const args = selfHostedServiceArgs(
      s,
      `dockyard/registry@sha256:${"0".repeat(64)}`,
      { logicalName: "registry-data", volumeName: "registry-data", accessMode: "ReadWriteOnce" },
      selfHostedFiles(s, HASH),
    );
    const service = resolveServiceSpec("registry", args);
    expect(service.security).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      dropCapabilities: ["ALL"],
      noNewPrivileges: true,
    });
    expect(service.ports).toEqual([
      { name: "registry", containerPort: REGISTRY_PORT, protocol: "tcp", hostPort: 5050, servicePort: REGISTRY_PORT },
    ]);
    expect(service.volumes).toEqual([
      {
        name: "registry-data",
        source: "registry-data",
        mountPath: REGISTRY_DATA_DIR,
        readOnly: false,
        accessMode: "ReadWriteOnce",
      },
    ]);
    expect(service.files.map((f) => f.name)).toEqual(["config.yml", "htpasswd"]);
    expect(service.args).toEqual(["serve", path.posix.join(CONTAINER_LAYOUT.filesDir, REGISTRY_FILES.config)]);
    expect(service.healthCheck).toMatchObject({ path: "/", scheme: "HTTP", command: registryHealthCommand(false) });
    // Distribution 3 exports traces to https://localhost:4318 unless told not to (2.8 ignores it).
    expect(args.environment).toEqual({ OTEL_TRACES_EXPORTER: "none" });
  });
});

describe("apps/registry/Dockerfile", () => {
  it("defaults to the same pinned upstream image as the component", () => {
    expect(/^ARG REGISTRY_IMAGE=(\S+)$/m.exec(DOCKERFILE)?.[1]).toBe(UPSTREAM_REGISTRY_IMAGE);
  });

  it("creates the data directory the config points at, owned by the non-root user, and runs as that user", () => {
    expect(DOCKERFILE).toMatch(new RegExp(`^COPY --from=layout --chown=65532:65532 \\S+ ${REGISTRY_DATA_DIR}$`, "m"));
    expect(DOCKERFILE).toMatch(/^USER 65532:65532$/m);
    expect(DOCKERFILE).toContain(
      `CMD ["serve", "${path.posix.join(CONTAINER_LAYOUT.filesDir, REGISTRY_FILES.config)}"]`,
    );
  });

  it("carries the component's Docker health check as its own HEALTHCHECK (docker run needs them equal)", () => {
    const healthcheck = /^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$/m.exec(DOCKERFILE)?.[1];
    expect(JSON.parse(healthcheck ?? "null")).toEqual(registryHealthCommand(false));
  });
});

describe("the address clients reach a registry on Docker at", () => {
  const TLS = { certificate: "c", key: "k" };
  it.each([
    // Loopback, plain HTTP allowed: named localhost (Docker and Podman both log in over HTTP there).
    [{}, "localhost:5000"],
    [{ publishAddress: "127.0.0.2", hostPort: 5050 }, "localhost:5050"],
    [{ publishAddress: "::1" }, "localhost:5000"],
    // A wildcard publish is reached from the deploying machine on loopback.
    [{ publishAddress: "0.0.0.0", tls: TLS }, "localhost:5000"],
    [{ publishAddress: "::", tls: TLS }, "localhost:5000"],
    // Published on one address beyond loopback: reached there, IPv6 in brackets.
    [{ publishAddress: "10.0.0.5", tls: TLS }, "10.0.0.5:5000"],
    [{ publishAddress: "fd00::5", tls: TLS }, "[fd00::5]:5000"],
    // An explicit address wins; with TLS it may name any host and port.
    [{ address: "registry.lan:5000", tls: TLS }, "registry.lan:5000"],
  ])("%j → %s", (args, address) => {
    expect(spec(args).address).toBe(address);
  });

  it("takes TLS wherever it is published, and carries no Gateway listener on Docker", () => {
    expect(spec({ publishAddress: "0.0.0.0", tls: TLS }).tls).toBeDefined();
    const listener = {
      gateway: "dockyard",
      listener: "registry",
      host: "localhost",
      dataPlane: { namespace: "envoy-gateway-system", podLabels: { app: "envoy" } },
    };
    expect(spec({ listener }).listener).toBeUndefined();
  });
});
