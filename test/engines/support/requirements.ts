/**
 * The one place that knows what the engine suite (`npm run test:engines`) needs from the host:
 * how to find each engine or tool, and which set-up command provides it. Test files declare
 * what they need with `needs(...)` (./needs.ts); setup code and benchmarks call `ensure(...)`.
 * When something is missing the error is one line naming it and the command to run.
 */
import { execFile, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findSeedTool } from "../../../components/libvirt/seed-iso";

/** Installs and starts everything the engine suite needs (as root): the scripts in .ci/engines/. */
export const SETUP_COMMAND = "sudo npm run engines:up";

/** Where .ci/engines/libvirt.sh caches the tiny guest (kernel and initrd). */
export const GUEST_CACHE = process.env.DOCKYARD_TEST_CACHE ?? "/var/cache/dockyard-test";

/** Where Debian 12's PostgreSQL packages put the server's and client's programs. */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

/** The programs the database backup steps run (apps/backup/postgres.ts), and the test server's. */
export const POSTGRES_PROGRAMS = ["postgres", "initdb", "pg_ctl", "pg_dump", "pg_restore", "psql"] as const;

/** The libvirt URI the engine tests talk to. */
export const SYSTEM_URI = "qemu:///system";

/** The engine script (in .ci/engines/) that provides a requirement on its own. */
type EngineScript = "docker.sh" | "registry.sh" | "libvirt.sh" | "podman.sh" | "backup.sh" | "monitoring.sh";

/**
 * The container engines the container, registry, backup and Compose tests run against, each
 * through the docker CLI and the Docker API, as the dev stack's provider reaches them. Docker:
 * the CLI's own host (DOCKER_HOST, or the local socket). Podman: its rootful service's socket,
 * started by .ci/engines/podman.sh (DOCKYARD_PODMAN_SOCKET moves it).
 */
export const ENGINES = {
  docker: { host: undefined as string | undefined, script: "docker.sh" },
  podman: { host: `unix://${process.env.DOCKYARD_PODMAN_SOCKET ?? "/run/podman/podman.sock"}`, script: "podman.sh" },
} satisfies Record<string, { host: string | undefined; script: EngineScript }>;

/** The containers.conf .ci/engines/podman.sh writes (Podman's CLI, podman-compose, need it on this machine). */
export const PODMAN_CONTAINERS_CONF = "/etc/dockyard-ci/podman/containers.conf";

/** A container engine the matrix runs against. */
export type EngineName = keyof typeof ENGINES;

/** The engine under test: DOCKYARD_ENGINE (set per vitest project, see vitest.config.mts), default docker. */
export function engineUnderTest(): { readonly name: EngineName; readonly host: string | undefined } {
  const name = process.env.DOCKYARD_ENGINE ?? "docker";
  if (!Object.hasOwn(ENGINES, name))
    throw new Error(`DOCKYARD_ENGINE=${name} is not an engine the tests know (${Object.keys(ENGINES).join(", ")})`);
  return { name: name as EngineName, host: ENGINES[name as EngineName].host };
}

/**
 * Where the engine under test reads the CA it trusts for one registry, `<dir>/<host:port>/ca.crt`:
 * Docker's /etc/docker/certs.d, Podman's (containers/image) /etc/containers/certs.d.
 */
export function engineCertsDir(): string {
  return engineUnderTest().name === "podman" ? "/etc/containers/certs.d" : "/etc/docker/certs.d";
}

/**
 * Environment that points the docker CLI (and docker-compose) at the engine under test: its
 * DOCKER_HOST, or nothing for Docker, whose CLI finds its engine as a developer's would.
 */
export function engineEnvironment(): Record<string, string> {
  const { host } = engineUnderTest();
  return host === undefined ? {} : { DOCKER_HOST: host };
}

interface Requirement {
  /** The script that installs or starts it. */
  readonly script: EngineScript;
  /** Undefined when present, else what is wrong (a few words). */
  readonly check: () => string | undefined | Promise<string | undefined>;
}

/** A host tool found on PATH, from a Debian package. */
function tool(name: string, debianPackage: string, script: EngineScript): Requirement {
  return { script, check: () => toolProblem(name, debianPackage) };
}

function toolProblem(name: string, debianPackage: string): string | undefined {
  return findTool(name) ? undefined : `${name} not found on PATH (Debian package ${debianPackage})`;
}

