// How the dynamic providers talk to libvirt: `virsh -c <uri> …` through execFile (no shell),
// which also covers remote URIs such as qemu+ssh://. Provider-side code: Node built-ins are
// required at call time and errors are plain Errors, so the closures serialize (see ADR 0003).

/** Kinds of libvirt object the providers manage, as virsh names them in commands. */
export type ObjectKind = "domain" | "network" | "pool" | "vol";

/** Per-call limit; remote URIs over SSH may be slow, but never hang a deployment forever. */
export const VIRSH_TIMEOUT_MS = 300_000;

/** An Error from virsh, tagged so callers can tell "gone" and "unreachable" apart. */
export type VirshError = Error & {
  readonly reason: "unreachable" | "not-found" | "missing-virsh" | "failed";
  readonly uri: string;
};

/** Runs `virsh -q -c uri args…` and resolves with its stdout, or rejects with a {@link VirshError}. */
export function virsh(uri: string, args: readonly string[], timeoutMs: number = VIRSH_TIMEOUT_MS): Promise<string> {
  const childProcess = require("node:child_process") as typeof import("node:child_process");
  return new Promise((resolve, reject) => {
    childProcess.execFile(
      "virsh",
      ["-q", "-c", uri, ...args],
      // LC_ALL=C keeps messages in English, which classifyVirshError matches on.
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        reject(classifyVirshError(uri, args, error, stderr));
      },
    );
  });
}

/** Turns a failed virsh run into an Error whose message names the URI and what failed. */
export function classifyVirshError(
  uri: string,
  args: readonly string[],
  error: Error & { code?: unknown; killed?: boolean },
  stderr: string,
): VirshError {
  const detail = stderr
    .split("\n")
    .map((line) => line.replace(/^error: /, "").trim())
    .filter((line) => line.length > 0)
    .join(": ");
  const tag = (reason: VirshError["reason"], message: string): VirshError =>
    Object.assign(new Error(message), { reason, uri });
  if (error.code === "ENOENT") {
    return tag(
      "missing-virsh",
      "virsh was not found in PATH: install libvirt's client (Debian: apt-get install libvirt-clients) on the machine running Pulumi",
    );
  }
  if (error.killed) {
    return tag("unreachable", `libvirt at ${uri} did not answer "virsh ${args.join(" ")}" within the time limit`);
  }
  if (/failed to connect to the hypervisor/i.test(detail)) {
    return tag(
      "unreachable",
      `cannot reach libvirt at ${uri}: ${detail.replace(/^failed to connect to the hypervisor: /i, "")}`,
    );
  }
  if (/not found|failed to get (domain|network|pool|vol) /i.test(detail)) {
    return tag("not-found", `libvirt at ${uri}: ${detail}`);
  }
  return tag("failed", `virsh ${args.join(" ")} failed on ${uri}: ${detail || error.message}`);
}

/** True if `error` is a {@link VirshError} for an object that does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as Partial<VirshError>).reason === "not-found";
}

/** Whether a named object exists; unreachable hosts and other failures still throw. */
export async function objectExists(uri: string, kind: ObjectKind, name: string, pool?: string): Promise<boolean> {
  const info = { domain: "dominfo", network: "net-info", pool: "pool-info", vol: "vol-info" }[kind];
  const args = kind === "vol" ? [info, "--pool", pool ?? "", name] : [info, name];
  try {
    await virsh(uri, args);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Refuses to go on if a same-named object exists: dockyard never adopts or overwrites one. */
export async function assertAbsent(uri: string, kind: ObjectKind, name: string, pool?: string): Promise<void> {
  if (await objectExists(uri, kind, name, pool)) {
    const what = { domain: "domain", network: "network", pool: "storage pool", vol: `volume in pool "${pool}"` }[kind];
    throw new Error(
      `a ${what} named "${name}" already exists on ${uri}; dockyard neither adopts nor overwrites existing objects: pick another name, or remove it (virsh) if it is a leftover`,
    );
  }
}

/** Runs `virsh … <command> <file>` with `xml` written to a private temporary file. */
export async function virshWithXml(uri: string, command: readonly string[], xml: string): Promise<string> {
  const fs = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const path = require("node:path") as typeof import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dockyard-virsh-"));
  try {
    const file = path.join(dir, "object.xml");
    fs.writeFileSync(file, xml, { mode: 0o600 });
    return await virsh(uri, [...command, file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a clean-up step, swallowing "not found" (already gone) but reporting anything else. */
export async function ignoreMissing(step: Promise<unknown>): Promise<void> {
  try {
    await step;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
