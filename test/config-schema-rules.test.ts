// The stack config schema's cross-field rules, on a catalog of its own (a single writer, a
// scalable service, an autoscaled user-facing one, one VM): what each target requires, what
// applies only with another setting, renamed keys, image pins, and the shape parity compares.
import { describe, expect, it } from "vitest";
import { validateConfig } from "../infra/config";
import type { ConfigCatalog } from "../infra/config-schema";
import { imagePolicyFor, renamedKey, stackConfigSchema } from "../infra/config-schema";
import { marksOf, schemaAt } from "../infra/schema-marks";
import { configErrorLines, configSource, SOURCE_FILE as FILE } from "./support/config-source";
import VERSIONS from "../versions.json";

const DIGEST = `@sha256:${"a".repeat(64)}`;

const catalog: ConfigCatalog = {
  services: {
    db: { maxReplicas: 1, why: "db is the single writer of its volume" },
    worker: { maxReplicas: 1 },
    api: { maxReplicas: 5 },
    front: { maxReplicas: 10, minReplicas: 3, exposed: true },
  },
  volumes: ["db-data"],
  vms: ["legacy"],
};

/** A valid docker stack. */
const DOCKER = {
  target: "docker",
  vms: { legacy: { enabled: false } },
  backup: { keep: { hourly: 24, daily: 7, weekly: 0, monthly: 0 } },
};

/** A valid kubernetes stack; its repository password is given as a secret. */
const KUBERNETES = {
  target: "kubernetes",
  endpoints: { kubeContext: "ctx" },
  registry: { address: "registry.example.com" },
  gateway: { tls: { source: "cert-manager", issuer: "ca" } },
  services: { front: { host: "app.example.com" } },
  vms: { legacy: { enabled: false } },
  backup: {
    repository: {
      url: "s3:https://s3.example.com/bucket/dockyard",
      password: "pw",
      s3AccessKeyId: "AKIAEXAMPLE",
      s3SecretAccessKey: "secret-key",
    },
  },
};
const KUBERNETES_SECRETS = [["backup", "repository"]];

type Values = Record<string, unknown>;

/** The problem lines of a config (file name cut), or [] if it is valid. */
function problems(
  values: Values,
  secretPaths: string[][] = values.target === "kubernetes" ? KUBERNETES_SECRETS : [],
): string[] {
  return configErrorLines(() => validateConfig(catalog, configSource(values, { secretPaths }))).map((line) =>
    line.replace(`${FILE}: `, ""),
  );
}

function data(values: Values) {
  return validateConfig(
    catalog,
    configSource(values, { secretPaths: values.target === "kubernetes" ? KUBERNETES_SECRETS : [] }),
  ).data;
}

describe("the schema's own catalog", () => {
  it("accepts both base stacks", () => {
    expect(problems(DOCKER)).toEqual([]);
    expect(problems(KUBERNETES)).toEqual([]);
  });
});

describe("kubernetes.version", () => {
  it("defaults to the inventory's minor and takes another as the cluster's, never latest", () => {
    expect(data(KUBERNETES).kubernetes).toEqual({ version: VERSIONS.kubernetes.version });
    expect(data({ ...KUBERNETES, kubernetes: { version: "v1.33" } }).kubernetes).toEqual({ version: "v1.33" });
    expect(problems({ ...KUBERNETES, kubernetes: { version: "latest" } })).toEqual([
      `dockyard:kubernetes.version must be a Kubernetes minor version "v1.<minor>" like "v1.37", not "latest": the Pod Security profile is pinned to the minor the stack targets, so a cluster upgrade does not change it, got "latest"`,
    ]);
    expect(problems({ ...KUBERNETES, kubernetes: { version: "1.33.2" } })).toEqual([
      `dockyard:kubernetes.version must be a Kubernetes minor version "v1.<minor>" like "v1.37" (the form Pod Security admission accepts: "v", major 1, a dot, the minor without leading zeros; no patch), got "1.33.2"`,
    ]);
  });

  it("is not an environment knob: test admits pods by prod's Pod Security profile", () => {
    const version = schemaAt(stackConfigSchema(catalog), ["kubernetes", "version"]);
    expect(version).toBeDefined();
    expect(marksOf(version!).knob).toBeFalsy();
  });
});