/** An engine that answers when `command args` exits 0. */
function answers(what: string, command: string, args: readonly string[], script: EngineScript): Requirement {
  return {
    script,
    check: async () => {
      if (!findTool(command)) return `${command} not found on PATH, so ${what} cannot be reached`;
      return new Promise((resolve) =>
        execFile(command, [...args], { timeout: 30_000 }, (error, _stdout, stderr) =>
          resolve(
            error
              ? `${what} does not answer \`${command} ${args.join(" ")}\` (${error.killed ? "no answer within 30 s" : firstLine(stderr) || error.message})`
              : undefined,
          ),
        ),
      );
    },
  };
}

/** Each engine of the matrix, answering through the docker CLI. */
const ENGINE_REQUIREMENTS: Record<EngineName, Requirement> = {
  docker: answers("the Docker engine", "docker", ["info", "--format", "{{.ServerVersion}}"], "docker.sh"),
  podman: answers(
    `Podman's Docker API on ${ENGINES.podman.host}`,
    "docker",
    ["--host", ENGINES.podman.host, "version", "--format", "{{.Server.Version}}"],
    "podman.sh",
  ),
};

const REQUIREMENTS = {
  /** A Docker engine answering `docker info`. */
  docker: ENGINE_REQUIREMENTS.docker,
  /** Podman's rootful service answering the Docker API on its socket. */
  podman: ENGINE_REQUIREMENTS.podman,
  /** The engine under test (DOCKYARD_ENGINE): docker or podman, as above. */
  engine: {
    get script(): EngineScript {
      return ENGINES[engineUnderTest().name].script;
    },
    check: () => ENGINE_REQUIREMENTS[engineUnderTest().name].check(),
  },
  /** Compose v1 (Debian's docker-compose 1.29), the Compose client for Docker. */
  "docker-compose": tool("docker-compose", "docker-compose", "podman.sh"),
  /** podman-compose (Debian's 1.0.3), the Compose client for Podman. */
  "podman-compose": tool("podman-compose", "podman-compose", "podman.sh"),
  /** Debian's busybox-static at /bin/busybox: stand-in image bases, the backup scheduler's shell, the tiny guest. */
  busybox: {
    script: "docker.sh",
    check: () =>
      isExecutableFile("/bin/busybox") ? undefined : "/bin/busybox is missing (Debian package busybox-static)",
  },
  "docker-registry": tool("docker-registry", "docker-registry", "registry.sh"),
  /** Debian's skopeo: promotion copies images by digest between registries with it. */
  skopeo: tool("skopeo", "skopeo", "registry.sh"),
  /**
   * A private mount namespace with /etc/hosts replaced (util-linux's unshare, as root): the
   * delivery rehearsal serves the stacks' registry names on loopback without touching the host.
   */
  "mount-namespace": {
    script: "registry.sh",
    check: () =>
      spawnSync("unshare", ["--mount", "--", "sh", "-c", "mount --bind /etc/hosts /etc/hosts"], { timeout: 10_000 })
        .status === 0
        ? undefined
        : "unshare --mount cannot bind-mount over /etc/hosts (run the engine tests as root)",
  },
  /** Debian's restic, copied into the stand-in of the backup image's base. */
  restic: tool("restic", "restic", "backup.sh"),
  /** Debian's rclone: `rclone serve restic`, the REST repository server of the backup tests. */
  rclone: tool("rclone", "rclone", "backup.sh"),
  /** OpenSSH's server, the SFTP repository server of the backup tests (run in a container). */
  sshd: {
    script: "backup.sh",
    check: () =>
      isExecutableFile("/usr/sbin/sshd") ? undefined : "/usr/sbin/sshd is missing (Debian package openssh-server)",
  },
  /** OpenSSH's client (restic's sftp backend runs it) and ssh-keygen (the tests' keys). */
  ssh: {
    script: "backup.sh",
    check: () => toolProblem("ssh", "openssh-client") ?? toolProblem("ssh-keygen", "openssh-client"),
  },
  /**
   * Debian's PostgreSQL 15 server and client programs (packages postgresql, postgresql-client),
   * copied into the stand-in of a database's image for the database backup tests.
   */
  postgres: {
    script: "backup.sh",
    check: () => {
      const absent = POSTGRES_PROGRAMS.filter((program) => !isExecutableFile(join(POSTGRES_BIN, program)));
      return absent.length === 0
        ? undefined
        : `${absent.join(", ")} missing from ${POSTGRES_BIN} (Debian packages postgresql and postgresql-client)`;
    },
  },
  /** Debian's Prometheus server: the monitoring tests run one on loopback, scraping the apps' images. */
  prometheus: tool("prometheus", "prometheus", "monitoring.sh"),
  /** Prometheus' promtool (Debian package prometheus): checks the rendered rule files and runs their unit tests. */
  promtool: tool("promtool", "prometheus", "monitoring.sh"),
  /** Debian's Alertmanager (named so on PATH): routes the monitoring tests' alerts to a webhook on loopback. */
  "prometheus-alertmanager": tool("prometheus-alertmanager", "prometheus-alertmanager", "monitoring.sh"),
  htpasswd: tool("htpasswd", "apache2-utils", "registry.sh"),
  /** Debian's openssl: a throwaway CA and server certificate for the TLS registry tests. */
  openssl: tool("openssl", "openssl", "registry.sh"),
  /**
   * Write access to the engine's per-registry trust directory (`engineCertsDir()`, read at each
   * registry access): the TLS registry tests trust their CA there, then remove it.
   */
  "engine-certs": {
    script: "docker.sh",
    check: () => {
      const dir = engineCertsDir();
      try {
        mkdirSync(dir, { recursive: true });
        accessSync(dir, constants.W_OK);
        return undefined;
      } catch {
        return `${dir} cannot be written (run the engine tests as root, on the engine's own host)`;
      }
    },
  },
  virsh: tool("virsh", "libvirt-clients", "libvirt.sh"),
  /** libvirt's schema check: a shell script over xmllint. */
  "virt-xml-validate": {
    script: "libvirt.sh",
    check: () => toolProblem("virt-xml-validate", "libvirt-clients") ?? toolProblem("xmllint", "libxml2-utils"),
  },
  "qemu-img": tool("qemu-img", "qemu-utils", "libvirt.sh"),
  "cloud-localds": tool("cloud-localds", "cloud-image-utils", "libvirt.sh"),
  xorriso: tool("xorriso", "xorriso", "libvirt.sh"),
  genisoimage: tool("genisoimage", "genisoimage", "libvirt.sh"),
  /** Any tool the seed provider can build a cloud-init ISO with, found as the provider finds it. */
  "seed-tool": {
    script: "libvirt.sh",
    check: () =>
      findSeedTool() ? undefined : "no seed-ISO tool (cloud-localds, xorriso or genisoimage) found on PATH",
  },
  /** libvirtd with the QEMU driver, answering on qemu:///system. */
  libvirtd: answers(`libvirtd on ${SYSTEM_URI}`, "virsh", ["-c", SYSTEM_URI, "version"], "libvirt.sh"),
  /** The Debian cloud kernel and busybox initrd libvirt.sh caches for the boot test. */
  "tiny-guest": {
    script: "libvirt.sh",
    check: () => {
      const absent = ["vmlinuz", "initrd.img"].filter((file) => !existsSync(join(GUEST_CACHE, file)));
      return absent.length === 0
        ? undefined
        : `the tiny guest's ${absent.join(" and ")} are not cached in ${GUEST_CACHE}`;
    },
  },
} satisfies Record<string, Requirement>;

