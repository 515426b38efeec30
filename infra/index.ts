/**
 * The Pulumi program: stack config → platform → components → stack outputs.
 * Pulumi calls the exported function (see docs/decisions/0002-program-entry-and-state.md);
 * synth and the tests call it under mocks with an explicit config file.
 */
import { catalog, describePlatform } from "./platform";
import { loadConfig } from "./config";
import { runtimeConfigSource } from "./config-source";
import type { ProgramOptions, StackOutputs } from "./program-types";
import { declareMachines } from "./machines";
import { targetProviders } from "./providers";

async function dockyard(options: ProgramOptions = {}): Promise<StackOutputs> {
  // Validate everything before declaring anything: a bad config touches no resource.
  const config = loadConfig(catalog, runtimeConfigSource(options.configFile));
  const platform = describePlatform(config);
  targetProviders(platform);
  declareMachines(platform);
  return Promise.resolve({
    target: platform.target,
    configFile: platform.configFile,
    services: platform.services.map((service) => service.name),
    vms: platform.vms.map((vm) => vm.name),
  });
}

export = dockyard;
