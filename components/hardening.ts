/**
 * Hardened defaults for every container dockyard runs, decided once.
 *
 * The Docker and Kubernetes translators in `components/container-service/` (and the backup
 * jobs, which run through them) read these values
 * instead of repeating literals, so a change here changes both targets. Each relaxation
 * is a named opt-out in {@link SecurityOptOuts}; see docs/decisions/0004-container-hardening.md.
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
