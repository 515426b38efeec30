/**
 * The Pulumi program: stack config → platform → components → stack outputs.
 * Pulumi calls the exported function (see docs/decisions/0002-program-entry-and-state.md);
 * synth and the tests call it under mocks with an explicit config file.
 */
import * as pulumi from "@pulumi/pulumi";
import { catalog, describePlatform } from "./platform";
import { loadConfig } from "./config";
import { runtimeConfigSource } from "./config-source";
import type { ProgramOptions, StackOutputs } from "./program-types";
import { declareBackups } from "./backups";
import { declareContainers } from "./containers";
import { declareExposure } from "./exposure";
import { serviceImages } from "./images";
import { markSecrets, protectSecretValues, secretFragments } from "./secrets";
import { declareMachines } from "./machines";
import { declareMonitoring } from "./monitoring";
import { declareRegistry } from "./registry";
import { sourceRevision } from "./source-revision";
import { targetProviders } from "./providers";

async function dockyard(options: ProgramOptions = {}): Promise<StackOutputs> {
  // Validate everything before declaring anything: a bad config touches no resource.
  const config = options.config ?? loadConfig(catalog, runtimeConfigSource(options.configFile));
  protectSecretValues(config.secretValues);
  const described = describePlatform(config);
  const platform = options.reshape === undefined ? described : options.reshape(described);
  const target = targetProviders(platform);
  const exposure = declareExposure(platform, target);
  const { registry, authenticatedDocker, builder, imagePullSecrets } = declareRegistry(
    platform,
    target,
    exposure.gateway,
  );
  const imageOpts = { providers: [authenticatedDocker, builder] };
  const images = serviceImages(platform, registry, sourceRevision, imageOpts);
  // On Docker, services pull from the stack's registry with its credentials.
  const serviceTarget = platform.target === "docker" ? { ...target, provider: authenticatedDocker } : target;
  const containers = declareContainers(platform, serviceTarget, images, imagePullSecrets, exposure.gateway);
  const { backups, toolImage } = declareBackups(
    platform,
    serviceTarget,
    containers,
    { registry, revisionOf: sourceRevision, opts: imageOpts },
    imagePullSecrets,
    images,
  );
  declareMonitoring(platform, target);
  const machines = declareMachines(platform);
  const outputs: StackOutputs = {
    target: platform.target,
    configFile: platform.configFile,
    registry: registry.address,
    // What CI builds and promotes: an upstream image is pinned in versions.json, the same in every stack.
    images: Object.fromEntries(
      platform.services
        .filter((service) => !("upstream" in service.image))
        .map((service) => [service.name, pulumi.output(images[service.name])]),
    ),
    ...(toolImage === undefined ? {} : { backupImage: pulumi.output(toolImage) }),
    services: Object.fromEntries(
      Object.entries(containers.services).map(([name, service]) => [name, service.hostname]),
    ),
    urls: Object.fromEntries(
      platform.services
        .filter((service) => (platform.target === "docker" ? service.hostPort : service.host) !== undefined)
        .map((service) => [service.name, containers.services[service.name].url]),
    ),
    volumes: Object.fromEntries(Object.entries(containers.volumes).map(([name, volume]) => [name, volume.volumeName])),
    backups: Object.fromEntries(
      Object.entries(backups).map(([name, backup]) => [
        name,
        { repository: backup.repository, restore: backup.restoreCommand },
      ]),
    ),
    vms: Object.fromEntries(
      Object.entries(machines).map(([name, vm]) => [
        name,
        { domain: vm.domainName, mac: vm.macAddress, ip: vm.ipAddress },
      ]),
    ),
  };
  return Promise.resolve(markSecrets(outputs, secretFragments(config.secretValues)) as StackOutputs);
}

export = dockyard;
