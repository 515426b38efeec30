/** Registry, self-hosted, under mocks: what it declares on each target, and that no credential leaks. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { type IStatefulSet, StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { parse } from "yaml";
import { FILES_VOLUME } from "../../components/workload/files";
import { Gateway, type GatewayArgs } from "../../components/gateway";
import { Registry } from "../../components/registry";
import { registryImageBuild } from "../../components/registry/local-image";
import { UPSTREAM_REGISTRY_IMAGE } from "../../components/registry/registry-spec";
import { REGISTRY_DATA_DIR, registryHealthCommand } from "../../components/registry/self-hosted";
import { ServiceImage } from "../../components/service-image";
import { MASKED, find, ofType, resolve } from "../support/pulumi-harness";
import { dockerHardeningViolations } from "../container/support/docker-hardening";
import { restrictedViolations } from "../container/support/pod-security";
import { rawOf, recordWithRaw } from "./support/raw-inputs";
import { T } from "../support/types";

interface Upload {
  file: string;
  content: string;
  permissions: string;
}

/** The registry's config files as its files carrier uploads them (raw, secrets unwrapped). */
function uploadedFiles(raw: Map<string, Record<string, unknown>>, service = "registry"): Record<string, Upload> {
  const uploads = rawOf(raw, T.container, `${service}-files-carrier`).uploads as Upload[];
  return Object.fromEntries(uploads.map((u) => [u.file, u]));
}

/** Every credential a registry holds, for "not in clear" checks. */
async function credentials(registry: Registry): Promise<string[]> {
  const [username, password] = [await resolve(registry.username), await resolve(registry.password)];
  return [password, Buffer.from(`${username}:${password}`).toString("base64")];
}

