/**
 * Stand-ins for the public base images the web Dockerfile names, built locally because no
 * registry is reachable here:
 * - a distroless-like base: FROM scratch with the host's Node 24 at /nodejs/bin/node, exactly the
 *   shared libraries `ldd` lists, /etc/passwd and /etc/group with nonroot (65532), CA certificates;
 * - a build base: the same Node at /usr/local/bin/node plus busybox-static installed as /bin/sh & co.
 * Idempotent: each image carries a hash of its inputs and is rebuilt only when they change.
 * Concurrent test files serialize on a lock (../../support/file-lock.ts).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile, realpath, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { withExclusiveLock } from "../../support/file-lock";
import { engineUnderTest, ensure, toolPath } from "../../support/requirements";
import { docker, dockerStatus } from "./docker";

const run = promisify(execFile);

/** Local tags of the stand-ins, passed to the web Dockerfile as BASE_IMAGE and BUILD_IMAGE. */
export const STANDIN_BASE = "dockyard-test/distroless-nodejs24:local";
/** @see STANDIN_BASE */
export const STANDIN_BUILD = "dockyard-test/node24-busybox:local";
/**
 * Stand-in for the upstream registry image (Alpine with /bin/registry, busybox, and a root-owned
 * VOLUME /var/lib/registry): Debian's registry binary and busybox-static, FROM scratch.
 */
export const STANDIN_REGISTRY = "dockyard-test/registry:local";

/**
 * Stand-in for a busybox image (the backup tool's base): Debian's busybox-static, FROM scratch,
 * its applets installed as /bin/sh & co.
 */
export const STANDIN_BUSYBOX = "dockyard-test/busybox:local";

const NODE = "/usr/local/bin/node";
const BUSYBOX = "/bin/busybox";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const HASH_LABEL = "dockyard.standin.hash";
// One lock per engine: each has its own image store.
const LOCK = path.join(tmpdir(), `dockyard-standins-${engineUnderTest().name}.lock`);

const PASSWD = [
  "root:x:0:0:root:/root:/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
  "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin",
  "",
].join("\n");
const GROUP = ["root:x:0:", "nobody:x:65534:", "nonroot:x:65532:", ""].join("\n");

/** Files copied into an image: host path → path inside the image. */
type Layout = [string, string][];

/** Builds both stand-ins if missing or stale; returns their tags. */
export async function ensureStandIns(): Promise<{ base: string; build: string }> {
  await ensure("engine", "busybox");
  const libraries = await sharedLibraries(NODE);
  const certs = (await exists(CA_BUNDLE)) ? ([[CA_BUNDLE, CA_BUNDLE]] as Layout) : [];
  const base: Layout = [[NODE, "/nodejs/bin/node"], ...libraries.map((l): [string, string] => [l, l]), ...certs];
  const build: Layout = [
    [NODE, "/usr/local/bin/node"],
    [BUSYBOX, "/bin/busybox"],
    ...libraries.map((l): [string, string] => [l, l]),
  ];
  await withExclusiveLock(LOCK, async () => {
    await ensureImage(STANDIN_BASE, base, [
      "FROM scratch",
      "COPY rootfs/ /",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
      "USER 65532:65532",
      "WORKDIR /home/nonroot",
      'ENTRYPOINT ["/nodejs/bin/node"]',
    ]);
    await ensureImage(STANDIN_BUILD, build, [
      "FROM scratch",
      "COPY rootfs/ /",
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      "ENV PATH=/usr/local/bin:/usr/bin:/bin",
      'CMD ["/bin/sh"]',
    ]);
  });
  return { base: STANDIN_BASE, build: STANDIN_BUILD };
}

