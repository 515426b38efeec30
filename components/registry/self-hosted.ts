import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerServiceArgs } from "../container-service";
import type { VolumeRef } from "../types";
import { FILES_DIR } from "../workload";
import { type RegistryConfigSpec, htpasswdFile, registryConfigYaml } from "./registry-config";
import type { SelfHostedSpec } from "./registry-spec";

/**
 * Pure translators of a self-hosted registry: its config.yml and htpasswd (the files the
 * ContainerService delivers), and the ContainerService that runs it. The real-engine tests
 * start Debian's registry from the same functions with a host layout.
 */

/** Port the registry listens on inside its container (and the Kubernetes Service port). */
export const REGISTRY_PORT = 5000;
/**
 * Where blobs live: the data volume's mount path. Not the upstream /var/lib/registry, which its
 * image declares a VOLUME owned by root (see apps/registry/Dockerfile and ADR 0005).
 */
export const REGISTRY_DATA_DIR = "/var/lib/dockyard-registry";
/** Realm of the basic-auth challenge. */
export const REGISTRY_REALM = "dockyard-registry";
/** The generated password: long, and letters and digits only (no quoting trouble in any client). */
export const PASSWORD_POLICY = { length: 40, special: false } as const;
/**
 * The registry's HTTPRoute: a request may take 900 s (a large layer pushed as one request on a slow
 * link). Standard Gateway API has no body limit to lift; ADR 0024 says which implementations need
 * their own policy for one.
 */
export const REGISTRY_ROUTE = { timeoutSeconds: 900 } as const;

/**
 * The registry process's environment. Distribution 3 always starts OpenTelemetry tracing and, unless
 * told otherwise, exports every span to https://localhost:4318, where nothing listens: an error
 * line in the log for every export. `none` turns the export off (its configuration guide,
 * "Disable traces export"); 2.8 has no tracing and ignores it.
 */
export const REGISTRY_ENVIRONMENT = { OTEL_TRACES_EXPORTER: "none" } as const;

/** File names in the files directory. */
export const REGISTRY_FILES = {
  config: "config.yml",
  htpasswd: "htpasswd",
  certificate: "tls.crt",
  key: "tls.key",
} as const;

/** Where the registry's inputs live: in its container, or on a host (tests). */
export interface RegistryLayout {
  /** Address to listen on, e.g. `:5000`. */
  readonly listen: string;
  /** Directory holding config.yml, htpasswd and the TLS files. */
  readonly filesDir: string;
  /** Directory holding blobs and manifests. */
  readonly dataDir: string;
}

/** The layout inside the registry's container. */
export const CONTAINER_LAYOUT: RegistryLayout = {
  listen: `:${REGISTRY_PORT}`,
  filesDir: FILES_DIR,
  dataDir: REGISTRY_DATA_DIR,
};

/** The registry configuration: htpasswd auth always, filesystem storage, deletes and TLS as asked. */
export function selfHostedConfig(
  spec: Pick<SelfHostedSpec, "deleteEnabled" | "tls">,
  layout: RegistryLayout = CONTAINER_LAYOUT,
): RegistryConfigSpec {
  const file = (name: string) => path.posix.join(layout.filesDir, name);
  return {
    listen: layout.listen,
    storageRoot: layout.dataDir,
    htpasswdPath: file(REGISTRY_FILES.htpasswd),
    deleteEnabled: spec.deleteEnabled,
    realm: REGISTRY_REALM,
    ...(spec.tls === undefined
      ? {}
      : { tls: { certificatePath: file(REGISTRY_FILES.certificate), keyPath: file(REGISTRY_FILES.key) } }),
  };
}

/** The registry's files: config.yml, htpasswd of the one account, and the TLS pair when given. */
export function selfHostedFiles(
  spec: Pick<SelfHostedSpec, "deleteEnabled" | "tls" | "username">,
  bcryptHash: pulumi.Input<string>,
  layout: RegistryLayout = CONTAINER_LAYOUT,
): Record<string, pulumi.Input<string>> {
  return {
    [REGISTRY_FILES.config]: registryConfigYaml(selfHostedConfig(spec, layout)),
    [REGISTRY_FILES.htpasswd]: pulumi
      .output(bcryptHash)
      .apply((hash) => htpasswdFile([{ username: spec.username, bcryptHash: hash }])),
    ...(spec.tls === undefined
      ? {}
      : { [REGISTRY_FILES.certificate]: spec.tls.certificate, [REGISTRY_FILES.key]: spec.tls.key }),
  };
}

/**
 * Health command for Docker, exec form: the upstream image is Alpine, whose busybox has wget.
 * `/` answers 200 without credentials (everything under /v2/ needs them).
 */
export function registryHealthCommand(tls: boolean): string[] {
  const url = `${tls ? "https" : "http"}://127.0.0.1:${REGISTRY_PORT}/`;
  return ["/bin/busybox", "wget", "-q", "-O", "/dev/null", ...(tls ? ["--no-check-certificate"] : []), url];
}

/** The ContainerService running the registry: the binary itself (no shell entrypoint), hardened defaults. */
export function selfHostedServiceArgs(
  spec: SelfHostedSpec,
  image: pulumi.Input<string>,
  data: VolumeRef,
  files: Record<string, pulumi.Input<string>>,
): ContainerServiceArgs {
  const tls = spec.tls !== undefined;
  return {
    target: spec.target,
    image,
    command: ["/bin/registry"],
    args: ["serve", path.posix.join(FILES_DIR, REGISTRY_FILES.config)],
    environment: { ...REGISTRY_ENVIRONMENT },
    ports: [
      {
        containerPort: REGISTRY_PORT,
        name: "registry",
        ...(spec.target === "docker" ? { hostPort: spec.hostPort } : {}),
      },
    ],
    volumes: [{ volume: data, mountPath: REGISTRY_DATA_DIR }],
    files,
    healthCheck: { path: "/", scheme: tls ? "HTTPS" : "HTTP", command: registryHealthCommand(tls) },
    component: "registry",
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    ...(spec.target === "kubernetes" && spec.listener !== undefined
      ? {
          route: {
            listener: spec.listener,
            ...REGISTRY_ROUTE,
            ...(spec.tls === undefined ? {} : { backendCaCertificate: spec.tls.certificate }),
          },
        }
      : {}),
    // On Docker it runs its local image by tag: one naming a hash of its build inputs, never pulled
    // (local-image.ts). Kubernetes runs the upstream image by digest.
    security: {
      publishAddress: spec.publishAddress,
      ...(spec.target === "docker" ? { allowMutableImageTag: true } : {}),
    },
  };
}
