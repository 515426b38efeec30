import * as z from "zod";
import {
  AUTOSCALING_DEFAULTS,
  BACKUP_DEFAULTS,
  GATEWAY_DEFAULTS,
  imagePolicyProblem,
  LIMITS,
  isImageRef,
  parseImageRef,
  type ImagePolicy,
  SERVICE_DEFAULTS,
  VM_DEFAULTS,
  VOLUME_DEFAULTS,
} from "../components";
import { rules } from "../components/internal";
import { isStackName, STACK_NAME_RULE } from "./cli/stack-name";
import { collection, doc, expects, knob, mayBeSecret, secret, shaped } from "./schema-marks";
import VERSIONS from "../versions.json";
import { MONITORING_DEFAULTS } from "../components/monitoring/defaults";

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

/** An integer within one of the components' {@link LIMITS}: stack config checks the same range. */
function within(range: { readonly min: number; readonly max: number }) {
  return rules.integerIn(range.min, range.max);
}

/** What config may set for one service of the topology. */
export interface CatalogService {
  /** The most replicas it can run (1 for a single writer of its data). */
  maxReplicas: number;
  /** Why, when that is 1. */
  why?: string;
  /** It serves users: on kubernetes a Gateway listener and an HTTPRoute at `services.<name>.host`. */
  exposed?: boolean;
  /** On kubernetes a HorizontalPodAutoscaler owns its count (`services.<name>.autoscaling`), never below this. */
  minReplicas?: number;
  /**
   * Built from source, so a stack may pin the image CI built (`services.<name>.image`); an
   * upstream image is pinned by digest in versions.json for every stack alike.
   */
  builds?: boolean;
}

/** Names the topology declares, so config for an unknown service is an error, not ignored. */
export interface ConfigCatalog {
  /** Service names, each with what config may set for it. */
  services: Readonly<Record<string, CatalogService>>;
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
    dockerHost: doc(
      mayBeSecret(
        shaped(knob(ruled(rules.dockerHost)), (v) => rules.dockerHostShape(String(v)), "its scheme"),
        "ssh://offline-secret-value",
      ),
      "Docker engine the dev target deploys to and images are built on",
    ).default("unix:///var/run/docker.sock"),
    kubeContext: doc(
      mayBeSecret(knob(ruled(rules.plainText("a kubeconfig context name")))),
      "kubeconfig context of the cluster (required when target is kubernetes)",
    ).optional(),
    namespace: doc(
      mayBeSecret(knob(ruled(rules.dnsLabel))),
      "Kubernetes namespace every object lives in; not default or a kube-* namespace (kubernetes)",
    ).default("dockyard"),
    libvirtUri: doc(
      mayBeSecret(
        shaped(
          knob(ruled(rules.libvirtUri())),
          (v) => rules.libvirtUriShape(String(v)),
          "its transport, path and parameters",
        ),
        "qemu+ssh://offline-secret-value/system",
      ),
      "libvirt connection URI of the VM host (required while a VM is enabled)",
    ).optional(),
  })
  .prefault({});

/** The name of another stack: `stacks/Pulumi.<name>.yaml` (which one is checked across the files: infra/environments.ts). */
const stackName = rules.rule(`a stack name (${STACK_NAME_RULE})`, (value) =>
  isStackName(value) ? rules.accept(value) : rules.refuse(`must be a stack name: ${STACK_NAME_RULE}`),
);

/**
 * Where a CI environment's images come from (docs/decisions/0021-environments-as-data.md). It
 * differs between environments by design (prod is promoted from test, test is built), so it is a
 * knob; the program itself never reads it, and which stack it may name is checked across the
 * stack files (infra/environments.ts), not here.
 */
const promotion = z
  .strictObject({
    from: doc(
      knob(ruled(stackName)),
      "the CI environment this stack is promoted from: it deploys exactly the images that stack deployed (npm run promote); unset, CI builds the stack's images into its registry (a build stage; kubernetes)",
    ).optional(),
  })
  .prefault({});