/** Builds the busybox stand-in if missing or stale; returns its tag. */
export async function ensureBusyboxStandIn(): Promise<string> {
  await ensure("engine", "busybox");
  await withExclusiveLock(LOCK, () =>
    ensureImage(
      STANDIN_BUSYBOX,
      [[BUSYBOX, "/bin/busybox"]],
      ["FROM scratch", "COPY rootfs/ /", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', 'CMD ["sh"]'],
    ),
  );
  return STANDIN_BUSYBOX;
}

/** Builds the registry stand-in if missing or stale (needs Debian's docker-registry); returns its tag. */
export async function ensureRegistryStandIn(): Promise<string> {
  await ensure("engine", "busybox");
  const registryBinary = await toolPath("docker-registry");
  const libraries = await sharedLibraries(registryBinary);
  const layout: Layout = [
    [registryBinary, "/bin/registry"],
    [BUSYBOX, "/bin/busybox"],
    ...libraries.map((l): [string, string] => [l, l]),
  ];
  await withExclusiveLock(LOCK, () =>
    ensureImage(STANDIN_REGISTRY, layout, [
      "FROM scratch",
      "COPY rootfs/ /",
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      'RUN ["/bin/busybox", "mkdir", "-p", "/var/lib/registry", "/etc/docker/registry"]',
      'VOLUME ["/var/lib/registry"]',
      "EXPOSE 5000",
      'ENTRYPOINT ["/bin/registry"]',
      'CMD ["serve", "/etc/docker/registry/config.yml"]',
    ]),
  );
  return STANDIN_REGISTRY;
}

/** The shared libraries (and loader) `ldd` reports for a binary, as absolute paths. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run("ldd", [binary]);
  const paths = stdout
    .split("\n")
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);
  if (paths.length === 0) throw new Error(`ldd ${binary} listed no libraries:\n${stdout}`);
  return paths;
}

async function ensureImage(tag: string, layout: Layout, dockerfile: string[]): Promise<void> {
  const hash = await layoutHash(layout, dockerfile);
  const current = await dockerStatus([
    "image",
    "inspect",
    "--format",
    `{{ index .Config.Labels "${HASH_LABEL}" }}`,
    tag,
  ]);
  if (current.code === 0 && current.stdout.trim() === hash) return;
  const context = await mkdtemp(path.join(tmpdir(), "dockyard-standin-"));
  try {
    for (const [from, to] of layout) {
      const target = path.join(context, "rootfs", to);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(await realpath(from), target);
      await chmod(target, (await stat(from)).mode & 0o777);
    }
    await mkdir(path.join(context, "rootfs", "etc"), { recursive: true });
    await writeFile(path.join(context, "rootfs", "etc", "passwd"), PASSWD);
    await writeFile(path.join(context, "rootfs", "etc", "group"), GROUP);
    await mkdir(path.join(context, "rootfs", "tmp"), { recursive: true });
    await chmod(path.join(context, "rootfs", "tmp"), 0o1777);
    await mkdir(path.join(context, "rootfs", "home", "nonroot"), { recursive: true });
    await writeFile(path.join(context, "Dockerfile"), [...dockerfile, `LABEL ${HASH_LABEL}="${hash}"`, ""].join("\n"));
    await docker(["build", "--quiet", "--tag", tag, context], 300_000);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** Identity of an image's inputs: each file's path, size and mtime, and the Dockerfile. */
async function layoutHash(layout: Layout, dockerfile: string[]): Promise<string> {
  const hash = createHash("sha256").update(dockerfile.join("\n")).update(PASSWD).update(GROUP);
  for (const [from, to] of layout) {
    const info = await stat(await realpath(from));
    hash.update(`${from}>${to}:${info.size}:${info.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Builds a local image from host files (host path → path in the image) and Dockerfile lines, if
 * missing or stale, under the stand-ins' lock: for other test suites' stand-ins (the backup
 * tests' restic base and repository servers). The image gets /etc/passwd and /etc/group with
 * root, nobody and nonroot (65532), /tmp (1777) and /home/nonroot.
 */
export async function ensureLocalImage(tag: string, layout: [string, string][], dockerfile: string[]): Promise<string> {
  await withExclusiveLock(LOCK, () => ensureImage(tag, layout, dockerfile));
  return tag;
}
