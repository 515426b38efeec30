import { describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "./support/topology";
import { ConfigError } from "../infra/config";
import { committedConfig, writeStackFile } from "./support/stack-files";
import { evaluate, ResourceRecorder } from "./support/pulumi-harness";

type Config = Record<string, unknown>;

/** A copy of prod's config with one change applied. */
function prodWith(change: (config: Config) => void): Config {
  const config = structuredClone(committedConfig("prod"));
  change(config);
  return config;
}

function section(config: Config, key: string): Config {
  return config[`dockyard:${key}`] as Config;
}

const SECURE = { secure: "v1:AAAAAAAAAAAAAAAA:ciphertext" };

/** Bad inputs, each with the line it must produce (after the file name). */
const BAD_INPUTS: { name: string; config: Config; line: string }[] = [
  {
    name: "unknown target",
    config: prodWith((c) => (c["dockyard:target"] = "kube")),
    line: `dockyard:target must be "docker" or "kubernetes", got "kube"`,
  },
  {
    name: "missing target",
    config: prodWith((c) => delete c["dockyard:target"]),
    line: `dockyard:target is required: "docker" or "kubernetes"`,
  },
  {
    name: "replicas of the wrong type",
    config: prodWith((c) => ((section(c, "services").web as Config).replicas = "three")),
    line: `dockyard:services.web.replicas must be 1 (web is the single writer of its ReadWriteOnce data volume), got "three"`,
  },
  {
    name: "replicas zero",
    config: prodWith((c) => ((section(c, "services").web as Config).replicas = 0)),
    line: "dockyard:services.web.replicas must be 1 (web is the single writer of its ReadWriteOnce data volume), got 0",
  },
  {
    name: "replicas above what a single writer allows",
    config: prodWith((c) => ((section(c, "services").web as Config).replicas = 2)),
    line: "dockyard:services.web.replicas must be 1 (web is the single writer of its ReadWriteOnce data volume), got 2",
  },
  {
    name: "replicas fractional",
    config: prodWith((c) => ((section(c, "services").web as Config).replicas = 1.5)),
    line: "dockyard:services.web.replicas must be 1 (web is the single writer of its ReadWriteOnce data volume), got 1.5",
  },
  {
    name: "memory nonsense",
    config: prodWith((c) => ((section(c, "services").web as Config).memory = "lots")),
    line: `dockyard:services.web.memory must be a memory quantity like "256Mi" or "1Gi" (units Ki, Mi, Gi, Ti, k, M, G, T), from 6Mi to 1Ti in whole bytes, got "lots"`,
  },
  {
    name: "cpu nonsense",
    config: prodWith((c) => ((section(c, "services").web as Config).cpu = "fast")),
    line: `dockyard:services.web.cpu must be a CPU amount like "250m", "0.5" or "2" (cores), from 1m to 256 in whole millicores, got "fast"`,
  },
  {
    name: "unknown top-level key",
    config: prodWith((c) => (c["dockyard:replicas"] = 3)),
    line: "dockyard:replicas is not a known key (allowed here: target, protect, promotion, endpoints, registry, gateway, kubernetes, monitoring, services, volumes, vms, backup, unsafe)",
  },
  {
    name: "unknown service (depth 2)",
    config: prodWith((c) => (section(c, "services").wbe = { replicas: 1 })),
    line: `dockyard:services.wbe is not a known key (allowed here: ${SERVICE_NAMES.join(", ")})`,
  },
  {
    name: "unknown key in a service (depth 3)",
    config: prodWith((c) => ((section(c, "services").web as Config).replica = 2)),
    line: "dockyard:services.web.replica is not a known key (allowed here: replicas, cpu, memory, image, security)",
  },
  {
    name: "unknown endpoint",
    config: prodWith((c) => (section(c, "endpoints").kubeconfig = "~/.kube/config")),
    line: "dockyard:endpoints.kubeconfig is not a known key (allowed here: dockerHost, kubeContext, namespace, libvirtUri)",
  },
  {
    name: "volume size zero",
    config: prodWith((c) => ((section(c, "volumes")["web-data"] as Config).sizeGiB = 0)),
    line: "dockyard:volumes.web-data.sizeGiB must be an integer from 1 to 65536, got 0",
  },
  {
    name: "malformed libvirt URI",
    config: prodWith((c) => (section(c, "endpoints").libvirtUri = "vm-host/system")),
    line: `dockyard:endpoints.libvirtUri must be a libvirt URI like "qemu+ssh://ops@vm-host/system" or "qemu:///system", got "vm-host/system"`,
  },
  {
    name: "malformed Docker host",
    config: prodWith((c) => (section(c, "endpoints").dockerHost = "localhost:2375")),
    line: `dockyard:endpoints.dockerHost must be a Docker host like "unix:///var/run/docker.sock" or "ssh://ops@build-host" (schemes: unix, ssh, npipe), got "localhost:2375"`,
  },
  {
    name: "namespace not a DNS label",
    config: prodWith((c) => (section(c, "endpoints").namespace = "Dockyard_NS")),
    line: `dockyard:endpoints.namespace must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Dockyard_NS"`,
  },
  {
    name: "kubernetes without a context",
    config: prodWith((c) => delete section(c, "endpoints").kubeContext),
    line: "dockyard:endpoints.kubeContext is required when target is kubernetes: the kubeconfig context of the cluster",
  },
  {
    name: "VM without a libvirt URI",
    config: prodWith((c) => delete section(c, "endpoints").libvirtUri),
    line: `dockyard:endpoints.libvirtUri is required while VM "legacy" is enabled (e.g. "qemu+ssh://ops@vm-host/system"), or set vms.legacy.enabled to false`,
  },
  {
    name: "VM with zero vCPUs",
    config: prodWith((c) => ((section(c, "vms").legacy as Config).vcpus = 0)),
    line: "dockyard:vms.legacy.vcpus must be an integer from 1 to 256, got 0",
  },
  {
    name: "protect not a boolean",
    config: prodWith((c) => (c["dockyard:protect"] = "yes")),
    line: `dockyard:protect must be true or false, got "yes"`,
  },
  {
    name: "cron schedule malformed",
    config: prodWith((c) => (section(c, "backup").schedule = "daily")),
    line: `dockyard:backup.schedule must have 5 fields (minute hour day-of-month month day-of-week, UTC), has 1, got "daily"`,
  },
  {
    name: "retention negative",
    config: prodWith((c) => (section(c, "backup").keep = { daily: -1 })),
    line: "dockyard:backup.keep.daily must be an integer from 0 (rule not used) to 10000, got -1",
  },
  {
    name: "retention keeping nothing",
    config: prodWith((c) => (section(c, "backup").keep = { daily: 0, weekly: 0, monthly: 0 })),
    line: "dockyard:backup.keep keeps no snapshot: set at least one of last, hourly, daily, weekly, monthly, yearly above 0",
  },
  {
    name: "the old retentionDays key",
    config: prodWith((c) => (section(c, "backup").retentionDays = 7)),
    line: "dockyard:backup.retentionDays was renamed: write dockyard:backup.keep.daily",
  },
  {
    name: "a kubernetes stack without an off-site repository",
    config: prodWith((c) => (section(c, "backup").repository = {})),
    line: "dockyard:backup.repository.url is required when target is kubernetes: an off-site restic repository (a volume in the cluster would not survive losing it)",
  },
  {
    name: "missing secret in prod (external registry without password)",
    config: prodWith(
      (c) => (c["dockyard:registry"] = { mode: "external", address: "registry.example.com", username: "ci" }),
    ),
    line: "dockyard:registry.password is required when registry.mode is external",
  },
  {
    name: "secret in plaintext",
    config: prodWith(
      (c) =>
        (c["dockyard:registry"] = {
          mode: "external",
          address: "registry.example.com",
          username: "ci",
          password: "hunter2",
        }),
    ),
    line: "dockyard:registry.password must be a secret but is in plaintext: set it with `pulumi config set --secret --path 'dockyard:registry.password' <value>`",
  },
  {
    name: "malformed registry URL",
    config: prodWith(
      (c) =>
        (c["dockyard:registry"] = { mode: "external", address: "ftp://registry", username: "ci", password: SECURE }),
    ),
    line: `dockyard:registry.address must not start with "ftp://": give host[:port][/path] only (the scheme follows from the registry's TLS settings), got "ftp://registry"`,
  },
  {
    name: "empty secret",
    config: prodWith(
      (c) =>
        (c["dockyard:registry"] = {
          mode: "external",
          address: "registry.example.com",
          username: "ci",
          password: { secure: "" },
        }),
    ),
    line: "dockyard:registry.password must be a non-empty registry password, set with --secret (a secret: the value is not shown)",
  },
  {
    name: "external-only key on a self-hosted registry",
    config: prodWith((c) => (section(c, "registry").username = "ci")),
    line: "dockyard:registry.username applies only when registry.mode is external: remove it or set mode to external",
  },
  {
    name: "self-hosted registry on kubernetes without an address",
    config: prodWith((c) => delete section(c, "registry").address),
    line: "dockyard:registry.address is required for a self-hosted registry on kubernetes: the address nodes and the deploying machine reach it at",
  },
  {
    name: "mirror that is not a registry host",
    config: prodWith((c) => (section(c, "registry").mirror = "https://mirror.example.com/v2/")),
    line: `dockyard:registry.mirror must not start with "https://": give host[:port] only (the scheme follows from the registry's TLS settings), got "https://mirror.example.com/v2/"`,
  },
  {
    name: "malformed image reference",
    config: prodWith((c) => ((section(c, "services").web as Config).image = "Registry/Web:1")),
    line: `dockyard:services.web.image has repository "Registry/Web", expected lowercase path components, got "Registry/Web:1"`,
  },
  {
    name: "tag-only image in prod",
    config: prodWith((c) => ((section(c, "services").web as Config).image = "registry.example.internal/web:1.4.2")),
    line: `dockyard:services.web.image must be pinned by digest (…@sha256:<64 hex>) on kubernetes, got "registry.example.internal/web:1.4.2"`,
  },
  {
    name: "latest-tag opt-out outside docker",
    config: prodWith((c) => (c["dockyard:unsafe"] = { allowLatestTag: true })),
    line: "dockyard:unsafe.allowLatestTag is accepted only for target docker (local development)",
  },
];

describe("stack config validation", () => {
  it("covers at least 15 distinct bad inputs", () => {
    expect(new Set(BAD_INPUTS.map((c) => c.line)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(BAD_INPUTS)("$name: names file and key, registers no resource", async ({ config, line }) => {
    const file = writeStackFile(config);
    const recorder = new ResourceRecorder();
    const error = await evaluate("prod", file, recorder).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split("\n")).toContain(`${file}: ${line}`);
    expect(recorder.resources).toEqual([]);
  });

  it("reports every problem at once, one line each", async () => {
    const file = writeStackFile(
      prodWith((c) => {
        c["dockyard:target"] = "kube";
        (section(c, "services").web as Config).replicas = "three";
        section(c, "volumes").extra = {};
      }),
    );
    const error = (await evaluate("prod", file).catch((thrown: unknown) => thrown)) as ConfigError;
    expect(error.problems.map((p) => p.key)).toEqual(
      expect.arrayContaining(["dockyard:target", "dockyard:services.web.replicas", "dockyard:volumes.extra"]),
    );
    expect(error.message.split("\n")).toHaveLength(error.problems.length);
  });

  it("accepts a secret set with --secret and keeps it secret", async () => {
    const file = writeStackFile(
      prodWith(
        (c) =>
          (c["dockyard:registry"] = {
            mode: "external",
            address: "registry.example.com:5000",
            username: "ci",
            password: SECURE,
          }),
      ),
    );
    const evaluation = await evaluate("prod", file);
    expect(JSON.stringify(evaluation)).not.toContain("offline-secret-value");
  });
});
