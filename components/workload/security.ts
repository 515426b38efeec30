import * as net from "node:net";
import type * as k8s from "@pulumi/kubernetes";
import { describeValue } from "../errors";
import { allDefined, type ArgPath, knownKeys } from "../args";
import * as rules from "../rules";
import type { ResolvedService } from "./spec";

/**
 * Container security, decided once for every container dockyard runs: the hardened defaults,
 * the named opt-outs that relax them ({@link SecurityOptOuts}, checked by
 * {@link resolveSecurityOptOuts}), the resolved posture ({@link securityPosture}), and its two
 * renderings: the Kubernetes pod and container securityContext ({@link kubernetesPodSecurity},
 * {@link containerSecurityContext}) and the Docker settings ({@link dockerContainerSecurity},
 * {@link dockerFilesCarrierSecurity}).
 *
 * Nothing else in dockyard decides a security setting: the pod spec (pod-spec.ts), the Docker
 * settings (docker-settings.ts, files.ts) and through them ContainerService, the registry and the
 * backup jobs only call this file, so a change here changes both targets. See
 * docs/decisions/0004-container-hardening.md.
 */

/** Numeric user and group a container runs as: distroless's `nonroot` (65532). */
export const NONROOT_UID = 65532;
/** @see NONROOT_UID */
export const NONROOT_GID = 65532;

/** Writable scratch directory mounted on top of the read-only root filesystem. */
export const SCRATCH_PATH = "/tmp";
/** Default size of the scratch tmpfs (Docker) or memory-backed emptyDir (Kubernetes). */
export const SCRATCH_SIZE = "64Mi";
/** Mount options of the Docker scratch tmpfs (size is appended). */
export const SCRATCH_TMPFS_OPTIONS = ["rw", "noexec", "nosuid", "nodev"] as const;

/**
 * Directories a Docker container with a read-only root filesystem gets as empty, read-only tmpfs
 * mounts. Podman mounts writable tmpfs on /run and /var/tmp (without noexec) into every read-only
 * container unless something is mounted there (its `--read-only-tmpfs`, on by default and not
 * reachable through the Docker API): mounting these ourselves keeps them unwritable on Podman too.
 * On Docker they only hide the image's (normally empty) directories. See docs/decisions/0010-podman.md.
 */
export const READ_ONLY_GUARD_PATHS = ["/run", "/var/tmp"] as const;
/** Mount options of those guards: read-only, nothing executable, no devices or setuid. */
export const READ_ONLY_GUARD_OPTIONS = ["ro", "noexec", "nosuid", "nodev"] as const;

/** Docker's security option that stops processes gaining privileges (setuid binaries). */
export const NO_NEW_PRIVILEGES = "no-new-privileges:true";

/** Linux capabilities dropped from every container. */
export const DROPPED_CAPABILITIES = ["ALL"] as const;
/**
 * Capabilities the Pod Security Standards "restricted" profile lets a pod add back.
 * Adding any other one is still possible (security.addCapabilities) but leaves "restricted".
 */
export const RESTRICTED_ADDABLE_CAPABILITIES = ["NET_BIND_SERVICE"] as const;
/** Seccomp profile of every pod (Docker applies its default profile unless told otherwise). */
export const SECCOMP_PROFILE = "RuntimeDefault";

/** Host address Docker publishes ports on: loopback, so nothing outside the machine reaches them. */
export const PUBLISH_ADDRESS = "127.0.0.1";

/** json-file log rotation on Docker: at most 3 files of 10 MB per container. */
export const DOCKER_LOG_DRIVER = "json-file";
/** @see DOCKER_LOG_DRIVER */
export const DOCKER_LOG_OPTIONS = { "max-size": "10m", "max-file": "3" } as const;

/** Docker restart policy unless the service says otherwise. */
export const DEFAULT_RESTART_POLICY = "unless-stopped";

/** Seconds a container gets between SIGTERM and SIGKILL. */
export const DEFAULT_STOP_GRACE_SECONDS = 30;

