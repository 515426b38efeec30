import type * as pulumi from "@pulumi/pulumi";
import { Backup, type BackupArgs, type BackupRepositoryArgs, ServiceImage, type RegistryEndpoint } from "../components";
import { rules } from "../components/internal";
import type { DeclaredContainers } from "./containers";
import { mirrored } from "./images";
import type { Platform, PlatformBackup } from "./platform";
import type { TargetProviders } from "./providers";

/**
 * Scheduled backups of the volumes the topology says hold state, with the backup tool built
 * from `apps/backup` like any service image (pushed to the stack's registry, run by digest), or
 * the image `backup.image` pins (CI promoting the tool it built and tested once). Returns the
 * backups and the tool image they run (undefined when the topology backs nothing up).
 * Each volume gets a repository of its own below the configured URL (`<url>/<volume>`): its own
 * locks, retention and prune, whatever the other volumes' jobs are doing.
 */
export function declareBackups(
  platform: Platform,
  target: TargetProviders,
  containers: DeclaredContainers,
  image: {
    registry: RegistryEndpoint;
    /** The source revision of a build context (infra/source-revision.ts). */
    revisionOf: (context: string) => string;
    opts: pulumi.ComponentResourceOptions;
  },
  imagePullSecrets: pulumi.Input<string>[],
  serviceImages: Record<string, pulumi.Input<string>>,
): { backups: Record<string, Backup>; toolImage?: pulumi.Input<string> } {
  if (platform.backups.length === 0) return { backups: {} };
  const toolImage = platform.backup.image ?? buildTool(platform, image);
  const namespace = target.namespace?.metadata.name;
  const backups = Object.fromEntries(
    platform.backups.map((backup) => {
      const volume = platform.volumes.find((v) => v.name === backup.volume);
      return [
        backup.volume,
        new Backup(
          `${backup.volume}-backup`,
          {
            target: platform.target,
            volume: containers.volumes[backup.volume],
            schedule: platform.backup.schedule,
            keep: platform.backup.keep,
            check: platform.backup.check,
            drill: platform.backup.drill,
            repository: repositoryOf(platform.backup.repository, backup.volume),
            image: toolImage,
            sourceSizeGiB: volume?.sizeGiB,
            ...(backup.database === undefined
              ? // A ReadWriteOnce claim attaches to one node: the job runs beside the pods using it.
                { colocateWith: { ...containers.services[backup.colocateWith].selectorLabels } }
              : { database: databaseOf(platform, backup, containers, serviceImages, target) }),
            ...(namespace ? { namespace } : {}),
            imagePullSecrets,
            ...(volume?.storageClass ? { storageClass: volume.storageClass } : {}),
          },
          {
            providers: [target.provider],
            protect: platform.protect,
          },
        ),
      ];
    }),
  );
  return { backups, toolImage };
}

/** A database backup's source: the service serving it, its own image (pg_dump matches the server), the role's password. */
function databaseOf(
  platform: Platform,
  backup: PlatformBackup,
  containers: DeclaredContainers,
  serviceImages: Record<string, pulumi.Input<string>>,
  target: TargetProviders,
): NonNullable<BackupArgs["database"]> {
  const database = backup.database!;
  const service = platform.services.find((s) => s.name === backup.colocateWith)!;
  return {
    host: service.name,
    port: service.port,
    user: database.user,
    database: database.name,
    password: containers.generatedSecrets[service.name][database.passwordSecret],
    image: serviceImages[service.name],
    ...(service.runAs === undefined ? {} : { runAsUser: service.runAs.user }),
    ...(platform.target === "docker" ? { network: target.network?.name } : { service: service.name }),
  };
}

/** The backup tool built from `apps/<app>` like a service image: its digest reference. */
function buildTool(platform: Platform, image: Parameters<typeof declareBackups>[3]): pulumi.Input<string> {
  const tool = platform.backupTool;
  const buildArgs = Object.fromEntries(
    Object.entries(tool.baseImages).map(([arg, ref]) => [arg, mirrored(ref, platform.registry.mirror)]),
  );
  const revision = image.revisionOf(`apps/${tool.app}`);
  return new ServiceImage(
    tool.app,
    {
      context: `apps/${tool.app}`,
      repository: tool.app,
      revision,
      registry: image.registry,
      buildArgs: { ...buildArgs, REVISION: revision },
    },
    image.opts,
  ).ref;
}

/** The repository Args of one volume: below the configured URL, or the volume repository when there is none. */
function repositoryOf(repository: Platform["backup"]["repository"], volume: string): BackupRepositoryArgs {
  const { url, sshKnownHosts, ...secrets } = repository;
  if (url === undefined) return { ...secrets };
  return {
    url: rules.resticRepositoryFor(url, volume),
    ...secrets,
    ...(sshKnownHosts === undefined ? {} : { sshKnownHosts: [...sshKnownHosts] }),
  };
}