const registry = z
  .strictObject({
    mode: doc(
      ruled(rules.oneOf(["self-hosted", "external"] as const)),
      "self-hosted: the platform runs its own registry; external: it uses the one at address",
    ).default("self-hosted"),
    address: doc(
      mayBeSecret(knob(ruled(rules.registryAddress)), "offline-secret-value.invalid"),
      "where the registry is reached: the external one, or where a self-hosted one on Kubernetes is exposed (required for both; 127.0.0.1 on Docker)",
    ).optional(),
    mirror: doc(
      mayBeSecret(
        shaped(knob(ruled(rules.registryHost)), mirrorShape, "whether one is used, and on loopback"),
        "offline-secret-value.invalid",
      ),
      "registry every third-party image (bases, the registry's own image) is pulled through",
    ).optional(),
    username: doc(
      mayBeSecret(knob(ruled(rules.registryUser))),
      "user of the external registry (external only)",
    ).optional(),
    // Credentials differ per environment by nature: a knob.
    password: doc(
      knob(secret(expects(z.string().min(1), "a non-empty registry password, set with --secret"))),
      "password or token of the external registry (external only)",
    ).optional(),
  })
  .prefault({});

/** Where the certificates of every Gateway listener come from; plain HTTP is not among the choices. */
const tlsSource = rules.rule(`"cert-manager" or "secret"`, (value) =>
  value === "cert-manager" || value === "secret"
    ? rules.accept(value)
    : rules.refuse(
        `must be "cert-manager" or "secret": every Gateway listener serves TLS (plain HTTP is allowed only for a registry on 127.0.0.1, in dev)`,
      ),
);

/** A valid PEM value holding the offline stand-in, for a secret synth cannot decrypt. */
const pemStandIn = (label: string) => `-----BEGIN ${label}-----\noffline-secret-value\n-----END ${label}-----\n`;

const gateway = z
  .strictObject({
    className: doc(
      mayBeSecret(knob(ruled(rules.dnsSubdomain))),
      "GatewayClass of the Gateway API implementation serving the registry and the services users reach (kubernetes; default: Envoy Gateway's)",
    ).default(GATEWAY_DEFAULTS.className),
    dataPlane: z
      .strictObject({
        namespace: doc(
          mayBeSecret(knob(ruled(rules.dnsLabel))),
          "namespace the Gateway's data plane pods run in (kubernetes; Envoy Gateway: its controller's)",
        ).default(GATEWAY_DEFAULTS.dataPlaneNamespace),
        podLabels: doc(
          knob(ruled(rules.podSelector)),
          "labels selecting the Gateway's data plane pods, the only pods outside the stack admitted to the registry and user-facing services (kubernetes; default: Envoy Gateway's gateway.envoyproxy.io/owning-gateway-name and -namespace of the stack's Gateway)",
        ).optional(),
      })
      .prefault({}),
    tls: z
      .strictObject({
        // Not a knob: test issues its certificates the way prod does.
        source: doc(
          ruled(tlsSource),
          "where every Gateway listener's certificate comes from: cert-manager (a Certificate per host from issuer) or secret (certificate and key below); required on kubernetes",
        ).optional(),
        issuer: doc(
          mayBeSecret(knob(ruled(rules.dnsSubdomain))),
          "cert-manager issuer of the certificates (required with source cert-manager)",
        ).optional(),
        issuerKind: doc(
          knob(ruled(rules.oneOf(["ClusterIssuer", "Issuer"] as const))),
          "kind of the issuer: ClusterIssuer, or Issuer in the stack's namespace",
        ).default(GATEWAY_DEFAULTS.issuerKind),
        // Credentials differ per environment by nature: knobs.
        certificate: doc(
          mayBeSecret(knob(secret(ruled(rules.pemCertificate))), pemStandIn("CERTIFICATE")),
          "PEM certificate chain covering the registry's and every user-facing service's host (required with source secret)",
        ).optional(),
        key: doc(
          mayBeSecret(knob(secret(ruled(rules.pemPrivateKey))), pemStandIn("PRIVATE KEY")),
          "its unencrypted PEM private key (required with source secret)",
        ).optional(),
      })
      .prefault({}),
  })
  .prefault({});