/** Directory a service's config files (`files`) appear in, read-only to the process. */
export const FILES_DIR = "/etc/dockyard";
/**
 * Mode of config files on Kubernetes (the Secret volume's defaultMode): readable by the
 * owner and by the group, which the pod's fsGroup makes the service's own group.
 */
export const FILES_MODE_KUBERNETES = 0o440;
/**
 * Mode of config files on Docker: root-owned and world-readable in a root-owned directory,
 * so the non-root process reads them but can neither change, replace nor add files.
 */
export const FILES_MODE_DOCKER = "0444";

/**
 * Named relaxations of the hardened defaults. Each one is off unless set, and each is
 * visible in code review as exactly what it is.
 */
export interface SecurityOptOuts {
  /**
   * Allow `runAsUser: 0` (root). Without it a root uid is rejected.
   * @default false
   */
  readonly allowRunAsRoot?: boolean;
  /**
   * Mount the root filesystem read-write instead of read-only.
   * @default false
   */
  readonly allowWritableRootFilesystem?: boolean;
  /**
   * Let processes gain privileges (setuid binaries): drops Docker's `no-new-privileges`
   * and sets Kubernetes `allowPrivilegeEscalation: true`.
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Capabilities added back after dropping ALL, without the `CAP_` prefix, e.g. `["NET_BIND_SERVICE"]`.
   * Anything but NET_BIND_SERVICE takes the pod out of the "restricted" Pod Security profile.
   * @default []
   */
  readonly addCapabilities?: string[];
  /**
   * Host address Docker publishes ports on. Any address but loopback exposes the
   * service to whoever reaches that interface.
   * @default "127.0.0.1"
   */
  readonly publishAddress?: string;
  /**
   * Accept an image tagged `latest`, or with no tag and no digest (which means `latest`).
   * Such a reference names whatever was pushed last: two deployments of one config may run
   * different code.
   * @default false
   */
  readonly allowLatestTag?: boolean;
  /**
   * Accept an image reference without a digest (`repo:tag`). A tag can be moved to other
   * bytes after review; a digest (`repo@sha256:…`, as ServiceImage.ref gives) cannot.
   * @default false (a digest is required)
   */
  readonly allowMutableImageTag?: boolean;
}

/** The security posture a container runs with, after opt-outs are applied. */
export interface SecurityPosture {
  readonly runAsNonRoot: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly noNewPrivileges: boolean;
  readonly dropCapabilities: readonly string[];
  readonly addCapabilities: readonly string[];
  readonly seccompProfile: string;
  readonly publishAddress: string;
}

/**
 * Applies the (already validated) opt-outs to the hardened defaults.
 * @param runAsUser the resolved uid; a root uid only passes validation with allowRunAsRoot.
 */
export function securityPosture(optOuts: SecurityOptOuts, runAsUser: number): SecurityPosture {
  return {
    runAsNonRoot: runAsUser !== 0,
    readOnlyRootFilesystem: optOuts.allowWritableRootFilesystem !== true,
    noNewPrivileges: optOuts.allowPrivilegeEscalation !== true,
    dropCapabilities: DROPPED_CAPABILITIES,
    addCapabilities: [...(optOuts.addCapabilities ?? [])],
    seccompProfile: SECCOMP_PROFILE,
    publishAddress: optOuts.publishAddress ?? PUBLISH_ADDRESS,
  };
}

// ── The opt-outs and the user, as Args give them ─────────────────────────────────────────────

/** A uid or gid. */
const ID = rules.integerIn(0, 2 ** 31 - 1);

/** The named opt-outs `security` may hold; anything else is a typo and refused. */
const SECURITY_OPT_OUTS = [
  "allowRunAsRoot",
  "allowWritableRootFilesystem",
  "allowPrivilegeEscalation",
  "addCapabilities",
  "publishAddress",
  "allowLatestTag",
  "allowMutableImageTag",
] as const satisfies readonly (keyof SecurityOptOuts)[];

