import type { ContainerServiceArgs } from "../container-service";
import { type DockerContainerSettings, dockerContainerSettings } from "../container-service/docker-settings";
import { dockerRunArgs } from "../container-service/docker-run";
import type { VolumeRef } from "../types";
import { backupContainer } from "./cron-job";
import type { ResolvedBackup } from "./resolve";
import { backupServiceArgs } from "./service-args";

/**
 * Docker has no scheduler, so the Docker target runs one: a long-lived ContainerService (all its
 * hardening applies) executing the image's `scheduler`, a POSIX sh loop that wakes every UTC
 * minute, matches the cron expression and starts `backup`, skipping a run while one is still
 * going. Busybox crond was the first choice, but as a non-root user it cannot start jobs: it
 * calls initgroups(), which needs CAP_SETGID ("crond: can't set groups: Operation not
 * permitted"), and granting that capability would leave the hardened defaults. See
 * docs/decisions/0006-backups.md.
 */

/** Suffix of the scheduler ContainerService's name (`<backup>-scheduler`). */
export const SCHEDULER_SUFFIX = "scheduler";

/** The scheduler's ContainerService Args: source read-only, archive writable, health check on its heartbeat. */
export function dockerSchedulerArgs(spec: ResolvedBackup, archive: VolumeRef): ContainerServiceArgs {
  return backupServiceArgs(spec, archive, "schedule");
}

/**
 * Settings of a one-shot `backup` or `restore` container on Docker: ContainerService's hardened
 * settings with no network at all (render them with {@link oneShotRunArgs}).
 */
export function dockerOneShotSettings(
  spec: ResolvedBackup,
  archive: VolumeRef,
  mode: "backup" | "restore",
): DockerContainerSettings {
  return { ...dockerContainerSettings(backupContainer(spec, archive, mode), "none"), networksAdvanced: [] };
}

/**
 * `docker run` arguments (after `run`) of a one-shot container: removed when done, on no network,
 * with every hardening flag the translator renders. Values must be plain strings.
 */
export function oneShotRunArgs(
  settings: DockerContainerSettings,
  name: string,
  extraArgs: readonly string[] = [],
): string[] {
  return ["--rm", "--network", "none", ...dockerRunArgs(settings, { name }), ...extraArgs];
}

/** The restore command for humans: `docker run --rm … restore "$ARCHIVE"`, arguments shell-quoted. */
export function dockerRestoreCommand(settings: DockerContainerSettings, name: string): string {
  return ["docker", "run", ...oneShotRunArgs(settings, name).map(shellQuote), '"$ARCHIVE"'].join(" ");
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
