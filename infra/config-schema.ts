import { z } from "zod";
import { isImageRef, parseImageRef } from "../components/registry/image-ref";
import { expects, knob, secret } from "./schema-marks";

/**
 * The schema of a stack's `dockyard:*` config: the only things that may differ between
 * environments. Topology (which services, volumes and VMs exist) is code in
 * `infra/platform.ts`; this schema only lets a stack size and place them.
 *
 * Keys marked {@link knob} may differ between test and prod (the parity check allows
 * them); every other key must be equal. Keys marked {@link secret} must be set with
 * `pulumi config set --secret`.
 */

/** Names the topology declares, so config for an unknown service is an error, not ignored. */
export interface ConfigCatalog {
  /** Service names, each with the most replicas it can run (1 for a single writer of its data). */
  services: Readonly<Record<string, { maxReplicas: number; why?: string }>>;
  volumes: readonly string[];
  vms: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CPU_QUANTITY = /^([1-9][0-9]*m|[0-9]+(\.[0-9]{1,3})?)$/;
const MEMORY_QUANTITY = /^[1-9][0-9]*(Ki|Mi|Gi|Ti)$/;
const CRON_FIELD = String.raw`(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*`;
const CRON = new RegExp(`^${CRON_FIELD}( ${CRON_FIELD}){4}$`);
/** host[:port]: a registry host, as a mirror is given. */
const REGISTRY_HOST_ONLY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$/;
/** host[:port][/path], optionally with an https:// scheme; what `docker push` accepts as a registry. */
const REGISTRY_HOST = /^(https:\/\/)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/;

function intRange(min: number, max: number) {
  return expects(z.int().min(min).max(max), `an integer from ${min} to ${max}`);
}

function uriWithSchemes(schemes: readonly string[], example: string) {
  const text = `a URI with scheme ${schemes.join(", ")} (e.g. "${example}")`;
  return expects(
    z.string().refine((value) => {
      try {
        const url = new URL(value);
        return schemes.includes(url.protocol.replace(/:$/, "")) && !/\s/.test(value);
      } catch {
        return false;
      }
    }),
    text,
  );
}

/** `pulumi config set --secret` values: non-empty strings delivered to the program as secrets. */
function secretString(what: string) {
  // Credentials differ per environment by nature: a secret is also a knob.
  return knob(secret(expects(z.string().min(1), `a non-empty ${what}, set with --secret`)));
}

const dockerHost = knob(uriWithSchemes(["unix", "tcp", "ssh", "npipe"], "unix:///var/run/docker.sock"));
const libvirtUri = knob(
  uriWithSchemes(
    ["qemu", "qemu+ssh", "qemu+tcp", "qemu+tls", "qemu+unix", "qemu+libssh", "qemu+libssh2", "test"],
    "qemu+ssh://ops@vm-host/system",
  ),
);

const endpoints = z
  .strictObject({
    /** Docker engine the dev target deploys to. */
    dockerHost: dockerHost.default("unix:///var/run/docker.sock"),
    /** kubeconfig context of the cluster (required when target is kubernetes). */
    kubeContext: knob(expects(z.string().min(1), "a kubeconfig context name")).optional(),
    /** Namespace every Kubernetes object lives in. */
    namespace: knob(expects(z.string().regex(DNS_LABEL), "a DNS label (lowercase letters, digits, '-')")).default(
      "dockyard",
    ),
    /** libvirt connection URI for the VMs (required when a VM is enabled). */
    libvirtUri: libvirtUri.optional(),
  })
  .prefault({});

const registry = z
  .strictObject({
    /** `self-hosted`: the platform runs its own registry; `external`: it uses one at `url`. */
    mode: expects(z.enum(["self-hosted", "external"]), `"self-hosted" or "external"`).default("self-hosted"),
    /**
     * Where the registry is reached, host[:port][/path]: the external registry, or the address a
     * self-hosted registry on Kubernetes is exposed at (required for both; dev's is 127.0.0.1).
     */
    url: knob(expects(z.string().regex(REGISTRY_HOST), `a registry address like "registry.example.com:5000"`)).optional(),
    /** A registry every third-party image (bases, the registry's own image) is pulled through. */
    mirror: knob(expects(z.string().regex(REGISTRY_HOST_ONLY), `a registry host like "mirror.example.com:5000"`)).optional(),
    /** User name for the external registry (mode external only). */
    username: knob(expects(z.string().min(1), "a non-empty user name")).optional(),
    /** Password or token for the external registry (mode external only). */
    password: secretString("registry password").optional(),
  })
  .prefault({});

const IMAGE_REF = expects(
  z.string().refine((value) => isImageRef(parseImageRef(value))),
  "an image reference like \"registry.example.com/web@sha256:<64 hex>\"",
);

/** Config of one service; `maxReplicas` comes from the topology. */
function serviceEntry(maxReplicas: number, why: string | undefined) {
  const replicasText = maxReplicas === 1 ? `1${why ? ` (${why})` : ""}` : `an integer from 1 to ${maxReplicas}`;
  return z
    .strictObject({
      replicas: knob(expects(z.int().min(1).max(maxReplicas), replicasText)).default(1),
      cpu: knob(expects(z.string().regex(CPU_QUANTITY), `a CPU quantity like "250m" or "1"`)).default("250m"),
      memory: knob(expects(z.string().regex(MEMORY_QUANTITY), `a memory quantity like "256Mi" or "1Gi"`)).default("256Mi"),
      /**
       * Deploy this image instead of building the service from source: how CI promotes one
       * tested build. Not a knob — test and prod must run the same digest.
       */
      image: IMAGE_REF.optional(),
      /**
       * Named opt-outs of the container hardening, for software that cannot run without them.
       * Not knobs: test must run with exactly prod's security posture.
       */
      security: z
        .strictObject({
          allowWritableRootFilesystem: expects(z.boolean(), "true or false").default(false),
          allowPrivilegeEscalation: expects(z.boolean(), "true or false").default(false),
        })
        .prefault({}),
    })
    .prefault({});
}

const volumeSizes = z
  .strictObject({
    sizeGiB: knob(intRange(1, 16384)).default(1),
    /** Kubernetes StorageClass; the cluster default when unset. */
    storageClass: knob(expects(z.string().regex(DNS_LABEL), "a StorageClass name")).optional(),
  })
  .prefault({});

const vmSizes = z
  .strictObject({
    /** Whether this VM exists in the stack (test and prod must agree; dev may leave VMs out). */
    enabled: expects(z.boolean(), "true or false").default(true),
    vcpus: knob(intRange(1, 64)).default(1),
    memoryMiB: knob(intRange(128, 1_048_576)).default(1024),
    diskGiB: knob(intRange(1, 4096)).default(10),
    /** OpenSSH public keys of the VM's admin user (required while enabled: there is no password login). */
    sshAuthorizedKeys: knob(
      expects(
        z.array(z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/)).min(1),
        `a list of OpenSSH public keys like "ssh-ed25519 AAAA… ops@example"`,
      ),
    ).optional(),
  })
  .prefault({});

