// validateConfig and loadConfig on config as a source hands it over (the engine's, or a stack
// file's offline), without evaluating a stack: which values are secrets, which may not be,
// what offline stand-ins validate, and the lines a user reads. The same checks through whole
// stacks: test/config.test.ts, test/hostile/.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { loadConfig, validateConfig } from "../infra/config";
import { HIDDEN_VALUE } from "../infra/config-error";
import { catalog } from "../infra/platform";
import { OFFLINE_SECRET_VALUE } from "../infra/stack-file";
import { configErrorLines as lines, configSource as source, SOURCE_FILE as FILE } from "./support/config-source";
import { isSecret, resolve } from "./support/pulumi-harness";

/** The dev stack's config, keyed without the namespace. */
const DEV: Record<string, unknown> = {
  target: "docker",
  protect: false,
  endpoints: { dockerHost: "unix:///var/run/docker.sock" },
  vms: { legacy: { enabled: false } },
  backup: { schedule: "0 * * * *", keep: { hourly: 24, daily: 7, weekly: 0, monthly: 0 } },
};

const EXTERNAL_REGISTRY = { mode: "external", address: "registry.example.com", username: "ci", password: "s3cr3t-pw" };

describe("validating a stack's config", () => {
  it("accepts the dev config with no secret in it", () => {
    const { data, secretValues } = validateConfig(catalog, source(DEV));
    expect(data.target).toBe("docker");
    expect(secretValues).toEqual([]);
  });

  it("refuses reserved names at any depth before anything else is checked, and reports the source's own problems", () => {
    const values = {
      ...DEV,
      services: JSON.parse('{"web": {"__proto__": {"replicas": 9}, "constructor": 1}}') as unknown,
    };
    const foreign = { file: FILE, key: "dockyrd:target", message: 'is in namespace "dockyrd"…' };
    expect(lines(() => validateConfig(catalog, source(values, { problems: [foreign] })))).toEqual([
      `${FILE}: dockyrd:target is in namespace "dockyrd"…`,
      `${FILE}: dockyard:services.web.__proto__ is a reserved name ("__proto__") and cannot be a config key`,
      `${FILE}: dockyard:services.web.constructor is a reserved name ("constructor") and cannot be a config key`,
    ]);
  });

  it("takes the values at the engine's exact secret paths as secrets, and refuses a secret where the topology is shaped", () => {
    const values = { ...DEV, registry: EXTERNAL_REGISTRY };
    const secretPaths = [
      ["registry", "password"],
      ["registry", "username"],
    ];
    expect(validateConfig(catalog, source(values, { secretPaths })).secretValues).toEqual(["s3cr3t-pw", "ci"]);
    expect(lines(() => validateConfig(catalog, source(values, { secretPaths: [["registry", "mode"]] })))).toEqual([
      `${FILE}: dockyard:registry.mode is given as a secret, but it shapes resources (a size, switch, schedule or name of the topology): set it in plaintext`,
      `${FILE}: dockyard:registry.password must be a secret but is in plaintext: set it with \`pulumi config set --secret --path 'dockyard:registry.password' <value>\``,
    ]);
  });

  it("keeps a secret given on an unknown key secret, and names the key without its value", () => {
    const values = { ...DEV, registry: { ...EXTERNAL_REGISTRY, token: "tok-3nq9" } };
    const secretPaths = [
      ["registry", "password"],
      ["registry", "token"],
    ];
    const problem = lines(() => validateConfig(catalog, source(values, { secretPaths })));
    expect(problem).toEqual([
      `${FILE}: dockyard:registry.token is not a known key (allowed here: mode, address, mirror, username, password)`,
    ]);
    expect(problem.join("\n")).not.toContain("tok-3nq9");
  });

  it("where the engine only names a key as holding a secret, takes every value there that may be secret as one", () => {
    const values = { ...DEV, registry: EXTERNAL_REGISTRY };
    const { secretValues } = validateConfig(catalog, source(values, { uncertainSecretKeys: ["registry"] }));
    // mode shapes the topology: never a secret, so never refused for being one either.
    expect(secretValues).toEqual(["registry.example.com", "ci", "s3cr3t-pw"]);
  });

  it("offline, validates a stand-in of the right shape where a secret must be a URI; online, the value itself", () => {
    const values = { ...DEV, endpoints: { dockerHost: OFFLINE_SECRET_VALUE } };
    const secretPaths = [["endpoints", "dockerHost"]];
    expect(validateConfig(catalog, source(values, { secretPaths, offline: true })).data.endpoints.dockerHost).toMatch(
      /^ssh:\/\//,
    );
    const online = lines(() => validateConfig(catalog, source(values, { secretPaths })));
    expect(online).toHaveLength(1);
    expect(online[0]).toMatch(
      new RegExp(`^${FILE}: dockyard:endpoints.dockerHost .* ${HIDDEN_VALUE.replace(/[()]/g, "\\$&")}$`),
    );
    expect(online[0]).not.toContain(OFFLINE_SECRET_VALUE);
  });

  it("offline, a top-level secret gets its stand-in too", () => {
    const values = { ...DEV, target: OFFLINE_SECRET_VALUE };
    // target shapes the topology: refused as a secret, and its value not shown.
    const problem = lines(() => validateConfig(catalog, source(values, { secretPaths: [["target"]], offline: true })));
    expect(problem[0]).toBe(
      `${FILE}: dockyard:target is given as a secret, but it shapes resources (a size, switch, schedule or name of the topology): set it in plaintext`,
    );
    expect(problem.join("\n")).not.toContain(OFFLINE_SECRET_VALUE);
  });

  it("names a section given as something else, with what it was", () => {
    expect(lines(() => validateConfig(catalog, source({ ...DEV, services: "web", vms: { legacy: [1] } })))).toEqual([
      `${FILE}: dockyard:services must be a mapping of keys to values, got "web"`,
      `${FILE}: dockyard:vms.legacy must be a mapping of keys to values, got [1]`,
    ]);
  });

  it("says what a secret value takes, without showing it", () => {
    const values = {
      ...DEV,
      registry: { mode: "external", address: "registry.example.com", username: "ci", password: "" },
    };
    expect(lines(() => validateConfig(catalog, source(values, { secretPaths: [["registry", "password"]] })))).toEqual([
      `${FILE}: dockyard:registry.password must be a non-empty registry password, set with --secret ${HIDDEN_VALUE}`,
    ]);
  });

  it("says each line once", () => {
    const values = { ...DEV, registry: { ...EXTERNAL_REGISTRY, password: 5 } };
    const problem = lines(() => validateConfig(catalog, source(values)));
    expect(problem.length).toBeGreaterThan(0);
    expect(new Set(problem).size).toBe(problem.length);
    // A value inside two secret paths the engine named is one mistake.
    const twice = { secretPaths: [["registry"], ["registry", "mode"]] };
    expect(lines(() => validateConfig(catalog, source({ ...DEV, registry: EXTERNAL_REGISTRY }, twice)))).toEqual([
      `${FILE}: dockyard:registry.mode is given as a secret, but it shapes resources (a size, switch, schedule or name of the topology): set it in plaintext`,
    ]);
  });
});

