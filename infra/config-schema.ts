import { z } from "zod";
import { type ImagePolicy, imagePolicyProblem } from "../components/container/image-policy";
import { isImageRef, parseImageRef } from "../components/registry/image-ref";
import * as rules from "../components/rules";
import { expects, knob, mayBeSecret, secret, shaped } from "./schema-marks";

/**
 * The schema of a stack's `dockyard:*` config: the only things that may differ between
 * environments. Topology (which services, volumes and VMs exist) is code in
 * `infra/platform.ts`; this schema only lets a stack size and place them.
 *
 * Every value is checked by the same rule the components apply (components/rules), so a
 * stack file that validates never fails later inside a component. Keys marked {@link knob}
 * may differ between test and prod (the parity check allows them); every other key must be
 * equal. Keys marked {@link secret} must be set with `pulumi config set --secret`.
 */

/** Names the topology declares, so config for an unknown service is an error, not ignored. */
export interface ConfigCatalog {
  /** Service names, each with the most replicas it can run (1 for a single writer of its data). */
  services: Readonly<Record<string, { maxReplicas: number; why?: string }>>;
  volumes: readonly string[];
  vms: readonly string[];
}

/**
 * A schema node applying one rule: the rule's problem, or its normalised value (through
 * `render` when the config keeps another form, e.g. millicores back to a quantity).
 */
function ruled<T, R = T>(rule: rules.Rule<T>, render?: (value: T) => R) {
  return expects(
    z.unknown().transform((value, ctx): R => {
      const verdict = rule.check(value);
      if (verdict.ok) return render ? render(verdict.value) : (verdict.value as unknown as R);
      ctx.issues.push({ code: "custom", message: verdict.problem, input: value, params: { rule: true } });
      return z.NEVER;
    }),
    rule.expects,
  );
}

/** A loopback, remote or absent registry mirror: whether images come through one, and from where, is not a knob. */
function mirrorShape(value: unknown): string {
  if (typeof value !== "string") return "none";
  return rules.isLoopbackHost(rules.registryHostOf(value).replace(/:\d+$/, "")) ? "loopback" : "remote";
}

const endpoints = z
  .strictObject({
    /** Docker engine the dev target deploys to and images are built on. */
    dockerHost: mayBeSecret(
      shaped(knob(ruled(rules.dockerHost)), (v) => rules.dockerHostShape(String(v))),
      "ssh://offline-secret-value",
    ).default("unix:///var/run/docker.sock"),
    /** kubeconfig context of the cluster (required when target is kubernetes). */
    kubeContext: mayBeSecret(knob(ruled(rules.plainText("a kubeconfig context name")))).optional(),
    /** Namespace every Kubernetes object lives in. */
    namespace: mayBeSecret(knob(ruled(rules.dnsLabel))).default("dockyard"),
    /** libvirt connection URI for the VMs (required when a VM is enabled). */
    libvirtUri: mayBeSecret(
      shaped(knob(ruled(rules.libvirtUri())), (v) => rules.libvirtUriShape(String(v))),
      "qemu+ssh://offline-secret-value/system",
    ).optional(),
  })
  .prefault({});

const registry = z
  .strictObject({
    /** `self-hosted`: the platform runs its own registry; `external`: it uses one at `url`. */
    mode: ruled(rules.oneOf(["self-hosted", "external"] as const)).default("self-hosted"),
    /**
     * Where the registry is reached, host[:port][/path]: the external registry, or the address a
     * self-hosted registry on Kubernetes is exposed at (required for both; dev's is 127.0.0.1).
     */
    url: mayBeSecret(knob(ruled(rules.registryAddress)), "offline-secret-value.invalid").optional(),
    /** A registry every third-party image (bases, the registry's own image) is pulled through. */
    mirror: mayBeSecret(
      shaped(knob(ruled(rules.registryHost)), mirrorShape),
      "offline-secret-value.invalid",
    ).optional(),
    /** User name for the external registry (mode external only). */
    username: mayBeSecret(knob(ruled(rules.registryUser))).optional(),
    /** Password or token for the external registry (mode external only); credentials differ per environment by nature. */
    password: knob(secret(expects(z.string().min(1), "a non-empty registry password, set with --secret"))).optional(),
  })
  .prefault({});