describe("replicas", () => {
  it("a single writer says why it stays at one; a service limited to one without a reason says the range", () => {
    expect(problems({ ...DOCKER, services: { db: { replicas: 2 } } })).toEqual([
      "dockyard:services.db.replicas must be 1 (db is the single writer of its volume), got 2",
    ]);
    expect(problems({ ...DOCKER, services: { worker: { replicas: 2 } } })).toEqual([
      "dockyard:services.worker.replicas must be an integer from 1 to 1, got 2",
    ]);
    expect(problems({ ...DOCKER, services: { api: { replicas: 5 } } })).toEqual([]);
  });

  it("an autoscaled service keeps at least the topology's minimum by default, and its own replicas only outside kubernetes", () => {
    expect(data(KUBERNETES).services.front.autoscaling).toEqual({
      minReplicas: 3,
      maxReplicas: 6,
      targetCpuUtilization: 70,
    });
    expect(problems({ ...KUBERNETES, services: { front: { host: "app.example.com", replicas: 3 } } })).toEqual([
      "dockyard:services.front.replicas has no effect on kubernetes, where front's HorizontalPodAutoscaler owns the count: set autoscaling.minReplicas and maxReplicas instead",
    ]);
    expect(problems({ ...KUBERNETES, services: { ...KUBERNETES.services, api: { replicas: 2 } } })).toEqual([]);
  });

  it("an autoscaler's maximum may equal its minimum, never be below it", () => {
    const scaled = (min: number, max: number) => ({
      ...KUBERNETES,
      services: { front: { host: "app.example.com", autoscaling: { minReplicas: min, maxReplicas: max } } },
    });
    expect(problems(scaled(4, 4))).toEqual([]);
    expect(problems(scaled(5, 4))).toEqual([
      "dockyard:services.front.autoscaling.maxReplicas must be at least autoscaling.minReplicas (5), got 4",
    ]);
  });
});

