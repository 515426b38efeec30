// How dockyard runs host tools: one execFile wrapper (no shell) for virsh, the seed-ISO tools
// and the tests' helpers. virsh runs as `virsh -c <uri> …`, which also covers remote URIs such
// as qemu+ssh://. Provider-side code: Node built-ins are required at call time and errors are
// plain Errors, so the closures serialize (see ADR 0003).

/** Kinds of libvirt object the providers manage, as virsh names them in commands. */
export type ObjectKind = "domain" | "network" | "pool" | "vol";

/** Per-call limit; remote URIs over SSH may be slow, but never hang a deployment forever. */
export const VIRSH_TIMEOUT_MS = 300_000;

/** The environment variable that sets the per-call limit in seconds (the engine tests use 30). */
export const VIRSH_TIMEOUT_VARIABLE = "DOCKYARD_VIRSH_TIMEOUT_SECONDS";

/** The per-call limit: {@link VIRSH_TIMEOUT_VARIABLE} when set, else {@link VIRSH_TIMEOUT_MS}. */
export function toolTimeoutMs(): number {
  const value = process.env[VIRSH_TIMEOUT_VARIABLE];
  if (value === undefined || value === "") return VIRSH_TIMEOUT_MS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new Error(`${VIRSH_TIMEOUT_VARIABLE} must be a whole number of seconds from 1 to 86400, got "${value}"`);
  }
  return seconds * 1000;
}

/** How {@link execTool} runs a command. */
export interface ExecOptions {
  /** Kill the command after this long. @default {@link toolTimeoutMs} (300 s) */
  readonly timeoutMs?: number;
}

/** A failed {@link execTool} run: the child_process error (exit code, killed) with the command's output. */
export type ExecError = Error & {
  readonly code?: unknown;
  readonly killed?: boolean;
  /** The limit the command ran under. */
  readonly timeoutMs?: number;
  readonly signal?: unknown;
  readonly stdout: string;
  readonly stderr: string;
};

/**
 * Runs `command args…` without a shell, in the C locale (English messages, which callers match
 * on), and resolves with its stdout; rejects with an {@link ExecError} carrying its output.
 */
export function execTool(command: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const childProcess = require("node:child_process") as typeof import("node:child_process");
  const timeout = options.timeoutMs ?? toolTimeoutMs();
  return new Promise((resolve, reject) => {
    childProcess.execFile(
      command,
      [...args],
      {
        timeout,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const failure: ExecError = Object.assign(error, { stdout, stderr, timeoutMs: timeout });
        reject(failure);
      },
    );
  });
}

/** An Error from virsh, tagged so callers can tell "gone", "taken" and "unreachable" apart. */
export type VirshError = Error & {
  readonly reason: "unreachable" | "not-found" | "exists" | "missing-virsh" | "failed";
  readonly uri: string;
};

/** Runs `virsh -q -c uri args…` and resolves with its stdout, or rejects with a {@link VirshError}. */
export async function virsh(uri: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  try {
    return await execTool("virsh", ["-q", "-c", uri, ...args], options);
  } catch (error) {
    throw classifyVirshError(uri, args, error as ExecError, (error as ExecError).stderr ?? "");
  }
}

/**
 * Runs `virsh … <command> <file>` with `xml` written to a private temporary file (virsh cannot
 * read /dev/stdin from Node's stdin, a socket).
 */
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

/** Turns a failed virsh run into an Error whose message names the URI and what failed. */
export function classifyVirshError(
  uri: string,
  args: readonly string[],
  error: Error & { code?: unknown; killed?: boolean; signal?: unknown; timeoutMs?: number },
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
    const limit = error.timeoutMs === undefined ? "the time limit" : `${error.timeoutMs / 1000} s`;
    return tag(
      "unreachable",
      `libvirt at ${uri} did not answer "virsh ${args.join(" ")}" within ${limit} (${VIRSH_TIMEOUT_VARIABLE} sets the limit)`,
    );
  }
  // A remote transport (ssh) that closes while virsh writes to it kills virsh before it says why.
  if (error.signal === "SIGPIPE" && detail === "") {
    return tag("unreachable", `cannot reach libvirt at ${uri}: the connection closed while virsh was writing to it`);
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
  // define with a new UUID, or vol-create, refused because the name is taken.
  if (/already exists with uuid|is already defined with uuid|storage volume '[^']*' exists already/i.test(detail)) {
    return tag("exists", `libvirt at ${uri}: ${detail}`);
  }
  return tag("failed", `virsh ${args.join(" ")} failed on ${uri}: ${detail || error.message}`);
}

/** True if `error` is a {@link VirshError} for an object that does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as Partial<VirshError>).reason === "not-found";
}

/**
 * Turns libvirt's refusal to create an object whose name is taken into dockyard's error: the
 * existing object is never adopted or overwritten. Other errors pass through unchanged.
 */
export function clashError(error: unknown, uri: string, kind: ObjectKind, name: string, pool?: string): unknown {
  if (!(error instanceof Error) || (error as Partial<VirshError>).reason !== "exists") return error;
  const what = { domain: "domain", network: "network", pool: "storage pool", vol: `volume in pool "${pool}"` }[kind];
  return new Error(
    `a ${what} named "${name}" already exists on ${uri}; dockyard neither adopts nor overwrites existing objects: pick another name, or remove it (virsh) if it is a leftover`,
  );
}

/** Runs a clean-up step, swallowing "not found" (already gone) but reporting anything else. */
export async function ignoreMissing(step: Promise<unknown>): Promise<void> {
  try {
    await step;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Resolves with what `step` resolves with, or undefined if the object is not found. */
export async function unlessMissing<T>(step: Promise<T>): Promise<T | undefined> {
  try {
    return await step;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