/**
 * What makes two stacks run the same image: its digest (content-addressed, whichever registry
 * serves it); a reference without one only by being the same reference; unset, being built.
 */
export function imageIdentity(value: unknown): unknown {
  if (typeof value !== "string") return "built by the stack from source";
  const ref = parseImageRef(value);
  return isImageRef(ref) && ref.digest !== undefined ? ref.digest : value;
}

/** Config of one service; `maxReplicas` comes from the topology. */
function serviceEntry(maxReplicas: number, why: string | undefined) {
  // A single writer's limit carries its reason into the message.
  const replicas =
    maxReplicas === 1 && why
      ? rules.rule(`1 (${why})`, (v) => (v === 1 ? rules.accept(1) : rules.refuse(`must be 1 (${why})`)))
      : rules.integerIn(1, maxReplicas);
  return z
    .strictObject({
      replicas: knob(ruled(replicas)).default(1),
      cpu: knob(ruled(rules.cpu, rules.cpuQuantity)).default("250m"),
      memory: knob(ruled(rules.memory, rules.memoryQuantity)).default("256Mi"),
      /**
       * Deploy this image instead of building the service from source: how CI promotes one
       * tested build (npm run promote). Only its registry host is a knob (each stack pulls from
       * its own registry); its digest is not: test and prod must run the same digest, and parity
       * compares it (docs/decisions/0009-delivery.md).
       */
      image: mayBeSecret(
        shaped(knob(ruled(rules.imageReference)), imageIdentity),
        `registry.offline-secret-value/web@sha256:${"0".repeat(64)}`,
      ).optional(),
      /**
       * Named opt-outs of the container hardening, for software that cannot run without them.
       * Not knobs: test must run with exactly prod's security posture.
       */
      security: z
        .strictObject({
          allowWritableRootFilesystem: ruled(rules.boolean).default(false),
          allowPrivilegeEscalation: ruled(rules.boolean).default(false),
        })
        .prefault({}),
    })
    .prefault({});
}

const volumeSizes = z
  .strictObject({
    sizeGiB: knob(ruled(rules.integerIn(1, 16384))).default(1),
    /** Kubernetes StorageClass; the cluster default when unset. */
    storageClass: mayBeSecret(knob(ruled(rules.dnsSubdomain))).optional(),
  })
  .prefault({});

const vmSizes = z
  .strictObject({
    /** Whether this VM exists in the stack (test and prod must agree; dev may leave VMs out). */
    enabled: ruled(rules.boolean).default(true),
    vcpus: knob(ruled(rules.integerIn(1, 64))).default(1),
    memoryMiB: knob(ruled(rules.integerIn(128, 1_048_576))).default(1024),
    diskGiB: knob(ruled(rules.integerIn(1, 4096))).default(10),
    /** OpenSSH public keys of the VM's admin user (required while enabled: there is no password login). */
    sshAuthorizedKeys: mayBeSecret(
      knob(
        expects(
          z
            .array(
              mayBeSecret(
                ruled(rules.sshPublicKey),
                `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR offline-secret-value`,
              ),
            )
            .min(1)
            .max(100),
          `a list of 1 to 100 OpenSSH public keys like "ssh-ed25519 AAAA… ops@example"`,
        ),
      ),
    ).optional(),
  })
  .prefault({});