describe("self-hosted Registry on Docker", () => {
  it("defaults: generated password, retained volume, derived image, hardened container on 127.0.0.1:5000 (addressed localhost:5000), auth on", async () => {
    let registry!: Registry;
    const { resources, raw } = await recordWithRaw(() => (registry = new Registry("registry", { target: "docker" })));

    const password = await resolve(registry.password);
    expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(await pulumi.isSecret(registry.password)).toBe(true);
    expect(await resolve(registry.address)).toBe("localhost:5000");
    expect(await resolve(registry.username)).toBe("dockyard");
    expect(await pulumi.isSecret(registry.dockerConfigJson)).toBe(true);
    expect(JSON.parse(await resolve(registry.dockerConfigJson))).toEqual({
      auths: {
        "localhost:5000": {
          username: "dockyard",
          password,
          auth: Buffer.from(`dockyard:${password}`).toString("base64"),
        },
      },
    });

    const generated = find(resources, T.password, "registry-password");
    expect(generated.inputs).toEqual({ length: 40, special: false });
    const volume = find(resources, T.dockerVolume, "registry-data");
    expect(volume.inputs.name).toBe("registry-data");
    expect(volume.options).toMatchObject({ retainOnDelete: true, protect: false });
    // Built with BuildKit, also on preview, loaded into the engine, never pushed, with a local cache.
    const image = find(resources, T.image, "registry-image");
    const build = registryImageBuild({
      name: "registry",
      upstreamImage: UPSTREAM_REGISTRY_IMAGE,
      buildContext: "apps/registry",
    });
    expect(build.tag).toMatch(/^dockyard\.invalid\/registry:[a-f0-9]{16}$/);
    expect(image.inputs).toEqual({
      tags: [build.tag],
      context: { location: "apps/registry" },
      dockerfile: { location: "apps/registry/Dockerfile" },
      buildArgs: { REGISTRY_IMAGE: UPSTREAM_REGISTRY_IMAGE },
      push: false,
      load: true,
      buildOnPreview: true,
      cacheFrom: [{ local: { src: "out/.buildcache/registry-image" } }],
      cacheTo: [{ local: { dest: "out/.buildcache/registry-image", mode: "max", ignoreError: true } }],
      network: "default", // the SDK's default
    });
    expect(image.options.protect).toBe(false);

    const container = find(resources, T.container, "registry");
    expect(dockerHardeningViolations(container.inputs)).toEqual([]);
    expect(container.inputs).toMatchObject({
      user: "65532:65532",
      readOnly: true,
      capabilities: { drops: ["ALL"], adds: [] },
      entrypoints: ["/bin/registry"],
      command: ["serve", "/etc/dockyard/config.yml"],
      ports: [{ internal: 5000, external: 5000, ip: "127.0.0.1", protocol: "tcp" }],
      healthcheck: { tests: ["CMD", ...registryHealthCommand(false)] },
      wait: true,
    });
    // The loaded image, by the tag naming its inputs, once it is loaded.
    expect(rawOf(raw, T.container, "registry").image).toBe(build.tag);
    expect(container.dependencies).toContain(image.urn);
    expect(container.inputs.volumes).toContainEqual({
      volumeName: "registry-data",
      containerPath: REGISTRY_DATA_DIR,
      readOnly: false,
    });
    expect(find(resources, T.dockerVolume, "registry-files").inputs.labels).toContainEqual({
      label: "dockyard.files",
      value: "config.yml,htpasswd",
    });
    expect(container.inputs.volumes).toContainEqual({
      volumeName: expect.stringMatching(/^registry-files-/) as unknown,
      containerPath: "/etc/dockyard",
      readOnly: true,
    });
    expect(find(resources, T.container, "registry-files-carrier").inputs.uploads).toEqual(MASKED);

    const files = uploadedFiles(raw);
    expect(Object.values(files).map((f) => f.permissions)).toEqual(["0444", "0444"]);
    const config = parse(files["/etc/dockyard/config.yml"].content) as Record<string, Record<string, unknown>>;
    expect(config.auth).toEqual({ htpasswd: { realm: "dockyard-registry", path: "/etc/dockyard/htpasswd" } });
    expect(config.http).toMatchObject({ addr: ":5000" });
    expect(config.http.tls).toBeUndefined();
    expect(config.storage).toMatchObject({
      filesystem: { rootdirectory: REGISTRY_DATA_DIR },
      delete: { enabled: false },
    });
    const htpasswd = files["/etc/dockyard/htpasswd"].content;
    expect(htpasswd).toMatch(/^dockyard:\$2a\$10\$[./A-Za-z0-9]{53}\n$/);
    expect(htpasswd).not.toContain(password);

    const recorded = JSON.stringify(resources);
    for (const secret of [...(await credentials(registry)), htpasswd.trim().split(":")[1]])
      expect(recorded).not.toContain(secret);
  });

  // A build context of its own: the registry's Dockerfile, one comment longer.
  const opsContext = mkdtempSync(path.join(tmpdir(), "dockyard-ops-registry-"));
  writeFileSync(
    path.join(opsContext, "Dockerfile"),
    `${readFileSync("apps/registry/Dockerfile", "utf8")}# ops' own build\n`,
  );
  afterAll(() => rmSync(opsContext, { recursive: true, force: true }));

  it("custom: mirror, TLS, deletes, port, address family, user, protect (data and password only)", async () => {
    let registry!: Registry;
    const tls = {
      certificate: "-----BEGIN CERTIFICATE-----\ncert-body-1d2e\n",
      key: pulumi.secret("-----BEGIN PRIVATE KEY-----\nkey-body-9f8e\n"),
    };
    const { resources, raw } = await recordWithRaw(
      () =>
        (registry = new Registry(
          "images",
          {
            target: "docker",
            mirror: "mirror.internal:5000",
            tls,
            deleteEnabled: true,
            hostPort: 5001,
            publishAddress: "::1",
            username: "ci",
            buildContext: opsContext,
          },
          { protect: true },
        )),
    );
    expect(await resolve(registry.address)).toBe("localhost:5001");
    expect(await resolve(registry.username)).toBe("ci");
    const mirrored = UPSTREAM_REGISTRY_IMAGE.replace(/^docker\.io\//, "mirror.internal:5000/");
    const image = find(resources, T.image, "images-image");
    const build = registryImageBuild({ name: "images", upstreamImage: mirrored, buildContext: opsContext });
    expect(image.inputs).toMatchObject({
      tags: [build.tag],
      context: { location: opsContext },
      dockerfile: { location: `${opsContext}/Dockerfile` },
      buildArgs: { REGISTRY_IMAGE: mirrored },
      cacheFrom: [{ local: { src: "out/.buildcache/images-image" } }],
    });
    // Another Dockerfile and another upstream reference: another tag, so the container is replaced.
    const defaults = { name: "images", upstreamImage: UPSTREAM_REGISTRY_IMAGE, buildContext: "apps/registry" };
    expect(build.tag).not.toBe(registryImageBuild(defaults).tag);
    expect(build.tag).not.toBe(registryImageBuild({ ...defaults, buildContext: opsContext }).tag);
    expect(rawOf(raw, T.container, "images").image).toBe(build.tag);
    expect(image.options.protect).toBe(false);
    expect(find(resources, T.dockerVolume, "images-data").options).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
    expect(find(resources, T.password, "images-password").options.protect).toBe(true);
    expect(find(resources, T.containerService, "images").options.protect).toBe(false);
    const container = find(resources, T.container, "images");
    expect(container.options.protect).toBe(false);
    expect(dockerHardeningViolations(container.inputs)).toEqual([]);
    expect(container.inputs).toMatchObject({
      ports: [{ internal: 5000, external: 5001, ip: "::1", protocol: "tcp" }],
      healthcheck: { tests: ["CMD", ...registryHealthCommand(true)] },
    });
    expect(registryHealthCommand(true)).toContain("https://127.0.0.1:5000/");

    const files = uploadedFiles(raw, "images");
    expect(Object.keys(files).sort()).toEqual([
      "/etc/dockyard/config.yml",
      "/etc/dockyard/htpasswd",
      "/etc/dockyard/tls.crt",
      "/etc/dockyard/tls.key",
    ]);
    expect(files["/etc/dockyard/tls.key"].content).toBe("-----BEGIN PRIVATE KEY-----\nkey-body-9f8e\n");
    const config = parse(files["/etc/dockyard/config.yml"].content) as Record<string, Record<string, unknown>>;
    expect(config.http.tls).toEqual({ certificate: "/etc/dockyard/tls.crt", key: "/etc/dockyard/tls.key" });
    expect(config.storage).toMatchObject({ delete: { enabled: true } });
    expect(files["/etc/dockyard/htpasswd"].content).toMatch(/^ci:\$2a\$/);

    const recorded = JSON.stringify(resources);
    for (const secret of [...(await credentials(registry)), "cert-body-1d2e", "key-body-9f8e"])
      expect(recorded).not.toContain(secret);
  });

  it("a ServiceImage pushing to it waits for the running registry and keeps the password secret", async () => {
    let registry!: Registry;
    const { resources } = await recordWithRaw(() => {
      registry = new Registry("registry", { target: "docker" });
      new ServiceImage("web", { context: "apps/web", repository: "web", revision: "0123456789ab", registry });
    });
    const push = find(resources, T.image, "web");
    expect(push.inputs).toMatchObject({ tags: ["localhost:5000/web:0123456789ab"], registries: [MASKED] });
    expect(push.dependencies).toContain(find(resources, T.container, "registry").urn);
    for (const secret of await credentials(registry)) expect(JSON.stringify(resources)).not.toContain(secret);
  });
});

/** The Gateway in front of a registry on Kubernetes, with one listener at its address. */
function edge(tls: Pick<GatewayArgs, "tlsSecretName" | "certificateIssuer">): Gateway {
  return new Gateway("edge", {
    namespace: "apps",
    listeners: [{ name: "registry", host: "registry.example.internal" }],
    ...tls,
  });
}

describe("self-hosted Registry on Kubernetes", () => {
  it("a restricted single-replica StatefulSet of the upstream image on its retained claim, files from a Secret", async () => {
    let registry!: Registry;
    const { resources, raw } = await recordWithRaw(
      () =>
        (registry = new Registry("registry", {
          target: "kubernetes",
          address: "registry.example.internal",
          listener: edge({ certificateIssuer: { name: "internal-ca" } }).listener("registry"),
          namespace: "apps",
          storageGiB: 50,
          storageClass: "fast-ssd",
        })),
    );
    expect(await resolve(registry.address)).toBe("registry.example.internal");
    expect(ofType(resources, T.image)).toEqual([]); // no local build: the nodes pull the upstream image
    const set = find(resources, T.statefulSet, "registry");
    expect(() =>
      new StatefulSet({ apiVersion: "apps/v1", kind: "StatefulSet", ...set.inputs } as IStatefulSet).validate(),
    ).not.toThrow();
    const spec = (set.inputs as { spec: { replicas: number; template: { spec: IPodSpec } } }).spec;
    expect(spec.replicas).toBe(1);
    const pod = spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      runAsNonRoot: true,
    });
    const [c] = pod.containers;
    expect(c).toMatchObject({
      image: UPSTREAM_REGISTRY_IMAGE,
      command: ["/bin/registry"],
      args: ["serve", "/etc/dockyard/config.yml"],
    });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/", port: 5000, scheme: "HTTP" });
    expect(c.volumeMounts).toContainEqual({ name: "registry-data", mountPath: REGISTRY_DATA_DIR, readOnly: false });
    expect(c.volumeMounts).toContainEqual({ name: FILES_VOLUME, mountPath: "/etc/dockyard", readOnly: true });

    const claim = find(resources, T.pvc, "registry-data");
    expect(claim.options.retainOnDelete).toBe(true);
    expect(claim.inputs).toMatchObject({
      metadata: { name: "registry-data", namespace: "apps" },
      spec: { resources: { requests: { storage: "50Gi" } }, storageClassName: "fast-ssd" },
    });
    expect(find(resources, T.service, "registry").inputs).toMatchObject({
      spec: { ports: [{ name: "registry", port: 5000 }] },
    });

    const secret = find(resources, T.secret, "registry-files");
    expect(secret.inputs.stringData).toEqual(MASKED);
    const files = rawOf(raw, T.secret, "registry-files").stringData as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(["config.yml", "htpasswd"]);
    expect(parse(files["config.yml"])).toMatchObject({ auth: { htpasswd: { path: "/etc/dockyard/htpasswd" } } });
    for (const secret of await credentials(registry)) expect(JSON.stringify(resources)).not.toContain(secret);

    // reached at address through the Gateway's listener: a request may take 900 s (a large layer)
    expect(find(resources, T.httpRoute, "registry").inputs).toMatchObject({
      spec: {
        hostnames: ["registry.example.internal"],
        parentRefs: [{ kind: "Gateway", name: "edge", sectionName: "registry" }],
        rules: [{ backendRefs: [{ name: "registry", port: 5000 }], timeouts: { request: "900s" } }],
      },
    });
    expect(JSON.stringify(resources)).not.toContain("nginx.ingress.kubernetes.io");
    expect(ofType(resources, T.backendTlsPolicy)).toEqual([]);
  });

  it("a push waits for the running registry, its Programmed Gateway, its Ready certificate and its accepted route", async () => {
    const { resources } = await recordWithRaw(() => {
      const registry = new Registry("registry", {
        target: "kubernetes",
        address: "registry.example.internal",
        listener: edge({ certificateIssuer: { name: "internal-ca" } }).listener("registry"),
      });
      new ServiceImage("web", { context: "apps/web", repository: "web", revision: "0123456789ab", registry });
    });
    const push = find(resources, T.image, "web");
    expect(push.inputs).toMatchObject({ tags: ["registry.example.internal/web:0123456789ab"] });
    expect(push.dependencies).toEqual(
      expect.arrayContaining([
        ...[T.statefulSet, T.httpRoute].map((type) => find(resources, type, "registry").urn),
        find(resources, T.gateway, "edge").urn,
        find(resources, T.certificate, "edge-registry").urn,
      ]),
    );
  });

  it("with TLS of its own the probes use HTTPS and the Gateway speaks HTTPS to it, verifying it for its address", async () => {
    const { resources } = await recordWithRaw(
      () =>
        new Registry("registry", {
          target: "kubernetes",
          address: "registry.example.internal",
          listener: edge({ tlsSecretName: "registry-edge-tls" }).listener("registry"),
          tls: { certificate: "c", key: "k" },
        }),
    );
    const pod = (find(resources, T.statefulSet, "registry").inputs as { spec: { template: { spec: IPodSpec } } }).spec
      .template.spec;
    expect(pod.containers[0].livenessProbe?.httpGet).toEqual({ path: "/", port: 5000, scheme: "HTTPS" });
    expect(find(resources, T.backendTlsPolicy, "registry-backend-tls").inputs).toMatchObject({
      spec: { validation: { hostname: "registry.example.internal" } },
    });
    expect(ofType(resources, T.certificate)).toEqual([]);
  });
});
