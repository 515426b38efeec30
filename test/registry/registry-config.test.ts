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
