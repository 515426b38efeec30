import type * as pulumi from "@pulumi/pulumi";
import { allDefined, type ArgPath, knownKeys } from "../args";
import type { BackupDatabaseArgs } from "../backup";
import type { Target } from "../types";
import * as rules from "../rules";

/** A Backup's database source, validated, defaults applied. */
export interface ResolvedDatabase {
  readonly engine: "postgres";
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Where the password comes from: a value (put into the Backup's Secret, or a Docker files volume) or an existing Secret's key. */
  readonly password:
    | { readonly kind: "value"; readonly value: pulumi.Input<string> }
    | { readonly kind: "secret"; readonly name: string; readonly key: string };
  /** The database's own image, digest-pinned (an output is checked when it resolves). */
  readonly image: pulumi.Input<string>;
  readonly runAsUser: number;
  /** Docker: the network the helper container joins. */
  readonly network: pulumi.Input<string> | undefined;
  /** Kubernetes: the database's ContainerService, the only pods the jobs may reach. */
  readonly service: string | undefined;
}

/** Defaults of {@link BackupDatabaseArgs}. */
export const DATABASE_DEFAULTS = { engine: "postgres", port: 5432, user: "postgres", runAsUser: 999 } as const;

const DATABASE_KEYS = [
  "engine",
  "host",
  "port",
  "user",
  "database",
  "password",
  "passwordSecret",
  "image",
  "runAsUser",
  "network",
  "service",
] as const;

// A name PostgreSQL takes unquoted or quoted alike, that is also a safe file name (<database>.dump).
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;

/** A database or role name: also the dump's file name, so no path or shell characters. */
const databaseName = rules.rule(
  `a name of 1 to 63 letters, digits, "_", "-" or "." starting with a letter or "_"`,
  (value) =>
    typeof value === "string" && NAME.test(value)
      ? rules.accept(value)
      : rules.refuse(`must be a name of 1 to 63 letters, digits, "_", "-" or "." starting with a letter or "_"`),
);

/** Where the jobs reach the server: a DNS name or an IP address (not a socket directory, which no job shares). */
const serverHost = rules.rule(`a DNS name or an IP address like "db" or "db.shop.svc"`, (value) => {
  if (typeof value !== "string") return rules.refuse(`must be a DNS name or an IP address like "db" or "db.shop.svc"`);
  if (value.startsWith("/"))
    return rules.refuse(
      "is a Unix socket directory, which the backup jobs do not share with the server: give its host name or address",
    );
  const host = value.includes(":") && !value.startsWith("[") ? `[${value}]` : value;
  const problem = rules.hostProblem(host);
  return problem === undefined ? rules.accept(value) : rules.refuse(problem);
});

/** A non-root uid. */
const nonRootUid = rules.rule("a uid from 1 to 2147483647 (not root)", (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 2_147_483_647
    ? rules.accept(value)
    : rules.refuse("must be a uid from 1 to 2147483647: the database containers never run as root"),
);

/** A Kubernetes Secret key. */
const secretKey = rules.rule(`a Secret key (letters, digits, "-", "_", ".")`, (value) =>
  typeof value === "string" && /^[-._a-zA-Z0-9]{1,253}$/.test(value)
    ? rules.accept(value)
    : rules.refuse(`must be a Secret key (letters, digits, "-", "_", ".")`),
);

/** A Docker network name, when it is plain text. */
const dockerNetwork = rules.rule(`a Docker network name`, (value) =>
  typeof value === "string" && /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value)
    ? rules.accept(value)
    : rules.refuse(`must be a Docker network name (letters, digits, "_", ".", "-")`),
);

/**
 * Validates `database` (reporting each problem at its argument) and applies defaults; undefined
 * after a problem. `checkImage` is the Backup's own image check (digest-pinned).
 */
export function resolveDatabase(
  at: ArgPath,
  value: BackupDatabaseArgs | undefined,
  target: Target | undefined,
  checkImage: (at: ArgPath, value: pulumi.Input<string> | undefined) => pulumi.Input<string> | undefined,
): ResolvedDatabase | undefined {
  const given = knownKeys(at, value, DATABASE_KEYS) as Partial<BackupDatabaseArgs> | undefined;
  if (given === undefined) return undefined;
  const engine = at
    .field("engine")
    .optional(rules.oneOf(["postgres"] as const), given.engine, DATABASE_DEFAULTS.engine);
  const host =
    given.host === undefined
      ? at.field("host").report(`is required: the database server's host name or address, as the backup jobs reach it`)
      : at.field("host").check(serverHost, given.host);
  const port = at.field("port").optional(rules.port, given.port, DATABASE_DEFAULTS.port);
  const user = at.field("user").optional(databaseName, given.user, DATABASE_DEFAULTS.user);
  const database =
    given.database === undefined
      ? at.field("database").report("is required: the name of the database to dump")
      : at.field("database").check(databaseName, given.database);
  const password = resolvePassword(at, given, target);
  const image = checkImage(at.field("image"), given.image);
  const runAsUser = at.field("runAsUser").optional(nonRootUid, given.runAsUser, DATABASE_DEFAULTS.runAsUser);
  const network = at.field("network").plain(dockerNetwork, given.network);
  const service = at.field("service").optional(rules.serviceName, given.service, undefined);
  if (given.service !== undefined && service === undefined) return undefined;
  if (given.network !== undefined && network === undefined) return undefined;
  const resolved = allDefined({ engine, host, port, user, database, password, image, runAsUser });
  return resolved && { ...resolved, network, service };
}

function resolvePassword(
  at: ArgPath,
  given: Partial<BackupDatabaseArgs>,
  target: Target | undefined,
): ResolvedDatabase["password"] | undefined {
  const value = given.password;
  const present = value !== undefined && value !== null && value !== "";
  if (given.passwordSecret !== undefined) {
    const secretAt = at.field("passwordSecret");
    if (present) return secretAt.report("goes instead of database.password: give one of them");
    if (target === "docker")
      return secretAt.report(
        "applies on Kubernetes only (a Secret of the namespace): on Docker give database.password",
      );
    const ref = knownKeys(secretAt, given.passwordSecret, ["name", "key"]);
    if (ref === undefined) return undefined;
    const name =
      ref.name === undefined
        ? secretAt.field("name").report("is required: the name of the Secret holding the password")
        : secretAt.field("name").check(rules.dnsSubdomain, ref.name);
    const key =
      ref.key === undefined
        ? secretAt.field("key").report("is required: the Secret's key holding the password")
        : secretAt.field("key").check(secretKey, ref.key);
    const checked = allDefined({ name, key });
    return checked && { kind: "secret", ...checked };
  }
  if (!present)
    return at
      .field("password")
      .report(
        `is required${target === "kubernetes" ? " (or database.passwordSecret)" : ""}: the password of database.user, a secret${
          value === "" ? "; got an empty one" : ""
        }`,
      );
  if (typeof value !== "string" && typeof value !== "object")
    return at.field("password").report(`must be the password as a secret string, got a ${typeof value}`);
  return { kind: "value", value };
}