describe("loading a stack's config", () => {
  it("wraps every credential as a Pulumi secret and leaves what was not given out", async () => {
    const config = loadConfig(catalog, source(DEV));
    expect(config.registry.password).toBeUndefined();
    expect(config.gateway.tls.certificate).toBeUndefined();
    expect(config.gateway.tls.key).toBeUndefined();
    expect(Object.keys(config.backup.repository)).toEqual([]);
    expect(config.file).toBe(FILE);

    const values = {
      ...DEV,
      registry: EXTERNAL_REGISTRY,
      backup: {
        ...(DEV.backup as object),
        repository: {
          url: "rest:https://backup.example.com/dockyard",
          password: "repo-pw",
          restUsername: "bk",
          restPassword: "rest-pw",
        },
      },
    };
    const secretPaths = [
      ["registry", "password"],
      ["backup", "repository", "password"],
      ["backup", "repository", "restPassword"],
      ["backup", "repository", "restUsername"],
    ];
    const loaded = loadConfig(catalog, source(values, { secretPaths }));
    expect(pulumi.Output.isInstance(loaded.registry.password)).toBe(true);
    expect(await resolve(loaded.registry.password!)).toBe("s3cr3t-pw");
    expect(await isSecret(loaded.registry.password!)).toBe(true);
    const repository = loaded.backup.repository;
    expect(repository.url).toBe("rest:https://backup.example.com/dockyard");
    expect(await isSecret(repository.restPassword!)).toBe(true);
    expect(Object.keys(repository).sort()).toEqual(["password", "restPassword", "restUsername", "url"]);
  });
});