/** Something the engine suite needs: an engine, a host tool or a cached file. */
export type Need = keyof typeof REQUIREMENTS;

/** A missing engine or tool; its message is the whole report (no stack trace to read through). */
export class MissingRequirementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingRequirementError";
    this.stack = `${this.name}: ${message}`;
  }
}

/** One line saying what is missing and how to provide it, or undefined when all `needs` are met. */
export async function missing(...needs: Need[]): Promise<string | undefined> {
  const problems: { need: Need; reason: string }[] = [];
  for (const need of new Set(needs)) {
    const reason = await REQUIREMENTS[need].check();
    if (reason !== undefined) problems.push({ need, reason });
  }
  if (problems.length === 0) return undefined;
  const scripts = [...new Set(problems.map(({ need }) => `.ci/engines/${REQUIREMENTS[need].script}`))];
  return (
    `${problems.map(({ reason }) => reason).join("; ")}: run \`${SETUP_COMMAND}\` ` +
    `(installs and starts every engine; ${scripts.map((script) => `\`sudo bash ${script}\``).join(" or ")} for just this)`
  );
}

/** Throws a {@link MissingRequirementError} unless every one of `needs` is met. */
export async function ensure(...needs: Need[]): Promise<void> {
  const problem = await missing(...needs);
  if (problem !== undefined) throw new MissingRequirementError(problem);
}

/** The absolute path of `name` on PATH (an executable regular file), or undefined. */
export function findTool(name: string, searchPath: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Where the host tool `name` is; throws the one-line report when it is missing. */
export async function toolPath(name: Need): Promise<string> {
  await ensure(name);
  const path = findTool(name);
  if (path === undefined) throw new Error(`${name} is not a tool found on PATH`);
  return path;
}

// A tool hidden by bind-mounting /dev/null over it (docs/testing.md) is not a regular file.
function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