/** The cluster a kubernetes stack deploys to. */
const kubernetes = z
  .strictObject({
    // Not a knob: test admits its pods by the Pod Security profile prod does.
    version: doc(
      ruled(rules.kubernetesVersion),
      "Kubernetes minor the stack's cluster runs: the namespace enforces, warns and audits at the Pod Security restricted profile of this version (kubernetes; default: versions.json)",
    ).default(VERSIONS.kubernetes.version),
  })
  .prefault({});

/** The cluster's Prometheus (run by the Prometheus Operator): where it runs and how it picks dockyard's objects. */
const monitoring = z
  .strictObject({
    namespace: doc(
      knob(ruled(rules.dnsLabel)),
      "namespace of the cluster's Prometheus, the only pods admitted to the services' metrics ports (kubernetes)",
    ).default(MONITORING_DEFAULTS.monitoringNamespace),
    release: doc(
      knob(ruled(rules.labelValue)),
      "the release label the Prometheus Operator selects ServiceMonitors, PodMonitors and PrometheusRules by (kube-prometheus-stack: its Helm release name; kubernetes)",
    ).default("kube-prometheus-stack"),
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

/**
 * An image a stack runs instead of building it from `apps/` (how CI promotes one tested build,
 * `npm run promote`). Only its registry host is a knob (each stack pulls from its own registry);
 * its digest is not: test and prod run the same digest, and parity compares it
 * (docs/decisions/0009-delivery.md).
 */
function pinnedImage(what: string) {
  return doc(
    mayBeSecret(
      shaped(knob(ruled(rules.imageReference)), imageIdentity, "its digest"),
      `registry.offline-secret-value/web@sha256:${"0".repeat(64)}`,
    ),
    `image to deploy instead of building ${what} from apps/ (how CI promotes one tested build, npm run promote): digest-pinned, from this stack's registry or its mirror, on Kubernetes`,
  ).optional();
}

/**
 * One service's validated config. `host` and `autoscaling` exist only for the services the
 * topology exposes or autoscales; `replicas` is absent only for an autoscaled one left at default.
 */
export interface ServiceConfig {
  replicas?: number;
  host?: string;
  autoscaling?: { minReplicas: number; maxReplicas: number; targetCpuUtilization: number };
  cpu: string;
  memory: string;
  image?: string;
  security: { allowWritableRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
}

/** Config of one service; what it may set comes from the topology. */
function serviceEntry(name: string, service: CatalogService): z.ZodType<ServiceConfig> {
  const { maxReplicas, why } = service;
  // A single writer's limit carries its reason into the message.
  const replicas =
    maxReplicas === 1 && why
      ? rules.rule(`1 (${why})`, (v) => (v === 1 ? rules.accept(1) : rules.refuse(`must be 1 (${why})`)))
      : rules.integerIn(1, Math.min(maxReplicas, LIMITS.replicas.max));
  const minReplicas = service.minReplicas;
  const scaled =
    minReplicas === undefined
      ? {}
      : {
          autoscaling: z
            .strictObject({
              minReplicas: doc(
                knob(ruled(rules.integerIn(minReplicas, LIMITS.autoscaling.replicas.max))),
                `fewest replicas its HorizontalPodAutoscaler keeps (kubernetes; ${name} is replicated)`,
              ).default(Math.max(minReplicas, AUTOSCALING_DEFAULTS.minReplicas)),
              maxReplicas: doc(
                knob(ruled(rules.integerIn(minReplicas, LIMITS.autoscaling.replicas.max))),
                "most replicas it may scale to, at least minReplicas (kubernetes)",
              ).default(AUTOSCALING_DEFAULTS.maxReplicas),
              targetCpuUtilization: doc(
                knob(ruled(within(LIMITS.autoscaling.targetCpuUtilization))),
                "average CPU use, in percent of the request, it scales to keep (kubernetes)",
              ).default(AUTOSCALING_DEFAULTS.targetCpuUtilization),
            })
            .prefault({}),
        };
  const exposed = service.exposed
    ? {
        host: doc(
          mayBeSecret(knob(ruled(rules.gatewayHost)), "offline-secret-value.invalid"),
          `DNS name users reach ${name} at, the host of its Gateway listener (required on kubernetes); no other service's nor the self-hosted registry's`,
        ).optional(),
      }
    : {};
  return z
    .strictObject({
      // An autoscaled service's count is its autoscaler's on kubernetes: replicas counts Docker containers only.
      replicas:
        minReplicas === undefined
          ? doc(knob(ruled(replicas)), "replicas, at most what the service allows").default(SERVICE_DEFAULTS.replicas)
          : doc(
              knob(ruled(replicas)),
              `containers on docker (default ${SERVICE_DEFAULTS.replicas}); on kubernetes autoscaling decides`,
            ).optional(),
      ...exposed,
      ...scaled,
      cpu: doc(
        knob(ruled(rules.cpu, rules.cpuQuantity)),
        "CPU limit (the request equals it); at least 10m on docker",
      ).default(SERVICE_DEFAULTS.cpu),
      memory: doc(knob(ruled(rules.memory, rules.memoryQuantity)), "memory limit (the request equals it)").default(
        SERVICE_DEFAULTS.memory,
      ),
      ...(service.builds === false ? {} : { image: pinnedImage("the service") }),
      // Named opt-outs of the container hardening, not knobs: test runs with exactly prod's posture.
      security: z
        .strictObject({
          allowWritableRootFilesystem: doc(
            ruled(rules.boolean),
            "hardening opt-out: a writable root filesystem",
          ).default(false),
          allowPrivilegeEscalation: doc(ruled(rules.boolean), "hardening opt-out: allow privilege escalation").default(
            false,
          ),
        })
        .prefault({}),
    })
    .prefault({}) as unknown as z.ZodType<ServiceConfig>;
}

const volumeSizes = z
  .strictObject({
    sizeGiB: doc(
      knob(ruled(within(LIMITS.volumeSizeGiB))),
      "size in GiB (Kubernetes; Docker's local driver has no size)",
    ).default(VOLUME_DEFAULTS.sizeGiB),
    storageClass: doc(
      mayBeSecret(knob(ruled(rules.dnsSubdomain))),
      "Kubernetes StorageClass (the cluster's default when unset)",
    ).optional(),
  })
  .prefault({});

const vmSizes = z
  .strictObject({
    enabled: doc(
      ruled(rules.boolean),
      "whether this VM exists in the stack (test and prod must agree; dev may leave it out)",
    ).default(true),
    vcpus: doc(knob(ruled(within(LIMITS.vm.vcpus))), "virtual CPUs").default(VM_DEFAULTS.vcpus),
    memoryMiB: doc(knob(ruled(within(LIMITS.vm.memoryMiB))), "memory in MiB").default(VM_DEFAULTS.memoryMiB),
    diskSizeGiB: doc(knob(ruled(within(LIMITS.vm.diskSizeGiB))), "root disk in GiB (a copy-on-write overlay)").default(
      VM_DEFAULTS.diskSizeGiB,
    ),
    sshAuthorizedKeys: doc(
      mayBeSecret(
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
      ),
      "public keys of the VM's admin user, who has no password (required while enabled)",
    ).optional(),
  })
  .prefault({});

/** A repository credential: text that must be a Pulumi secret; differs per environment by nature (a knob). */
function credential(what: string, purpose: string) {
  return doc(knob(secret(expects(z.string().min(1), `${what}, set with --secret`))), purpose).optional();
}

const ED25519_BLOB = "AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR";

const repository = z
  .strictObject({
    url: doc(
      mayBeSecret(
        shaped(
          knob(ruled(rules.resticRepository)),
          (v) => rules.resticRepositoryShape(String(v)),
          "its backend and transport",
        ),
        "rest:https://offline-secret-value.invalid/dockyard",
      ),
      "off-site restic repository; each volume holding state gets its own at URL/VOLUME. Left out: a volume beside the source (target docker only)",
    ).optional(),
    password: credential(
      "a non-empty repository password",
      "the key restic encrypts the repositories with (required with url; left out without one: the volume repository keeps its own key file). Keep a copy off the platform",
    ),
    restUsername: credential("a non-empty user name", "REST server user (rest: only; with restPassword, over https)"),
    restPassword: credential("a non-empty password", "REST server password (rest: only)"),
    s3AccessKeyId: credential(
      "a non-empty access key ID",
      "S3 access key ID (s3: only; left out: the job's ambient credentials)",
    ),
    s3SecretAccessKey: credential("a non-empty secret access key", "S3 secret access key (s3: only)"),
    sshPrivateKey: credential(
      "an OpenSSH private key (the whole file)",
      "private key restic's ssh logs in to the SFTP server with (sftp: only, required there)",
    ),
    sshKnownHosts: doc(
      mayBeSecret(
        knob(
          expects(
            z
              .array(mayBeSecret(ruled(rules.sshKnownHost), `offline-secret-value.invalid ssh-ed25519 ${ED25519_BLOB}`))
              .min(1)
              .max(20),
            `a list of 1 to 20 known_hosts lines like "backup.example.com ssh-ed25519 AAAA…" (ssh-keyscan prints them)`,
          ),
        ),
      ),
      "host keys of the SFTP server: no other server can pose as it (sftp: only, required there); one line must name the server as ssh looks it up, host on port 22, [host]:port on another",
    ).optional(),
  })
  .prefault({});

/** One `restic forget --keep-<rule>` count. */
function keepRule(rule: rules.RetentionRule) {
  return doc(
    knob(ruled(rules.retentionCount)),
    `snapshots kept by restic forget --keep-${rule} (0: rule not used)`,
  ).default(BACKUP_DEFAULTS.keep[rule]);
}

const keep = z
  .strictObject({
    last: keepRule("last"),
    hourly: keepRule("hourly"),
    daily: keepRule("daily"),
    weekly: keepRule("weekly"),
    monthly: keepRule("monthly"),
    yearly: keepRule("yearly"),
  })
  .prefault({});

const backup = z
  .strictObject({
    schedule: doc(knob(ruled(rules.cronSchedule)), "when every volume holding state is backed up (UTC)").default(
      BACKUP_DEFAULTS.schedule,
    ),
    keep,
    check: z
      .strictObject({
        schedule: doc(knob(ruled(rules.cronSchedule)), "when restic check verifies each repository (UTC)").default(
          BACKUP_DEFAULTS.check.schedule,
        ),
        readDataPercent: doc(
          knob(ruled(within(LIMITS.backup.readDataPercent))),
          "share of the data each check reads back and verifies, a new random subset each time (0: structure only)",
        ).default(BACKUP_DEFAULTS.check.readDataPercent),
      })
      .prefault({}),
    drill: z
      .strictObject({
        schedule: doc(
          knob(ruled(rules.cronSchedule)),
          "when the restore drill restores each volume's newest snapshot into scratch space and verifies it (UTC)",
        ).default(BACKUP_DEFAULTS.drill.schedule),
        maxSnapshotAgeHours: doc(
          knob(ruled(within(LIMITS.backup.maxSnapshotAgeHours))),
          "the drill fails when the newest snapshot is older than this (backups stopped); at least the longest gap between backups (backup.schedule) plus an hour",
        ).default(BACKUP_DEFAULTS.drill.maxSnapshotAgeHours),
      })
      .prefault({}),
    repository,
    image: pinnedImage("the backup tool"),
  })
  .prefault({});

/** One strict object with an optional entry per name the topology declares. */
function perName<T extends z.ZodType>(kind: string, names: readonly string[], entry: (name: string) => T) {
  return collection(z.strictObject(Object.fromEntries(names.map((name) => [name, entry(name)]))), kind).prefault({});
}

/**
 * Keys that were renamed, old path → new (`*` stands for any name): a stack file still using the
 * old one is told the new one instead of only "not a known key".
 */
const RENAMED_KEYS: Record<string, string> = {
  "backup.retentionDays": "backup.keep.daily",
  "registry.url": "registry.address",
  "vms.*.diskGiB": "vms.*.diskSizeGiB",
};

/** The key an old config key was renamed to, or undefined. */
export function renamedKey(path: readonly string[]): string | undefined {
  for (const [old, renamed] of Object.entries(RENAMED_KEYS)) {
    const parts = old.split(".");
    if (parts.length === path.length && parts.every((part, i) => part === "*" || part === path[i])) {
      return renamed
        .split(".")
        .map((part, i) => (part === "*" ? path[i] : part))
        .join(".");
    }
  }
  return undefined;
}

/** Builds the stack config schema for the names the topology declares. */
export function stackConfigSchema(catalog: ConfigCatalog) {
  return z
    .strictObject({
      target: doc(
        ruled(rules.oneOf(["docker", "kubernetes"] as const)),
        "where container services run: the local Docker engine, or a Kubernetes cluster",
      ),
      protect: doc(
        knob(ruled(rules.boolean)),
        "protect stateful resources from deletion; a protected CI environment also waits for approval and runs every policy mandatory (policy/config/<stack>.json)",
      ).default(true),
      promotion,
      endpoints,
      registry,
      gateway,
      kubernetes,
      monitoring,
      services: perName("service", Object.keys(catalog.services), (name) => serviceEntry(name, catalog.services[name])),
      volumes: perName("volume", catalog.volumes, () => volumeSizes),
      vms: perName("vm", catalog.vms, () => vmSizes),
      backup,
      unsafe: z
        .strictObject({
          allowLatestTag: doc(
            ruled(rules.boolean),
            "allow images tagged latest (or untagged), which change under a running service (target docker only)",
          ).default(false),
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
      checkBackup(config, issue);
      if (config.target === "kubernetes") checkExposure(config, catalog, issue);
      if (config.target === "kubernetes") checkPlacement(config, issue);
      if (config.target === "docker")
        for (const [name, { cpu }] of Object.entries(config.services)) {
          const millicores = rules.cpu.check(cpu);
          const problem = millicores.ok ? rules.dockerCpuProblem(millicores.value) : undefined;
          if (problem !== undefined) issue(["services", name, "cpu"], problem, cpu);
        }
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
      if (!external && config.target === "kubernetes" && config.registry.address !== undefined) {
        const verdict = rules.gatewayHost.check(config.registry.address);
        if (!verdict.ok)
          issue(
            ["registry", "address"],
            `${verdict.problem}: a self-hosted registry on kubernetes is reached at its Gateway listener's host`,
            config.registry.address,
          );
      }
      if (!external && config.target === "kubernetes" && config.registry.address === undefined) {
        issue(
          ["registry", "address"],
          "is required for a self-hosted registry on kubernetes: the address nodes and the deploying machine reach it at",
        );
      }
      if (external && config.registry.address === undefined)
        issue(["registry", "address"], "is required when registry.mode is external");
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

/** The backup's repository and retention, checked with the rules the Backup component applies. */
function checkBackup(config: { target: "docker" | "kubernetes"; backup: BackupDraft }, issue: Issue): void {
  const { repository, keep, schedule, drill } = config.backup;
  const drillAge = rules.drillAgeProblem(schedule, drill.maxSnapshotAgeHours);
  if (drillAge !== undefined) issue(["backup", "drill", "maxSnapshotAgeHours"], drillAge, drill.maxSnapshotAgeHours);
  const retention = rules.retentionPolicyProblem(keep);
  if (retention !== undefined) issue(["backup", "keep"], retention);
  if (config.target === "kubernetes" && repository.url === undefined) {
    issue(
      ["backup", "repository", "url"],
      "is required when target is kubernetes: an off-site restic repository (a volume in the cluster would not survive losing it)",
    );
  }
  const parsed = repository.url === undefined ? undefined : rules.parseResticRepository(repository.url);
  if (parsed !== undefined && "problem" in parsed) return;
  const given = Object.fromEntries(
    (["password", ...rules.CREDENTIAL_KEYS, "sshKnownHosts"] as const).map((key) => [
      key,
      repository[key] !== undefined,
    ]),
  );
  for (const { key, problem } of rules.repositoryCredentialProblems(parsed, given))
    issue(["backup", "repository", key], problem);
  const unknownHost =
    parsed === undefined || repository.sshKnownHosts === undefined
      ? undefined
      : rules.knownHostsProblem(parsed, repository.sshKnownHosts);
  if (unknownHost !== undefined) issue(["backup", "repository", "sshKnownHosts"], unknownHost);
}

type BackupDraft = {
  schedule: string;
  drill: { maxSnapshotAgeHours: number };
  keep: rules.RetentionPolicy;
  repository: Partial<Record<"url" | "password" | rules.RepositoryCredential, string>> & { sshKnownHosts?: string[] };
};

type ExposureDraft = {
  gateway: { tls: { source?: string; issuer?: string; certificate?: string; key?: string } };
  services: Record<string, ServiceConfig>;
};

/**
 * Kubernetes: every Gateway listener serves TLS from one source (cert-manager or a given pair), each
 * user-facing service has a host, and an autoscaled service's count is its autoscaler's.
 */
function checkExposure(config: ExposureDraft, catalog: ConfigCatalog, issue: Issue): void {
  const { source, issuer, certificate, key } = config.gateway.tls;
  const tls = (k: string) => ["gateway", "tls", k];
  if (source === undefined)
    issue(
      tls("source"),
      `is required on kubernetes: where the certificates of the Gateway listeners of the registry and the services come from, "cert-manager" or "secret" (plain HTTP is allowed only for a registry on 127.0.0.1, in dev)`,
    );
  if (source === "cert-manager" && issuer === undefined)
    issue(tls("issuer"), "is required with gateway.tls.source cert-manager: the ClusterIssuer or Issuer to ask");
  if (source === "secret")
    for (const [k, value] of [
      ["certificate", certificate],
      ["key", key],
    ] as const)
      if (value === undefined) issue(tls(k), "is required with gateway.tls.source secret (a secret)");
  for (const [k, value, wanted] of [
    ["issuer", issuer, "cert-manager"],
    ["certificate", certificate, "secret"],
    ["key", key, "secret"],
  ] as const)
    if (value !== undefined && source !== undefined && source !== wanted)
      issue(tls(k), `applies only with gateway.tls.source ${wanted}: remove it`);
  for (const [name, service] of Object.entries(catalog.services)) {
    const entry = config.services[name];
    if (service.exposed && entry.host === undefined)
      issue(
        ["services", name, "host"],
        `is required on kubernetes: the DNS name users reach ${name} at (its Gateway listener's host)`,
      );
    if (service.minReplicas === undefined || entry.autoscaling === undefined) continue;
    if (entry.replicas !== undefined)
      issue(
        ["services", name, "replicas"],
        `has no effect on kubernetes, where ${name}'s HorizontalPodAutoscaler owns the count: set autoscaling.minReplicas and maxReplicas instead`,
      );
    if (entry.autoscaling.maxReplicas < entry.autoscaling.minReplicas)
      issue(
        ["services", name, "autoscaling", "maxReplicas"],
        `must be at least autoscaling.minReplicas (${entry.autoscaling.minReplicas})`,
        entry.autoscaling.maxReplicas,
      );
  }
}

/** Namespaces of the cluster itself: Kubernetes reserves the `kube-` prefix, and `default` is every unplaced object's. */
const SYSTEM_NAMESPACE = /^(kube-.*|default)$/;

/** Whether a value is synth's stand-in for a secret it cannot decrypt: it says nothing about the real value. */
function standIn(value: string | undefined): boolean {
  return value !== undefined && value.includes("offline-secret-value");
}

type PlacementDraft = {
  endpoints: { namespace: string };
  registry: { mode: string; address?: string; mirror?: string };
  services: Record<string, { host?: string; image?: string }>;
  backup: { image?: string };
};

/**
 * Kubernetes: what the cluster would take but run wrong. The stack's default-deny policies in a
 * system namespace would cut off what runs there; two listeners cannot serve one host; a registry at a loopback address has every node pull from
 * itself; and images come from the stack's own registry or its mirror only.
 */
function checkPlacement(config: PlacementDraft, issue: Issue): void {
  const { namespace } = config.endpoints;
  if (!standIn(namespace) && SYSTEM_NAMESPACE.test(namespace))
    issue(
      ["endpoints", "namespace"],
      "must not be a namespace of the cluster itself (default, kube-*): the stack's default-deny NetworkPolicies would cut off what runs there",
      namespace,
    );
  const { address, mirror, mode } = config.registry;
  const registryHost = address?.split("/")[0].replace(/:\d+$/, "");
  if (address !== undefined && !standIn(address) && rules.isLoopbackHost(registryHost ?? ""))
    issue(
      ["registry", "address"],
      "must be an address every node reaches: on kubernetes a loopback address has each node pull from itself",
      address,
    );
  const claimed = new Map<string, string>();
  if (mode === "self-hosted" && address !== undefined && !standIn(address)) claimed.set(address, "registry.address");
  for (const [name, { host }] of Object.entries(config.services)) {
    if (host === undefined || standIn(host)) continue;
    const owner = claimed.get(host);
    if (owner !== undefined)
      issue(["services", name, "host"], `is also ${owner}'s host: two Gateway listeners cannot serve one host`, host);
    else claimed.set(host, `services.${name}.host`);
  }
  if (address === undefined || standIn(address)) return;
  const sources = [address, ...(mirror === undefined || standIn(mirror) ? [] : [mirror])];
  for (const [path, image] of configImages(config)) {
    const ref = standIn(image) ? undefined : parseImageRef(image);
    if (ref === undefined || !isImageRef(ref)) continue;
    if (!sources.some((source) => `${ref.registry}/${ref.repository}`.startsWith(`${source}/`)))
      issue(
        path,
        `must come from this stack's registry (${sources.join(" or its mirror ")}): a deploy would pull from a registry the stack does not own`,
        image,
      );
  }
}

type ConfigDraft = {
  target: "docker" | "kubernetes";
  services: Record<string, { image?: string }>;
  backup: { image?: string };
  unsafe: { allowLatestTag: boolean };
};

/** Every image the config pins, with its key: each service's and the backup tool's. */
function configImages(config: Pick<ConfigDraft, "services" | "backup">): [path: string[], image: string][] {
  const services = Object.entries(config.services).map(([name, { image }]) => [["services", name, "image"], image]);
  return [...services, [["backup", "image"], config.backup.image]].filter(
    (entry): entry is [string[], string] => entry[1] !== undefined,
  );
}

/** Images given in config, checked with the policy the component will apply (see {@link imagePolicyFor}). */
function checkImages(config: ConfigDraft, issue: Issue): void {
  if (config.unsafe.allowLatestTag && config.target !== "docker")
    issue(["unsafe", "allowLatestTag"], "is accepted only for target docker (local development)");
  const policy = imagePolicyFor(config.target, config.unsafe);
  for (const [path, image] of configImages(config)) {
    if (imagePolicyProblem(image, config.target, policy) === undefined) continue;
    const ref = parseImageRef(image);
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
