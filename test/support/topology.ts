/**
 * What the topology declares, read from the program itself (infra/platform.ts) for a committed
 * stack, so tests list services, volumes and backups from it instead of restating names: a
 * service a team adds needs no edit outside its own tests.
 */
import { loadConfig } from "../../infra/config";
import { settingsConfigSource } from "../../infra/config-source";
import { catalog, describePlatform, type Platform } from "../../infra/platform";
import { readStackSettings } from "../../infra/stack-file";

/** The platform of a committed stack (stacks/Pulumi.<stack>.yaml). */
export function platformOf(stack: string): Platform {
  return describePlatform(loadConfig(catalog, settingsConfigSource(readStackSettings(`stacks/Pulumi.${stack}.yaml`))));
}

/** Names of the topology's services. */
export const SERVICE_NAMES: readonly string[] = Object.keys(catalog.services);

/** The workloads each backup declares: the backup job, its check and its drill. */
export function backupJobNames(platform: Platform): string[] {
  return platform.backups.flatMap(({ volume }) => [
    `${volume}-backup`,
    `${volume}-backup-check`,
    `${volume}-backup-drill`,
  ]);
}

/**
 * The containers each backup runs on Docker: its scheduler, and for a database the helper that
 * runs the database's own tools beside it.
 */
export function dockerBackupContainerNames(platform: Platform): string[] {
  return platform.backups.flatMap(({ volume, database }) => [
    `${volume}-backup-scheduler`,
    ...(database === undefined ? [] : [`${volume}-backup-database`]),
  ]);
}

/** The peers a service's NetworkPolicy admits: the services connecting to it, and the jobs dumping its database. */
export function admittedPeers(platform: Platform, service: string): string[] {
  return [
    ...platform.services.filter((caller) => caller.connectsTo.includes(service)).map((caller) => caller.name),
    ...platform.backups
      .filter((backup) => backup.database !== undefined && backup.colocateWith === service)
      .map((backup) => `${backup.volume}-backup`),
  ];
}

/** Every generated secret of the services, as `<service>-<file>` (the RandomPassword's name). */
export function generatedSecretNames(platform: Platform): string[] {
  return platform.services.flatMap((service) =>
    Object.keys(service.generatedSecrets).map((file) => `${service.name}-${file}`),
  );
}