/** Checks `security` (every flag false unless set); undefined after reporting a problem. */
export function resolveSecurityOptOuts(at: ArgPath, value: unknown): SecurityOptOuts | undefined {
  const given = knownKeys(at, value, SECURITY_OPT_OUTS) as SecurityOptOuts | undefined;
  if (given === undefined) return undefined;
  const addCapabilities = at
    .field("addCapabilities")
    .each(rules.stringList, given.addCapabilities ?? [], (here, cap) => here.check(rules.capability, cap));
  const publishAddress = given.publishAddress;
  if (publishAddress !== undefined && (typeof publishAddress !== "string" || net.isIP(publishAddress) === 0))
    return at.field("publishAddress").report(`must be an IPv4 or IPv6 address, got ${describeValue(publishAddress)}`);
  const flag = (key: Exclude<(typeof SECURITY_OPT_OUTS)[number], "addCapabilities" | "publishAddress">) =>
    at.field(key).optional(rules.boolean, given[key], false);
  const optOuts = allDefined({
    allowRunAsRoot: flag("allowRunAsRoot"),
    allowWritableRootFilesystem: flag("allowWritableRootFilesystem"),
    allowPrivilegeEscalation: flag("allowPrivilegeEscalation"),
    addCapabilities,
    allowLatestTag: flag("allowLatestTag"),
    allowMutableImageTag: flag("allowMutableImageTag"),
  });
  return optOuts && { ...optOuts, publishAddress };
}

/**
 * The uid the container runs as ({@link NONROOT_UID} unless given); root (0) is refused unless
 * `allowRunAsRoot` (when the opt-outs could not be checked, only the value is).
 */
export function resolveRunAsUser(
  at: ArgPath,
  value: unknown,
  optOuts: SecurityOptOuts | undefined,
): number | undefined {
  const runAsUser = at.optional(ID, value, NONROOT_UID);
  if (runAsUser === 0 && optOuts !== undefined && !optOuts.allowRunAsRoot)
    at.report("is 0 (root); use a non-zero uid or set security.allowRunAsRoot: true to opt out");
  return runAsUser;
}

/** The gid the container runs as ({@link NONROOT_GID} unless given). */
export function resolveRunAsGroup(at: ArgPath, value: unknown): number | undefined {
  return at.optional(ID, value, NONROOT_GID);
}

// ── Kubernetes rendering ─────────────────────────────────────────────────────────────────────

type PodSpec = k8s.types.input.core.v1.PodSpec;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** The pod-level security fields of a pod spec. */
export type KubernetesPodSecurity = Required<
  Pick<
    PodSpec,
    "automountServiceAccountToken" | "enableServiceLinks" | "hostNetwork" | "hostPID" | "hostIPC" | "securityContext"
  >
>;

/**
 * The pod-level part of a pod spec: no service-account token, no service links, no host
 * namespaces, and the pod securityContext ({@link podSecurityContext}).
 */
export function kubernetesPodSecurity(spec: ResolvedService): KubernetesPodSecurity {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    securityContext: podSecurityContext(spec),
  };
}

/**
 * Pod-level security context: non-root numeric user and group, RuntimeDefault seccomp, and
 * `fsGroup` so mounted volumes are group-writable by the service's gid (Kubernetes' answer to
 * volume ownership; on Docker the image pre-creates its data directory instead).
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function podSecurityContext(spec: ResolvedService): PodSecurityContext {
  return {
    runAsNonRoot: spec.security.runAsNonRoot,
    runAsUser: spec.runAsUser,
    runAsGroup: spec.runAsGroup,
    fsGroup: spec.runAsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: spec.security.seccompProfile },
  };
}

/**
 * Container-level security context: everything "restricted" asks of a container (no privilege
 * escalation, ALL capabilities dropped, seccomp, non-root) plus a read-only root filesystem.
 */
