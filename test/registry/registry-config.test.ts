import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { htpasswdFile, registryConfig, registryConfigYaml } from "../../components/registry/registry-config";

const SPEC = {
  listen: ":5000",
  storageRoot: "/var/lib/registry",
  htpasswdPath: "/auth/htpasswd",
  deleteEnabled: false,
  realm: "dockyard",
};
const HASH = "$2y$05$QXNKchKp9QA9JNbHl7C1teXpIzQp/oj1wadvmekjd5L0gFrCEAK0K";

describe("registryConfig", () => {
  it("always configures htpasswd auth and filesystem storage; deletes off unless asked", () => {
    const config = registryConfig(SPEC);
    expect(config.auth).toEqual({ htpasswd: { realm: "dockyard", path: "/auth/htpasswd" } });
    expect(config.storage).toMatchObject({
      filesystem: { rootdirectory: "/var/lib/registry" },
      delete: { enabled: false },
    });
    expect(config.http).toEqual({ addr: ":5000", headers: { "X-Content-Type-Options": ["nosniff"] } });
  });

  it("adds TLS and deletes when asked", () => {
    const config = registryConfig({
      ...SPEC,
      deleteEnabled: true,
      tls: { certificatePath: "/tls/tls.crt", keyPath: "/tls/tls.key" },
    });
    expect(config.http).toMatchObject({ tls: { certificate: "/tls/tls.crt", key: "/tls/tls.key" } });
    expect(config.storage).toMatchObject({ delete: { enabled: true } });
  });

  it("keeps itself healthy: abandoned uploads purged after a week, storage health-checked, logs tagged", () => {
    const config = registryConfig(SPEC);
    // A push interrupted mid-layer leaves an upload behind; without purging they fill the volume.
    expect(config.storage).toMatchObject({
      maintenance: { uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false } },
      cache: { blobdescriptor: "inmemory" },
    });
    // /debug/health reports unhealthy after 3 failed storage checks 10 s apart.
    expect(config.health).toEqual({ storagedriver: { enabled: true, interval: "10s", threshold: 3 } });
    expect(config.log).toEqual({ level: "info", fields: { service: "registry" } });
  });

  it("renders YAML that parses back to the same object", () => {
    expect(parse(registryConfigYaml(SPEC))).toEqual(registryConfig(SPEC));
  });

  it("writes only keys both distribution 3.0 (the upstream image) and 2.8 (the engine tests' Debian binary) read", () => {
    // Read by both: configuration/configuration.go and registry/handlers/app.go at v2.8.3 and v3.0.0
    // (`*` is a map of names the config chooses). Distribution 3 removed the oss and swift storage
    // drivers, schema1 (`compatibility.schema1`) and http.tls.minimumtls tls1.0/tls1.1, and still
    // deprecates `loglevel` and storage.cache.layerinfo: none of them may appear.
    const readByBoth = new Set([
      "version",
      "log.level",
      "log.fields.*",
      "storage.filesystem.rootdirectory",
      "storage.delete.enabled",
      "storage.cache.blobdescriptor",
      "storage.maintenance.uploadpurging.enabled",
      "storage.maintenance.uploadpurging.age",
      "storage.maintenance.uploadpurging.interval",
      "storage.maintenance.uploadpurging.dryrun",
      "http.addr",
      "http.headers.*",
      "http.tls.certificate",
      "http.tls.key",
      "auth.htpasswd.realm",
      "auth.htpasswd.path",
      "health.storagedriver.enabled",
      "health.storagedriver.interval",
      "health.storagedriver.threshold",
    ]);
    const leaves = (value: unknown, path: string[]): string[] =>
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? Object.entries(value).flatMap(([key, child]) =>
            leaves(child, [...path, ["fields", "headers"].includes(path.at(-1) ?? "") ? "*" : key]),
          )
        : [path.join(".")];
    const config = registryConfig({ ...SPEC, deleteEnabled: true, tls: { certificatePath: "/c", keyPath: "/k" } });
    expect(leaves(config, []).filter((key) => !readByBoth.has(key))).toEqual([]);
    expect(config.version).toBe(0.1);
  });
});

describe("htpasswdFile", () => {
  it("writes one bcrypt line per account", () => {
    expect(
      htpasswdFile([
        { username: "push", bcryptHash: HASH },
        { username: "pull", bcryptHash: HASH },
      ]),
    ).toBe(`push:${HASH}\npull:${HASH}\n`);
  });

  it.each([
    [[], "at least one account"],
    [[{ username: "a b", bcryptHash: HASH }], "user name"],
    [[{ username: "ci", bcryptHash: "{SHA}abc" }], "bcrypt"],
    [[{ username: "ci", bcryptHash: "plaintext" }], "bcrypt"],
  ])("rejects %j", (entries, message) => {
    expect(() => htpasswdFile(entries)).toThrow(message);
  });
});