describe("what a target or a setting requires", () => {
  it("an enabled VM needs its admin's keys and a libvirt URI", () => {
    expect(problems({ ...DOCKER, vms: { legacy: { enabled: true } } })).toEqual([
      'dockyard:vms.legacy.sshAuthorizedKeys is required while VM "legacy" is enabled: the admin user logs in with these keys only',
      'dockyard:endpoints.libvirtUri is required while VM "legacy" is enabled (e.g. "qemu+ssh://ops@vm-host/system"), or set vms.legacy.enabled to false',
    ]);
  });

  it("an external registry needs its address and credentials; a self-hosted one takes none", () => {
    expect(problems({ ...DOCKER, registry: { mode: "external" } })).toEqual([
      "dockyard:registry.address is required when registry.mode is external",
      "dockyard:registry.username is required when registry.mode is external",
      "dockyard:registry.password is required when registry.mode is external",
    ]);
    expect(problems({ ...DOCKER, registry: { username: "ci" } })).toEqual([
      "dockyard:registry.username applies only when registry.mode is external: remove it or set mode to external",
    ]);
  });

  it("a self-hosted registry on kubernetes is reached at a Gateway listener host; on docker at its loopback address", () => {
    expect(problems({ ...DOCKER, registry: { address: "127.0.0.1" } })).toEqual([]);
    const [line] = problems({ ...KUBERNETES, registry: { address: "10.0.0.5" } });
    expect(line).toMatch(
      /^dockyard:registry.address .*: a self-hosted registry on kubernetes is reached at its Gateway listener's host, got "10.0.0.5"$/,
    );
    expect(problems({ ...KUBERNETES, registry: {} })).toEqual([
      "dockyard:registry.address is required for a self-hosted registry on kubernetes: the address nodes and the deploying machine reach it at",
    ]);
  });

  it("TLS settings apply only with their source", () => {
    expect(problems({ ...KUBERNETES, gateway: { tls: { source: "secret", issuer: "ca" } } })).toEqual([
      "dockyard:gateway.tls.certificate is required with gateway.tls.source secret (a secret)",
      "dockyard:gateway.tls.key is required with gateway.tls.source secret (a secret)",
      "dockyard:gateway.tls.issuer applies only with gateway.tls.source cert-manager: remove it",
    ]);
    // Without a source, only the source is asked for.
    expect(problems({ ...KUBERNETES, gateway: { tls: { issuer: "ca" } } })).toEqual([
      `dockyard:gateway.tls.source is required on kubernetes: where the certificates of the Gateway listeners of the registry and the services come from, "cert-manager" or "secret" (plain HTTP is allowed only for a registry on 127.0.0.1, in dev)`,
    ]);
  });

  it("a repository URL that is wrong is reported alone, not with the credentials it would need", () => {
    const lines = problems({ ...KUBERNETES, backup: { repository: { url: "s4:https://x/y", password: "pw" } } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dockyard:backup.repository.url /);
  });
});

describe("images", () => {
  const image = (target: Values, ref: string, allowLatestTag = false) =>
    problems({
      ...target,
      services: { ...(target.services as Values), api: { image: ref } },
      unsafe: { allowLatestTag },
    });

  it("kubernetes: pinned by digest; docker: a version tag is enough, latest only when allowed", () => {
    expect(image(KUBERNETES, `registry.example.com/api${DIGEST}`)).toEqual([]);
    expect(image(KUBERNETES, "registry.example.com/api:1.2")).toEqual([
      'dockyard:services.api.image must be pinned by digest (…@sha256:<64 hex>) on kubernetes, got "registry.example.com/api:1.2"',
    ]);
    expect(image(DOCKER, "registry.example.com/api:1.2")).toEqual([]);
    expect(image(DOCKER, "registry.example.com/api:latest")).toEqual([
      'dockyard:services.api.image must not use the "latest" tag (it changes under a running service): pin a digest or a version tag, or set unsafe.allowLatestTag on a docker stack, got "registry.example.com/api:latest"',
    ]);
    expect(image(DOCKER, "registry.example.com/api:latest", true)).toEqual([]);
  });

  it("allowLatestTag is for docker stacks only", () => {
    expect(image(KUBERNETES, `registry.example.com/api${DIGEST}`, true)).toEqual([
      "dockyard:unsafe.allowLatestTag is accepted only for target docker (local development)",
    ]);
  });

  it("the policy the components get: mutable tags on docker, latest only when allowed there", () => {
    expect(imagePolicyFor("docker", { allowLatestTag: true })).toEqual({
      allowLatestTag: true,
      allowMutableImageTag: true,
    });
    expect(imagePolicyFor("docker", { allowLatestTag: false })).toEqual({
      allowLatestTag: false,
      allowMutableImageTag: true,
    });
    expect(imagePolicyFor("kubernetes", { allowLatestTag: true })).toEqual({
      allowLatestTag: false,
      allowMutableImageTag: false,
    });
  });
});

describe("keys that moved", () => {
  it("names the new key, with the name a wildcard stood for", () => {
    expect(renamedKey(["registry", "url"])).toBe("registry.address");
    expect(renamedKey(["backup", "retentionDays"])).toBe("backup.keep.daily");
    expect(renamedKey(["vms", "legacy", "diskGiB"])).toBe("vms.legacy.diskSizeGiB");
    for (const path of [
      ["registry", "urls"],
      ["vms", "legacy"],
      ["volumes", "legacy", "diskGiB"],
      ["registry", "url", "x"],
    ]) {
      expect(renamedKey(path)).toBeUndefined();
    }
    expect(problems({ ...DOCKER, registry: { url: "x" } })).toEqual([
      "dockyard:registry.url was renamed: write dockyard:registry.address",
    ]);
  });
});

describe("what parity compares of a mirror", () => {
  const shape = marksOf(schemaAt(stackConfigSchema(catalog), ["registry", "mirror"])!).shape!;
  it("whether one is used, and whether on loopback, whatever its port", () => {
    expect(shape(undefined)).toBe("none");
    expect(["127.0.0.1:5000", "localhost:15001", "[::1]:5000", "127.0.0.1"].map(shape)).toEqual(
      Array(4).fill("loopback"),
    );
    expect(["mirror.example.com:5000", "10.0.0.5:5000"].map(shape)).toEqual(["remote", "remote"]);
  });
});

describe("what the engine or the cluster would take but run wrong", () => {
  it("a registry every node would reach at its own loopback", () => {
    const external = {
      ...KUBERNETES,
      registry: { mode: "external", address: "localhost:5000", username: "ci", password: "pw" },
    };
    expect(problems(external, [...KUBERNETES_SECRETS, ["registry", "password"]])).toEqual([
      'dockyard:registry.address must be an address every node reaches: on kubernetes a loopback address has each node pull from itself, got "localhost:5000"',
    ]);
  });

  it("an image from the registry's mirror is the stack's own; the mirror's look-alike is not", () => {
    const mirrored = { ...KUBERNETES, registry: { ...KUBERNETES.registry, mirror: "mirror.example.com" } };
    expect(
      problems({ ...mirrored, services: { ...mirrored.services, api: { image: `mirror.example.com/api${DIGEST}` } } }),
    ).toEqual([]);
    expect(
      problems({
        ...mirrored,
        services: { ...mirrored.services, api: { image: `mirror.example.com.evil.example/api${DIGEST}` } },
      }),
    ).toEqual([
      `dockyard:services.api.image must come from this stack's registry (registry.example.com or its mirror mirror.example.com): a deploy would pull from a registry the stack does not own, got "mirror.example.com.evil.example/api${DIGEST}"`,
    ]);
  });

  it("a CPU limit below Docker's smallest, on docker only", () => {
    expect(problems({ ...DOCKER, services: { api: { cpu: "5m" } } })).toEqual([
      `dockyard:services.api.cpu must be at least "10m" on docker, whose smallest CPU limit is 0.01 CPU (--cpus); it would refuse to create the container, got "5m"`,
    ]);
    expect(problems({ ...DOCKER, services: { api: { cpu: "10m" } } })).toEqual([]);
    expect(problems({ ...KUBERNETES, services: { ...KUBERNETES.services, api: { cpu: "5m" } } })).toEqual([]);
  });
});