export function containerSecurityContext(spec: ResolvedService): SecurityContext {
  const { security } = spec;
  return {
    runAsNonRoot: security.runAsNonRoot,
    runAsUser: spec.runAsUser,
    runAsGroup: spec.runAsGroup,
    privileged: false,
    allowPrivilegeEscalation: !security.noNewPrivileges,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    capabilities: {
      drop: [...security.dropCapabilities],
      ...(security.addCapabilities.length > 0 ? { add: [...security.addCapabilities] } : {}),
    },
    seccompProfile: { type: security.seccompProfile },
  };
}

// ── Docker rendering ─────────────────────────────────────────────────────────────────────────

/** The security fields of a service container's `docker.Container` inputs (@pulumi/docker 5.2 names). */
export interface DockerSecuritySettings {
  /** Numeric `uid:gid`. */
  readonly user: string;
  readonly readOnly: boolean;
  /**
   * Scratch tmpfs: path → mount options; with a read-only root filesystem also empty read-only
   * tmpfs on /run and /var/tmp, which Podman would otherwise mount writable ({@link READ_ONLY_GUARD_PATHS}).
   */
  readonly tmpfs: Record<string, string>;
  readonly capabilities: { readonly drops: string[]; readonly adds: string[] };
  readonly securityOpts: string[];
  readonly privileged: boolean;
}

/**
 * The Docker security settings of a service container: numeric user, read-only root filesystem
 * with a tmpfs on /tmp (and read-only guards), capabilities dropped (and the opted-in ones added),
 * no-new-privileges, never privileged.
 * @param withFiles whether the files volume is mounted (at `spec.filesDir`): no guard hides it.
 */
export function dockerContainerSecurity(spec: ResolvedService, withFiles: boolean): DockerSecuritySettings {
  const { security } = spec;
  return {
    user: `${spec.runAsUser}:${spec.runAsGroup}`,
    readOnly: security.readOnlyRootFilesystem,
    tmpfs: {
      [SCRATCH_PATH]: [...SCRATCH_TMPFS_OPTIONS, `size=${spec.scratchBytes}`].join(","),
      ...readOnlyGuards(spec, withFiles),
    },
    capabilities: { drops: [...security.dropCapabilities], adds: [...security.addCapabilities] },
    securityOpts: security.noNewPrivileges ? [NO_NEW_PRIVILEGES] : [],
    privileged: false,
  };
}

/** The read-only guards of a read-only container, except where a volume or the files are mounted. */
function readOnlyGuards(spec: ResolvedService, withFiles: boolean): Record<string, string> {
  if (!spec.security.readOnlyRootFilesystem) return {};
  const mounted = new Set([...spec.volumes.map((v) => v.mountPath), ...(withFiles ? [spec.filesDir] : [])]);
  return Object.fromEntries(
    READ_ONLY_GUARD_PATHS.filter((p) => !mounted.has(p)).map((p) => [p, READ_ONLY_GUARD_OPTIONS.join(",")]),
  );
}

/** The security fields of the files carrier's `docker.Container` inputs (see files.ts). */
export interface DockerCarrierSecuritySettings {
  /** Writable only because the provider uploads through "/"; never started, so nothing writes it. */
  readonly readOnly: false;
  readonly user: string;
  readonly networkMode: "none";
  readonly capabilities: { readonly drops: string[]; readonly adds: string[] };
  readonly securityOpts: string[];
}

/**
 * The files carrier's security settings: the service's numeric user, no network, every capability
 * dropped (none added, whatever the service opts into), no-new-privileges; its root filesystem is
 * writable, which is safe only because it is never started.
 */
export function dockerFilesCarrierSecurity(spec: ResolvedService): DockerCarrierSecuritySettings {
  return {
    readOnly: false,
    user: `${spec.runAsUser}:${spec.runAsGroup}`,
    networkMode: "none",
    capabilities: { drops: [...DROPPED_CAPABILITIES], adds: [] },
    securityOpts: [NO_NEW_PRIVILEGES],
  };
}
