import { SERVICE_DEFAULTS } from "../../components/defaults";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { dockerContainerSettings } from "../../components/workload/docker-settings";
import { IMAGE, serviceSpec, volumeRef } from "./support/fixtures";

const docker = (changes: Parameters<typeof serviceSpec>[0] = {}) =>
  dockerContainerSettings(serviceSpec({ target: "docker", ...changes }), "dockyard-net");

describe("dockerContainerSettings", () => {
  it("defaults: hardened container on the network, no ports published, no wait without a health check", () => {
    const s = docker();
    expect(s).toMatchObject({
      image: IMAGE,
      entrypoints: undefined,
      command: undefined,
      envs: [],
      user: "65532:65532",
      readOnly: true,
      tmpfs: {
        "/tmp": `rw,noexec,nosuid,nodev,size=${64 * 2 ** 20}`,
        "/run": "ro,noexec,nosuid,nodev",
        "/var/tmp": "ro,noexec,nosuid,nodev",
      },
      capabilities: { drops: ["ALL"], adds: [] },
      securityOpts: ["no-new-privileges:true"],
      privileged: false,
      memory: 256,
      memorySwap: 256,
      cpus: "0.5",
      pidsLimit: SERVICE_DEFAULTS.pids,
      ports: [],
      volumes: [],
      networksAdvanced: [{ name: "dockyard-net", aliases: ["web"] }],
      healthcheck: undefined,
      wait: false,
      waitTimeout: undefined,
      restart: "unless-stopped",
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      stopTimeout: 30,
      destroyGraceSeconds: 30,
    });
    expect(s.labels).toContainEqual({ label: "app.kubernetes.io/managed-by", value: "pulumi" });
  });

  it("custom: every option reaches the settings", () => {
    const s = docker({
      command: ["/nodejs/bin/node", "--enable-source-maps"],
      args: ["/app/main.ts"],
      ports: [
        { containerPort: 8080, hostPort: 18080 },
        { containerPort: 53, protocol: "udp", hostPort: 5353 },
        { containerPort: 9000 },
      ],
      environment: { LOG_LEVEL: "debug" },
      volumes: [
        { volume: volumeRef("web-data"), mountPath: "/data" },
        { volume: volumeRef("seed", "ReadOnlyMany"), mountPath: "/seed", readOnly: true },
      ],
      healthCheck: { command: ["/check"], intervalSeconds: 2, timeoutSeconds: 1, retries: 5, startPeriodSeconds: 4 },
      resources: { cpu: "1500m", memory: "1Gi", pids: 64 },
      restartPolicy: "on-failure",
      labels: { team: "platform" },
      runAsUser: 1000,
      runAsGroup: 2000,
      scratchSize: "8Mi",
      stopGracePeriodSeconds: 7,
      security: {
        allowWritableRootFilesystem: true,
        allowPrivilegeEscalation: true,
        addCapabilities: ["NET_BIND_SERVICE"],
        publishAddress: "::1",
      },
    });
    expect(s).toMatchObject({
      entrypoints: ["/nodejs/bin/node", "--enable-source-maps"],
      command: ["/app/main.ts"],
      envs: ["LOG_LEVEL=debug"],
      user: "1000:2000",
      readOnly: false,
      tmpfs: { "/tmp": `rw,noexec,nosuid,nodev,size=${8 * 2 ** 20}` },
      capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] },
      securityOpts: [],
      memory: 1024,
      memorySwap: 1024,
      cpus: "1.5",
      pidsLimit: 64,
      ports: [
        { internal: 8080, external: 18080, ip: "::1", protocol: "tcp" },
        { internal: 53, external: 5353, ip: "::1", protocol: "udp" },
      ],
      volumes: [
        { volumeName: "web-data", containerPath: "/data", readOnly: false },
        { volumeName: "seed", containerPath: "/seed", readOnly: true },
      ],
      healthcheck: { tests: ["CMD", "/check"], interval: "2s", timeout: "1s", retries: 5, startPeriod: "4s" },
      wait: true,
      waitTimeout: 4 + 6 * 3 + 10,
      restart: "on-failure",
      stopTimeout: 7,
      destroyGraceSeconds: 7,
    });
    expect(Object.keys(s.tmpfs)).toEqual(["/tmp"]); // writable root filesystem: no read-only guards
    expect(s.labels).toContainEqual({ label: "team", value: "platform" });
  });

  it("passes secrets only as secret outputs, never as plaintext entries", async () => {
    const s = docker({ environment: { MODE: "dev" }, secrets: { API_TOKEN: "s3cret" } });
    expect(s.envs).toHaveLength(2);
    expect(s.envs[0]).toBe("MODE=dev");
    const secretEntry = s.envs[1];
    expect(pulumi.Output.isInstance(secretEntry)).toBe(true);
    expect(await pulumi.isSecret(secretEntry as pulumi.Output<string>)).toBe(true);
    expect(await new Promise((resolve) => (secretEntry as pulumi.Output<string>).apply(resolve))).toBe(
      "API_TOKEN=s3cret",
    );
    expect(s.envs.filter((e) => typeof e === "string" && e.includes("s3cret"))).toEqual([]);
  });

  it("formats output-valued plain variables without making them secret", async () => {
    const s = docker({ environment: { URL: pulumi.output("http://api:8080") } });
    const entry = s.envs[0] as pulumi.Output<string>;
    expect(await pulumi.isSecret(entry)).toBe(false);
    expect(await new Promise((resolve) => entry.apply(resolve))).toBe("URL=http://api:8080");
  });

  it("guards /run and /var/tmp with empty read-only tmpfs (Podman would mount them writable), except where a volume is mounted", () => {
    const guarded = docker();
    expect(Object.keys(guarded.tmpfs)).toEqual(["/tmp", "/run", "/var/tmp"]);
    const mounted = dockerContainerSettings(
      serviceSpec({ target: "docker", volumes: [{ volume: volumeRef("state"), mountPath: "/var/tmp" }] }),
      "dockyard-net",
    );
    expect(mounted.tmpfs).toEqual({ "/tmp": guarded.tmpfs["/tmp"], "/run": "ro,noexec,nosuid,nodev" });
  });
});
