import { stringify } from "yaml";

/**
 * The distribution registry's configuration, derived from a few decisions: auth is always
 * htpasswd, storage is the filesystem on a persistent volume, deletes are opt-in.
 * @see https://distribution.github.io/distribution/about/configuration/
 */
export interface RegistryConfigSpec {
  /** Address to listen on, e.g. `:5000` in a container or `127.0.0.1:5000` on a host. */
  listen: string;
  /** Directory holding blobs and manifests (the mounted volume). */
  storageRoot: string;
  /** Path of the htpasswd file inside the registry's filesystem. */
  htpasswdPath: string;
  /** Allow deleting manifests and blobs (needed for garbage collection). */
  deleteEnabled: boolean;
  /** TLS certificate and key paths; plain HTTP when absent (loopback or behind a TLS proxy). */
  tls?: { certificatePath: string; keyPath: string };
  /** Realm shown in authentication challenges. */
  realm: string;
}

/** The registry's `config.yml` as an object. */
export function registryConfig(spec: RegistryConfigSpec): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: "info", fields: { service: "registry" } },
    storage: {
      filesystem: { rootdirectory: spec.storageRoot },
      delete: { enabled: spec.deleteEnabled },
      // Blob descriptors are cheap to recompute; an in-memory cache avoids a Redis dependency.
      cache: { blobdescriptor: "inmemory" },
      maintenance: { uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false } },
    },
    http: {
      addr: spec.listen,
      headers: { "X-Content-Type-Options": ["nosniff"] },
      ...(spec.tls ? { tls: { certificate: spec.tls.certificatePath, key: spec.tls.keyPath } } : {}),
    },
    auth: { htpasswd: { realm: spec.realm, path: spec.htpasswdPath } },
    health: { storagedriver: { enabled: true, interval: "10s", threshold: 3 } },
  };
}

/** The registry's `config.yml` text. */
export function registryConfigYaml(spec: RegistryConfigSpec): string {
  return stringify(registryConfig(spec));
}

/** One htpasswd account: a user name and a bcrypt hash (`$2a$`/`$2b$`/`$2y$`). */
export interface HtpasswdEntry {
  username: string;
  bcryptHash: string;
}

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * An htpasswd file. The registry accepts only bcrypt hashes; anything else is rejected
 * here rather than at the registry's first login.
 */
export function htpasswdFile(entries: readonly HtpasswdEntry[]): string {
  if (entries.length === 0) throw new Error("htpasswd needs at least one account: registry auth is always on");
  return (
    entries
      .map(({ username, bcryptHash }) => {
        if (!USERNAME.test(username))
          throw new Error(`htpasswd user name "${username}" must be 1-64 of letters, digits, '.', '_', '-'`);
        if (!BCRYPT.test(bcryptHash))
          throw new Error(`htpasswd entry for "${username}" must be a bcrypt hash ($2a$/$2b$/$2y$)`);
        return `${username}:${bcryptHash}`;
      })
      .join("\n") + "\n"
  );
}