const backup = z
  .strictObject({
    /** Cron schedule (5 fields, UTC). */
    schedule: knob(expects(z.string().regex(CRON), `a 5-field cron schedule like "0 3 * * *"`)).default("0 3 * * *"),
    /** How many days backups are kept. */
    retentionDays: knob(intRange(1, 3650)).default(7),
  })
  .prefault({});

/** One strict object with an optional entry per name the topology declares. */
function perName<T extends z.ZodType>(names: readonly string[], entry: T) {
  return z.strictObject(Object.fromEntries(names.map((name) => [name, entry]))).prefault({});
}

/** Builds the stack config schema for the names the topology declares. */
export function stackConfigSchema(catalog: ConfigCatalog) {
  return z
    .strictObject({
      /** Where container services run: the local Docker engine, or a Kubernetes cluster. */
      target: expects(z.enum(["docker", "kubernetes"]), `"docker" or "kubernetes"`),
      /** Protect stateful resources from `pulumi destroy` (on in prod). */
      protect: knob(expects(z.boolean(), "true or false")).default(true),
      endpoints,
      registry,
      services: z
        .strictObject(Object.fromEntries(Object.entries(catalog.services).map(([name, { maxReplicas, why }]) => [name, serviceEntry(maxReplicas, why)])))
        .prefault({}),
      volumes: perName(catalog.volumes, volumeSizes),
      vms: perName(catalog.vms, vmSizes),
      backup,
      /** Named opt-outs of safe defaults; accepted only for the local Docker target. */
      unsafe: z
        .strictObject({
          /** Allow images tagged `latest` (or untagged), which change under a running service. */
          allowLatestTag: expects(z.boolean(), "true or false").default(false),
        })
        .prefault({}),
    })
    .superRefine((config, ctx) => {
      checkImages(config, ctx);
      if (config.target === "kubernetes" && !config.endpoints.kubeContext) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", "kubeContext"],
          message: "is required when target is kubernetes: the kubeconfig context of the cluster",
          input: undefined,
        });
      }
      for (const [name, vm] of Object.entries(config.vms)) {
        if (vm.enabled && vm.sshAuthorizedKeys === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["vms", name, "sshAuthorizedKeys"],
            message: `is required while VM "${name}" is enabled: the admin user logs in with these keys only`,
            input: undefined,
          });
        }
      }
      const enabledVm = Object.entries(config.vms).find(([, vm]) => vm.enabled);
      if (enabledVm && !config.endpoints.libvirtUri) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", "libvirtUri"],
          message: `is required while VM "${enabledVm[0]}" is enabled (e.g. "qemu+ssh://ops@vm-host/system"), or set vms.${enabledVm[0]}.enabled to false`,
          input: undefined,
        });
      }
      const external = config.registry.mode === "external";
      if (!external && config.target === "kubernetes" && config.registry.url === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["registry", "url"],
          message: "is required for a self-hosted registry on kubernetes: the address nodes and the deploying machine reach it at",
          input: undefined,
        });
      }
      if (external && config.registry.url === undefined) {
        ctx.addIssue({ code: "custom", path: ["registry", "url"], message: "is required when registry.mode is external", input: undefined });
      }
      for (const key of ["username", "password"] as const) {
        if (external && config.registry[key] === undefined) {
          ctx.addIssue({ code: "custom", path: ["registry", key], message: "is required when registry.mode is external", input: undefined });
        }
        if (!external && config.registry[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["registry", key],
            message: "applies only when registry.mode is external: remove it or set mode to external",
            input: undefined,
          });
        }
      }
    });
}

