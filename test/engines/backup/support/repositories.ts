/**
 * The off-site repositories of the backup engine tests, each a server in a container of its own
 * on a test network (as a repository is elsewhere: the backup containers reach it over the
 * network, and it outlives them): a REST server (`rclone serve restic`, Debian's rclone) and an
 * SFTP server (Debian's OpenSSH sshd, key login, internal-sftp only). Images are stand-ins built
 * FROM scratch from the host's binaries; the repository data lives on a volume of the server.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { type DockerObjects, docker, dockerStatus, uniqueName } from "../../docker/support/docker";
import { ensureLocalImage } from "../../docker/support/standins";
import { ensure, toolPath } from "../../support/requirements";
import { withLibraries } from "./backup-image";

const run = promisify(execFile);
const BUSYBOX = "/bin/busybox";
const REST_IMAGE = "dockyard-test/rclone:local";
const SSHD_IMAGE = "dockyard-test/sshd:local";
/** Where each server keeps its repositories. */
export const SERVER_DATA = "/srv/restic";

/** A repository server the tests back up to. */
export interface RepositoryServer {
  readonly kind: "rest" | "sftp";
  /** The server's container and the network it is reachable on. */
  readonly container: string;
  readonly network: string;
  /** The Backup's `repository` Args for a repository named `name` on this server. */
  repository(name: string): { url: string; sshPrivateKey?: string; sshKnownHosts?: string[] };
  /** Secret variables the backup containers need besides the Backup's own (REST login over the tests' plain http). */
  readonly extraSecrets: Record<string, string>;
}

/** Bytes a repository takes on the server (its files' sizes). */
export async function repositoryBytes(server: RepositoryServer, name: string): Promise<number> {
  const out = await docker([
    "exec",
    server.container,
    "sh",
    "-c",
    `find ${SERVER_DATA}/${name} -type f -exec stat -c %s {} + | awk '{ s += $1 } END { print s + 0 }'`,
  ]);
  return Number(out.trim());
}

/** The repository's pack files on the server (paths), largest first. */
export async function packFiles(server: RepositoryServer, name: string): Promise<string[]> {
  const out = await docker([
    "exec",
    server.container,
    "sh",
    "-c",
    `find ${SERVER_DATA}/${name}/data -type f -exec stat -c '%s %n' {} + | sort -rn | cut -d ' ' -f 2`,
  ]);
  return out.split("\n").filter((line) => line !== "");
}

/** Flips one byte in the middle of a file on the server. */
export async function corrupt(server: RepositoryServer, file: string): Promise<void> {
  await docker([
    "exec",
    server.container,
    "sh",
    "-euc",
    `size=$(stat -c %s ${file}); byte=$(dd if=${file} bs=1 skip=$((size / 2)) count=1 2>/dev/null | od -An -tu1 | tr -d ' '); ` +
      `printf "\\\\$(printf %o $(( (byte + 1) % 256 )))" | dd of=${file} bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null`,
  ]);
}

/**
 * A server's address on the test network. By IP, not by its network alias: Podman's CNI networks
 * here have no DNS (no dnsname plugin), and the tests run on both engines.
 */
async function addressOn(container: string, network: string): Promise<string> {
  const networks = JSON.parse(
    await docker(["inspect", "--format", "{{json .NetworkSettings.Networks}}", container]),
  ) as Record<string, { IPAddress?: string }>;
  const address = networks[network]?.IPAddress;
  if (!address) throw new Error(`${container} has no address on ${network}: ${JSON.stringify(networks)}`);
  return address;
}

/** A network of its own for one test file, registered for removal. */
export async function testNetwork(objects: DockerObjects): Promise<string> {
  const network = objects.network(uniqueName("backup-net"));
  await docker(["network", "create", network]);
  return network;
}

/** `rclone serve restic` with basic auth on a test network, its data on a volume. */
export async function startRestServer(objects: DockerObjects, network: string): Promise<RepositoryServer> {
  await ensure("engine", "busybox", "rclone");
  const layout = await withLibraries([[await toolPath("rclone"), "/usr/bin/rclone"]]);
  layout.push([BUSYBOX, "/bin/busybox"]);
  const image = await ensureLocalImage(REST_IMAGE, layout, [
    "FROM scratch",
    "COPY rootfs/ /",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    `RUN ["/bin/busybox", "mkdir", "-p", "${SERVER_DATA}"]`,
    'ENTRYPOINT ["/usr/bin/rclone"]',
  ]);
  const [user, password] = ["dockyard", randomBytes(12).toString("base64url")];
  const container = objects.container(uniqueName("rest-server"));
  const data = objects.volume(uniqueName("rest-data"));
  await docker([
    "run",
    "--detach",
    "--name",
    container,
    "--network",
    network,
    "--mount",
    `type=volume,source=${data},target=${SERVER_DATA}`,
    image,
    "serve",
    "restic",
    "--config",
    "/dev/null",
    "--addr",
    ":8000",
    "--user",
    user,
    "--pass",
    password,
    SERVER_DATA,
  ]);
  await waitForLog(container, /Serving restic REST API/);
  const address = await addressOn(container, network);
  return {
    kind: "rest",
    container,
    network,
    repository: (name) => ({ url: `rest:http://${address}:8000/${name}` }),
    extraSecrets: { RESTIC_REST_USERNAME: user, RESTIC_REST_PASSWORD: password },
  };
}

