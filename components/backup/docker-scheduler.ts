import type * as pulumi from "@pulumi/pulumi";
import type { ContainerServiceArgs } from "../container-service";
import { type DockerContainerSettings, dockerContainerSettings, dockerRunArgs } from "../workload";
import { backupContainer } from "./cron-job";
import type { ResolvedBackup } from "./resolve";
import { backupServiceArgs, type BackupMode, type BackupVolumes } from "./service-args";

/**
 * Docker has no scheduler, so the Docker target runs one: a long-lived ContainerService (all its
 * hardening applies) executing the image's `scheduler`, a POSIX sh loop that wakes every UTC
 * minute and starts `backup`, `check` and `drill` on their schedules, one at a time, keeping each
 * one's last result for its health check. Busybox crond was the first choice, but as a non-root
 * user it cannot start jobs: it calls initgroups(), which needs CAP_SETGID ("crond: can't set
 * groups: Operation not permitted"), and granting that capability would leave the hardened
 * defaults. See docs/decisions/0006-backups.md.
 */

/** Suffix of the scheduler ContainerService's name (`<backup>-scheduler`). */
export const SCHEDULER_SUFFIX = "scheduler";

/** The scheduler's ContainerService Args: source read-only, repository and scratch writable, health check on its jobs. */
export function dockerSchedulerArgs(
  spec: ResolvedBackup,
  volumes: BackupVolumes,
  secrets: Record<string, pulumi.Input<string>>,
): ContainerServiceArgs {
  return backupServiceArgs(spec, volumes, "schedule", secrets);
}

/**
 * The Docker network a one-shot container of this Backup joins: none for the volume repository,
 * Docker's default bridge (outbound access) for an off-site one.
 */
export function oneShotNetwork(spec: ResolvedBackup): string {
  return spec.repository.kind === "volume" ? "none" : "bridge";
}

/**
 * Settings of a one-shot container of a mode on Docker: ContainerService's hardened settings,
 * joining no network of its own ({@link oneShotRunArgs} names the one it runs on). Secrets are
 * secret outputs in these settings; {@link passedByName} replaces them for a `docker run` by hand.
 */
export function dockerOneShotSettings(
  spec: ResolvedBackup,
  volumes: BackupVolumes,
  mode: Exclude<BackupMode, "schedule">,
  secrets: Record<string, pulumi.Input<string>>,
): DockerContainerSettings {
  return {
    ...dockerContainerSettings(backupContainer(spec, volumes, mode, secrets), "none"),
    networksAdvanced: [],
  };
}

/**
 * `docker run` arguments (after `run`) of a one-shot container: removed when done, on `network`
 * (default none), with every hardening flag the translator renders. Values must be plain strings.
 */
export function oneShotRunArgs(
  settings: DockerContainerSettings,
  name: string,
  options: { network?: string; extraArgs?: readonly string[] } = {},
): string[] {
  return [
    "--rm",
    "--network",
    options.network ?? "none",
    ...dockerRunArgs(settings, { name }),
    ...(options.extraArgs ?? []),
  ];
}

/**
 * The settings with each secret variable passed by name only (`--env NAME`): `docker run` takes its
 * value from the caller's environment, so the command shown to an operator never holds it.
 */
export function passedByName(
  settings: DockerContainerSettings,
  secretNames: readonly string[],
): DockerContainerSettings {
  return {
    ...settings,
    envs: [
      ...settings.envs.filter(
        (entry) => typeof entry === "string" && !secretNames.some((n) => entry.startsWith(`${n}=`)),
      ),
      ...secretNames,
    ],
  };
}

/**
 * The restore command for humans: `docker run --rm … restore "${SNAPSHOT:-latest}"`, arguments
 * shell-quoted, the secret variables passed by name from the operator's shell.
 */
export function dockerRestoreCommand(settings: DockerContainerSettings, name: string, network: string): string {
  return [
    "docker",
    "run",
    ...oneShotRunArgs(settings, name, { network }).map(shellQuote),
    '"${SNAPSHOT:-latest}"',
  ].join(" ");
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
