/**
 * The pids limit under mocks: every container dockyard runs on Docker gets a `docker update
 * --pids-limit` Command beside it (container-service.ts, docker-pids.ts), against its provider's
 * host, re-run when the container is replaced; nothing is warned about any more.
 */
import { dockerBackupContainerNames, platformOf } from "../support/topology";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Backup } from "../../components/backup";
import { ContainerService } from "../../components/container-service";
import { SERVICE_DEFAULTS } from "../../components/defaults";
import { Registry } from "../../components/registry";
import { BACKUP_IMAGE, minimalArgs } from "../backup/support";
import { committedConfig } from "../support/stack-files";
import { type RecordedResource, evaluate, find, ofType, record, resolve } from "../support/pulumi-harness";
import { IMAGE } from "./support/fixtures";
import { T } from "../support/types";

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  // Under mocks there is no engine: pulumi.log.warn prints through console.warn.
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(" ")));
  vi.spyOn(pulumi.log, "warn").mockImplementation((message: string) => (warnings.push(message), Promise.resolve()));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The containers that run (the files carrier is created, never started). */
function running(resources: readonly RecordedResource[]): RecordedResource[] {
  return ofType(resources, T.container).filter((c) => c.inputs.start !== false);
}

/** The pids-limit Commands depending on a container. */
function commandsOf(resources: readonly RecordedResource[], container: RecordedResource): RecordedResource[] {
  return ofType(resources, T.command).filter((c) => c.dependencies.includes(container.urn));
}

/** Asserts one Command per running container, none for a carrier, each applying `limit`; returns them by container name. */
function expectOnePerContainer(
  resources: readonly RecordedResource[],
  limit: number,
  host: string | undefined,
): Map<string, RecordedResource> {
  const byContainer = new Map<string, RecordedResource>();
  for (const container of ofType(resources, T.container)) {
    const commands = commandsOf(resources, container);
    if (container.inputs.start === false) {
      expect(commands, container.name).toEqual([]);
      continue;
    }
    expect(commands, container.name).toHaveLength(1);
    const [command] = commands;
    expect(command.name).toBe(`${container.name}-pids-limit`);
    expect(command.parent).toBe(container.parent); // a child of the component, beside the container
    expect(command.inputs).toEqual({
      interpreter: ["docker", "update", "--pids-limit", String(limit), "--"],
      create: `${container.name}-id`, // the container's ID (the mocks' id)
      environment: host === undefined ? {} : { DOCKER_HOST: host },
      triggers: [`${container.name}-id`],
      logging: "stderr",
    });
    byContainer.set(container.name, command);
  }
  expect(ofType(resources, T.command)).toHaveLength(byContainer.size);
  expect(byContainer.size).toBeGreaterThan(0);
  return byContainer;
}

describe("ContainerService on Docker: the pids limit is applied", () => {
  it("defaults: docker update --pids-limit 256 on the container's ID, no warning", async () => {
    let service: ContainerService | undefined;
    const resources = await record(() => (service = new ContainerService("web", { target: "docker", image: IMAGE })));
    const commands = expectOnePerContainer(resources, SERVICE_DEFAULTS.pids, undefined);
    expect(commands.get("web")!.parent).toBe(find(resources, T.containerService, "web").urn);
    expect(await resolve(service!.workloadNames)).toEqual([expect.stringMatching(/^web-[0-9a-f]{7}$/)]);
    expect(warnings).toEqual([]);
  });

  it("custom: the service's limit, each replica its own Command, DOCKER_HOST = the provider's host", async () => {
    const host = "ssh://ops@docker-host.example.internal";
    const resources = await record(() => {
      const provider = new docker.Provider("remote", { host });
      new ContainerService(
        "api",
        { target: "docker", image: IMAGE, replicas: 3, resources: { pids: 64 } },
        { providers: [provider] },
      );
    });
    const commands = expectOnePerContainer(resources, 64, host);
    expect([...commands.keys()]).toEqual(["api", "api-1", "api-2"]);
    const provider = find(resources, T.dockerProvider, "remote");
    for (const command of commands.values()) {
      expect(command.dependencies).toContain(provider.urn); // the host comes from it
      expect(command.provider).toBeUndefined(); // runs locally: no docker provider of its own
    }
    expect(warnings).toEqual([]);
  });

  it("the provider is found through a parent component, as Registry and Backup pass it", async () => {
    const resources = await record(() => {
      const provider = new docker.Provider("remote", { host: "npipe:////./pipe/docker_engine" });
      new Backup("web-backup", minimalArgs("docker"), { providers: [provider] });
    });
    expectOnePerContainer(resources, SERVICE_DEFAULTS.pids, "npipe:////./pipe/docker_engine");
    expect(warnings).toEqual([]);
  });

  it("config files: the never-started carrier gets none, the service's containers do", async () => {
    const resources = await record(
      () =>
        new ContainerService("app", { target: "docker", image: IMAGE, replicas: 2, files: { "app.yml": "a: 1\n" } }),
    );
    expect([...expectOnePerContainer(resources, SERVICE_DEFAULTS.pids, undefined).keys()]).toEqual(["app", "app-1"]);
    expect(find(resources, T.container, "app-files-carrier").inputs).toMatchObject({ start: false });
    expect(warnings).toEqual([]);
  });

  it("the self-hosted registry's container and the backup scheduler get one too", async () => {
    const resources = await record(() => {
      new Registry("registry", { target: "docker" });
      new Backup("web-backup", {
        target: "docker",
        volume: { logicalName: "web-data", volumeName: "web-data", accessMode: "ReadWriteOnce" },
        schedule: "0 3 * * *",
        image: BACKUP_IMAGE,
      });
    });
    const commands = expectOnePerContainer(resources, SERVICE_DEFAULTS.pids, undefined);
    expect([...commands.keys()].sort()).toEqual(["registry", "web-backup-scheduler"]);
    expect(warnings).toEqual([]);
  });

  it("Kubernetes: no Command (the kubelet's podPidsLimit governs), no warning", async () => {
    const resources = await record(() => new ContainerService("web", { target: "kubernetes", image: IMAGE }));
    expect(ofType(resources, T.command)).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe("the dev stack", () => {
  it("every running container gets its pids limit on the stack's Docker host, and nothing is warned", async () => {
    const { resources } = await evaluate("dev");
    const host = (committedConfig("dev")["dockyard:endpoints"] as { dockerHost: string }).dockerHost;
    const commands = expectOnePerContainer(resources, SERVICE_DEFAULTS.pids, host);
    const platform = platformOf("dev");
    const containers = [
      "registry",
      ...platform.services.map((service) => service.name),
      ...dockerBackupContainerNames(platform),
    ];
    expect([...commands.keys()].sort()).toEqual(containers.sort());
    expect(running(resources)).toHaveLength(containers.length);
    expect(warnings).toEqual([]);
  });
});