type ConfigDraft = {
  target: "docker" | "kubernetes";
  services: Record<string, { image?: string }>;
  unsafe: { allowLatestTag: boolean };
};

/**
 * Deployed images must not change under a running service: on Kubernetes (test, prod) every
 * image given in config is pinned by digest; `latest` needs an explicit opt-out, only on Docker.
 */
function checkImages(config: ConfigDraft, ctx: z.RefinementCtx): void {
  if (config.unsafe.allowLatestTag && config.target !== "docker") {
    ctx.addIssue({ code: "custom", path: ["unsafe", "allowLatestTag"], message: "is accepted only for target docker (local development)", input: undefined });
  }
  for (const [name, { image }] of Object.entries(config.services)) {
    if (image === undefined) continue;
    const ref = parseImageRef(image);
    if (!isImageRef(ref)) continue;
    const path = ["services", name, "image"];
    if (config.target === "kubernetes" && ref.digest === undefined) {
      ctx.addIssue({ code: "custom", path, message: `must be pinned by digest (…@sha256:<64 hex>) on kubernetes, got "${image}"`, input: undefined });
    } else if (ref.digest === undefined && (ref.tag ?? "latest") === "latest" && !config.unsafe.allowLatestTag) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `must not use the "latest" tag (it changes under a running service): pin a digest or a version tag, or set unsafe.allowLatestTag on a docker stack; got "${image}"`,
        input: undefined,
      });
    }
  }
}

/** The validated stack config (defaults applied), before secrets are wrapped. */
export type StackConfigData = z.output<ReturnType<typeof stackConfigSchema>>;