const backup = z
  .strictObject({
    /** Cron schedule (5 fields, UTC). */
    schedule: knob(ruled(rules.cronSchedule)).default("0 3 * * *"),
    /** How many days backups are kept. */
    retentionDays: knob(ruled(rules.integerIn(1, 3650))).default(7),
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
      target: ruled(rules.oneOf(["docker", "kubernetes"] as const)),
      /** Protect stateful resources from `pulumi destroy` (on in prod). */
      protect: knob(ruled(rules.boolean)).default(true),
      endpoints,
      registry,
      services: z
        .strictObject(
          Object.fromEntries(
            Object.entries(catalog.services).map(([name, { maxReplicas, why }]) => [
              name,
              serviceEntry(maxReplicas, why),
            ]),
          ),
        )
        .prefault({}),
      volumes: perName(catalog.volumes, volumeSizes),
      vms: perName(catalog.vms, vmSizes),
      backup,
      /** Named opt-outs of safe defaults; accepted only for the local Docker target. */
      unsafe: z
        .strictObject({
          /** Allow images tagged `latest` (or untagged), which change under a running service. */
          allowLatestTag: ruled(rules.boolean).default(false),
        })
        .prefault({}),
    })
    .superRefine((config, ctx) => {
      // `shown` values get ", got …" appended by the loader, which leaves it out for secrets.
      const issue = (path: (string | number)[], message: string, shown?: unknown) =>
        ctx.addIssue({
          code: "custom",
          path,
          message,
          input: shown,
          ...(shown === undefined ? {} : { params: { rule: true } }),
        });
      checkImages(config, issue);
      if (config.target === "kubernetes" && !config.endpoints.kubeContext) {
        issue(
          ["endpoints", "kubeContext"],
          "is required when target is kubernetes: the kubeconfig context of the cluster",
        );
      }
      for (const [name, vm] of Object.entries(config.vms)) {
        if (vm.enabled && vm.sshAuthorizedKeys === undefined) {
          issue(
            ["vms", name, "sshAuthorizedKeys"],
            `is required while VM "${name}" is enabled: the admin user logs in with these keys only`,
          );
        }
      }
      const enabledVm = Object.entries(config.vms).find(([, vm]) => vm.enabled);
      if (enabledVm && !config.endpoints.libvirtUri) {
        issue(
          ["endpoints", "libvirtUri"],
          `is required while VM "${enabledVm[0]}" is enabled (e.g. "qemu+ssh://ops@vm-host/system"), or set vms.${enabledVm[0]}.enabled to false`,
        );
      }
      const external = config.registry.mode === "external";
      if (!external && config.target === "kubernetes" && config.registry.url === undefined) {
        issue(
          ["registry", "url"],
          "is required for a self-hosted registry on kubernetes: the address nodes and the deploying machine reach it at",
        );
      }
      if (external && config.registry.url === undefined)
        issue(["registry", "url"], "is required when registry.mode is external");
      for (const key of ["username", "password"] as const) {
        if (external && config.registry[key] === undefined)
          issue(["registry", key], "is required when registry.mode is external");
        if (!external && config.registry[key] !== undefined)
          issue(["registry", key], "applies only when registry.mode is external: remove it or set mode to external");
      }
    });
}

/**
 * What deployed images may be, for a stack: pinned by digest on Kubernetes (test, prod); on
 * Docker (dev) a version tag is enough, and `latest` only with `unsafe.allowLatestTag`. The
 * platform hands the same policy to ContainerService, so config and component agree.
 */
export function imagePolicyFor(target: "docker" | "kubernetes", unsafe: { allowLatestTag: boolean }): ImagePolicy {
  return { allowLatestTag: target === "docker" && unsafe.allowLatestTag, allowMutableImageTag: target === "docker" };
}

type Issue = (path: (string | number)[], message: string, shown?: unknown) => void;

type ConfigDraft = {
  target: "docker" | "kubernetes";
  services: Record<string, { image?: string }>;
  unsafe: { allowLatestTag: boolean };
};

/** Images given in config, checked with the policy the component will apply (see {@link imagePolicyFor}). */
function checkImages(config: ConfigDraft, issue: Issue): void {
  if (config.unsafe.allowLatestTag && config.target !== "docker")
    issue(["unsafe", "allowLatestTag"], "is accepted only for target docker (local development)");
  const policy = imagePolicyFor(config.target, config.unsafe);
  for (const [name, { image }] of Object.entries(config.services)) {
    if (image === undefined || imagePolicyProblem(image, config.target, policy) === undefined) continue;
    const ref = parseImageRef(image);
    const path = ["services", name, "image"];
    if (isImageRef(ref) && config.target === "kubernetes" && ref.digest === undefined) {
      issue(path, "must be pinned by digest (…@sha256:<64 hex>) on kubernetes", image);
    } else {
      issue(
        path,
        `must not use the "latest" tag (it changes under a running service): pin a digest or a version tag, or set unsafe.allowLatestTag on a docker stack`,
        image,
      );
    }
  }
}

/** The validated stack config (defaults applied), before secrets are wrapped. */
export type StackConfigData = z.output<ReturnType<typeof stackConfigSchema>>;
