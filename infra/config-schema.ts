import { z } from "zod";
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
  services: readonly string[];
  volumes: readonly string[];
  vms: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CPU_QUANTITY = /^([1-9][0-9]*m|[0-9]+(\.[0-9]{1,3})?)$/;
const MEMORY_QUANTITY = /^[1-9][0-9]*(Ki|Mi|Gi|Ti)$/;
const CRON_FIELD = String.raw`(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*`;
const CRON = new RegExp(`^${CRON_FIELD}( ${CRON_FIELD}){4}$`);
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
    /** External registry address, host[:port][/path] (mode external only). */
    url: knob(expects(z.string().regex(REGISTRY_HOST), `a registry address like "registry.example.com:5000"`)).optional(),
    /** User name for the external registry (mode external only). */
    username: knob(expects(z.string().min(1), "a non-empty user name")).optional(),
    /** Password or token for the external registry (mode external only). */
    password: secretString("registry password").optional(),
  })
  .prefault({});

const serviceSizes = z
  .strictObject({
    replicas: knob(intRange(1, 100)).default(1),
    cpu: knob(expects(z.string().regex(CPU_QUANTITY), `a CPU quantity like "250m" or "1"`)).default("250m"),
    memory: knob(expects(z.string().regex(MEMORY_QUANTITY), `a memory quantity like "256Mi" or "1Gi"`)).default(
      "256Mi",
    ),
  })
  .prefault({});

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
      services: perName(catalog.services, serviceSizes),
      volumes: perName(catalog.volumes, volumeSizes),
      vms: perName(catalog.vms, vmSizes),
      backup,
    })
    .superRefine((config, ctx) => {
      if (config.target === "kubernetes" && !config.endpoints.kubeContext) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", "kubeContext"],
          message: "is required when target is kubernetes: the kubeconfig context of the cluster",
          input: undefined,
        });
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
      for (const key of ["url", "username", "password"] as const) {
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

/** The validated stack config (defaults applied), before secrets are wrapped. */
export type StackConfigData = z.output<ReturnType<typeof stackConfigSchema>>;
