import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import {
  type DockerCarrierSecuritySettings,
  dockerFilesCarrierSecurity,
  FILES_DIR,
  FILES_MODE_DOCKER,
} from "./security";
import { serviceLabels } from "./labels";
import { mountPath } from "./mount-path";
import type { FileSpec, ResolvedService, VolumeMountSpec } from "./spec";
import { allDefined, type ArgPath } from "../args";
import * as rules from "../rules";

/**
 * Config files (`files`): contents the process reads, read-only, from one directory.
 * Kubernetes: a Secret mounted read-only (see pod-spec.ts). Docker: a named volume that a
 * "carrier" container receives the files into, mounted read-only by the service's containers.
 * The carrier exists because @pulumi/docker uploads every file through the destination "/",
 * which Docker refuses for a container with a read-only root filesystem even when the file
 * lands in a writable volume ("container rootfs is marked read-only"), and refuses for a
 * read-only mount. The carrier has a writable root filesystem and is never started: nothing
 * runs in it, it only holds the uploads (root-owned, mode 0444) on the volume.
 */

/** Name of the pod volume (Kubernetes) holding the files; a PersistentVolume may not use it. */
export const FILES_VOLUME = "dockyard-files";

/** Label on the Docker files volume listing the file names (never contents). */
export const FILES_LABEL = "dockyard.files";
/**
 * Label on a service container naming the carrier that filled its files volume: new content
 * replaces the carrier, whose new ID replaces the containers, so they start on the new files.
 */
export const FILES_REVISION_LABEL = "dockyard.files.revision";

// A Secret key and a plain file name: no path separator, no leading dot (Kubernetes reserves "..").
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,252}$/;

/** Validates `files` and `filesDir`; files come out sorted by name. Undefined after reporting a problem. */
export function resolveFiles(
  root: ArgPath,
  files: unknown,
  filesDir: unknown,
  volumes: readonly VolumeMountSpec[],
): { files: FileSpec[]; filesDir: string } | undefined {
  const at = root.field("files");
  const given = at.optional(rules.map, files, {});
  const resolved = Object.entries(given ?? {}).map(([name, content]) => {
    if (!FILE_NAME.test(name))
      return at.key(name).report(`is not a file name (letters, digits, ".", "_", "-", not starting with "."; no "/")`);
    if (content === undefined || content === null || (typeof content !== "string" && typeof content !== "object"))
      return at
        .key(name)
        .report(`must be the file's content as a string (or an output of one), got ${describeValue(content)}`);
    return { name, content: content as pulumi.Input<string> };
  });
  const dirAt = root.field("filesDir");
  const dir = dirAt.check(mountPath, filesDir ?? FILES_DIR);
  if (dir === undefined) return undefined;
  const clash = volumes.findIndex((v) => v.mountPath === dir);
  if (clash >= 0) return dirAt.report(`"${dir}" is already the mount path of volumes[${clash}]`);
  const valid = given && allDefined(resolved);
  return valid && { files: valid.sort((a, b) => (a.name < b.name ? -1 : 1)), filesDir: dir };
}

/** One entry of @pulumi/docker's `Container.uploads`. */
export interface DockerUpload {
  /** Absolute path in the container. */
  readonly file: string;
  /** Secret content. */
  readonly content: pulumi.Input<string>;
  /** Octal mode string. */
  readonly permissions: string;
}

/** The provider uploads: each file into the files directory, content secret, mode 0444 (owner root). */
export function dockerFileUploads(spec: ResolvedService): DockerUpload[] {
  return spec.files.map((f) => ({
    file: path.posix.join(spec.filesDir, f.name),
    content: pulumi.secret(f.content),
    permissions: FILES_MODE_DOCKER,
  }));
}

/**
 * The files carrier's `docker.Container` inputs (@pulumi/docker 5.2 field names); the security
 * fields are security.ts's ({@link DockerCarrierSecuritySettings}).
 */
export interface DockerFilesCarrierSettings extends DockerCarrierSecuritySettings {
  readonly image: pulumi.Input<string>;
  /** Created, never started: nothing runs in it. */
  readonly start: false;
  /** A stopped carrier is its normal state (the provider would otherwise recreate it). */
  readonly mustRun: false;
  readonly restart: "no";
  readonly volumes: {
    readonly volumeName: pulumi.Input<string>;
    readonly containerPath: string;
    readonly readOnly: boolean;
  }[];
  readonly uploads: DockerUpload[];
  readonly labels: { readonly label: string; readonly value: string }[];
}

/** Role label of the files carrier, so tools and tests can tell it from the service's containers. */
export const CARRIER_ROLE = { label: "dockyard.role", value: "files-carrier" } as const;

/** The carrier container that receives the uploads into the files volume (see the file comment). */
export function dockerFilesCarrierSettings(
  spec: ResolvedService,
  filesVolume: pulumi.Input<string>,
): DockerFilesCarrierSettings {
  return {
    image: spec.image,
    start: false,
    mustRun: false,
    ...dockerFilesCarrierSecurity(spec),
    restart: "no",
    volumes: [{ volumeName: filesVolume, containerPath: spec.filesDir, readOnly: false }],
    uploads: dockerFileUploads(spec),
    labels: [...Object.entries(serviceLabels(spec)).map(([label, value]) => ({ label, value })), { ...CARRIER_ROLE }],
  };
}

/** Docker volume inputs for the files volume (the @pulumi/docker `VolumeArgs` shape, plain). */
export interface DockerFilesVolumeSettings {
  readonly driver: string;
  readonly labels: { readonly label: string; readonly value: string }[];
}

/**
 * The named volume the files are uploaded into. Pulumi names it (so a replacement never
 * collides with the old one); the label lists the file names, so removing a file replaces
 * the volume instead of leaving the old file behind (a changed content replaces the carrier,
 * whose uploads overwrite it).
 */
export function dockerFilesVolumeSettings(spec: ResolvedService): DockerFilesVolumeSettings {
  const labels = { ...serviceLabels(spec), [FILES_LABEL]: spec.files.map((f) => f.name).join(",") };
  return { driver: "local", labels: Object.entries(labels).map(([label, value]) => ({ label, value })) };
}