/** OpenSSH's sshd on a test network: key login for user "backup", internal-sftp only, host key pinned by the client. */
export async function startSftpServer(objects: DockerObjects, network: string): Promise<RepositoryServer> {
  await ensure("engine", "busybox", "sshd", "ssh");
  const layout = await withLibraries([["/usr/sbin/sshd", "/usr/sbin/sshd"]]);
  layout.push([BUSYBOX, "/bin/busybox"]);
  const image = await ensureLocalImage(SSHD_IMAGE, layout, [
    "FROM scratch",
    "COPY rootfs/ /",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    // The privilege-separation user and its empty root-owned directory; the repository's owner.
    "RUN echo 'sshd:x:100:65534::/run/sshd:/bin/false' >> /etc/passwd && echo 'backup:*:1000:1000::/srv:/bin/sh' >> /etc/passwd " +
      `&& echo 'backup:x:1000:' >> /etc/group && mkdir -p /run/sshd /etc/ssh ${SERVER_DATA} && chmod 0755 /run/sshd && chown 1000:1000 ${SERVER_DATA}`,
    'ENTRYPOINT ["/usr/sbin/sshd", "-D", "-e", "-f", "/etc/ssh/dockyard/sshd_config"]',
  ]);
  const port = 2222;
  const keys = await mkdtemp(path.join(tmpdir(), "dockyard-sftp-"));
  try {
    const keygen = await toolPath("ssh");
    const sshKeygen = path.join(path.dirname(keygen), "ssh-keygen");
    await run(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "sftp-host", "-f", path.join(keys, "host_ed25519")]);
    await run(sshKeygen, [
      "-q",
      "-t",
      "ed25519",
      "-N",
      "",
      "-C",
      "dockyard-backup",
      "-f",
      path.join(keys, "client_ed25519"),
    ]);
    await writeFile(path.join(keys, "authorized_keys"), await readFile(path.join(keys, "client_ed25519.pub")));
    await writeFile(
      path.join(keys, "sshd_config"),
      [
        `Port ${port}`,
        "HostKey /etc/ssh/dockyard/host_ed25519",
        "AuthorizedKeysFile /etc/ssh/dockyard/authorized_keys",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PermitRootLogin no",
        "AllowUsers backup",
        "Subsystem sftp internal-sftp",
        "ForceCommand internal-sftp",
        "PidFile none",
        "",
      ].join("\n"),
    );
    // sshd reads authorized_keys as the user logging in: readable by all, writable by root only.
    for (const file of ["host_ed25519", "sshd_config"]) await chmod(path.join(keys, file), 0o600);
    await chmod(path.join(keys, "authorized_keys"), 0o644);
    await chmod(keys, 0o755);
    const container = objects.container(uniqueName("sftp-server"));
    const data = objects.volume(uniqueName("sftp-data"));
    await docker([
      "create",
      "--name",
      container,
      "--network",
      network,
      "--mount",
      `type=volume,source=${data},target=${SERVER_DATA}`,
      image,
    ]);
    // Files go in through the engine (no bind mount): root-owned and private, as sshd requires.
    await docker(["cp", `${keys}/.`, `${container}:/etc/ssh/dockyard`]);
    await docker(["start", container]);
    await waitForLog(container, /Server listening on/);
    // A fresh volume takes the image's directory, owned by root: the repository's user must own it.
    await docker(["exec", container, "chown", "1000:1000", SERVER_DATA]);
    const hostKey = (await readFile(path.join(keys, "host_ed25519.pub"), "utf8"))
      .trim()
      .split(" ")
      .slice(0, 2)
      .join(" ");
    const clientKey = await readFile(path.join(keys, "client_ed25519"), "utf8");
    const address = await addressOn(container, network);
    return {
      kind: "sftp",
      container,
      network,
      repository: (name) => ({
        url: `sftp://backup@${address}:${port}/${SERVER_DATA}/${name}`,
        sshPrivateKey: clientKey,
        sshKnownHosts: [`[${address}]:${port} ${hostKey}`],
      }),
      extraSecrets: {},
    };
  } finally {
    await rm(keys, { recursive: true, force: true });
  }
}

async function waitForLog(container: string, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const logs = await dockerStatus(["logs", container]);
    if (pattern.test(logs.stdout + logs.stderr)) return;
    const running = (await docker(["inspect", "--format", "{{.State.Running}}", container])).trim();
    if (running !== "true" || Date.now() > deadline)
      throw new Error(`${container} did not start (running ${running}):\n${logs.stdout}${logs.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
