import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { dockerRunArgs } from "../../components/workload/docker-run";
import { dockerContainerSettings } from "../../components/workload/docker-settings";
import { IMAGE, serviceSpec, volumeRef } from "./support/fixtures";

const HEALTH = ["/nodejs/bin/node", "/app/healthcheck.ts"];

function settings(changes: Parameters<typeof serviceSpec>[0] = {}) {
  return dockerContainerSettings(serviceSpec({ target: "docker", ...changes }), "dockyard-net");
}

/** The values following each occurrence of a flag. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

describe("dockerRunArgs", () => {
  it("renders every hardening setting as its docker run flag", () => {
    const s = settings({
      ports: [{ containerPort: 8080, hostPort: 18080 }],
      volumes: [{ volume: volumeRef("web-data"), mountPath: "/data" }],
    });
    const args = dockerRunArgs(s, { name: "web-1" });
    expect(args.slice(0, 2)).toEqual(["--name", "web-1"]);
    expect(values(args, "--user")).toEqual([s.user]);
    expect(args).toContain("--read-only");
    expect(values(args, "--tmpfs")).toEqual(Object.entries(s.tmpfs).map(([path, options]) => `${path}:${options}`));
    expect(values(args, "--tmpfs")).toEqual([
      `/tmp:${s.tmpfs["/tmp"]}`,
      "/run:ro,noexec,nosuid,nodev",
      "/var/tmp:ro,noexec,nosuid,nodev",
    ]);
    expect(values(args, "--cap-drop")).toEqual(["ALL"]);
    expect(values(args, "--cap-add")).toEqual([]);
    expect(values(args, "--security-opt")).toEqual(["no-new-privileges:true"]);
    expect(args).not.toContain("--privileged");
    expect(values(args, "--memory")).toEqual(["256m"]);
    expect(values(args, "--memory-swap")).toEqual(["256m"]);
    expect(values(args, "--cpus")).toEqual(["0.5"]);
    expect(values(args, "--pids-limit")).toEqual([String(s.pidsLimit)]);
    expect(values(args, "--publish")).toEqual(["127.0.0.1:18080:8080/tcp"]);
    expect(values(args, "--mount")).toEqual(["type=volume,source=web-data,target=/data"]);
    expect(values(args, "--network")).toEqual(["dockyard-net"]);
    expect(values(args, "--network-alias")).toEqual(["web"]);
    expect(values(args, "--restart")).toEqual(["unless-stopped"]);
    expect(values(args, "--log-driver")).toEqual(["json-file"]);
    expect(values(args, "--log-opt")).toEqual(["max-size=10m", "max-file=3"]);
    expect(values(args, "--stop-timeout")).toEqual(["30"]);
    expect(values(args, "--label")).toContain("app.kubernetes.io/name=web");
    expect(args.at(-1)).toBe(IMAGE);
  });

  it("puts the image between the entrypoint's executable and its remaining arguments", () => {
    const args = dockerRunArgs(
      settings({ command: ["/nodejs/bin/node", "--trace-warnings"], args: ["/app/main.ts"], environment: { A: "1" } }),
      { name: "x" },
    );
    expect(values(args, "--entrypoint")).toEqual(["/nodejs/bin/node"]);
    expect(values(args, "--env")).toEqual(["A=1"]);
    expect(args.slice(-3)).toEqual([IMAGE, "--trace-warnings", "/app/main.ts"]);
  });

  it("renders opt-outs: writable root, escalation, added capability, IPv6 publish address, read-only mount", () => {
    const args = dockerRunArgs(
      settings({
        ports: [{ containerPort: 80, hostPort: 8080 }],
        volumes: [{ volume: volumeRef("seed"), mountPath: "/seed", readOnly: true }],
        security: {
          allowWritableRootFilesystem: true,
          allowPrivilegeEscalation: true,
          addCapabilities: ["NET_BIND_SERVICE"],
          publishAddress: "::1",
        },
      }),
      { name: "x" },
    );
    expect(args).not.toContain("--read-only");
    expect(values(args, "--security-opt")).toEqual([]);
    expect(values(args, "--cap-add")).toEqual(["NET_BIND_SERVICE"]);
    expect(values(args, "--publish")).toEqual(["[::1]:8080:80/tcp"]);
    expect(values(args, "--mount")).toEqual(["type=volume,source=seed,target=/seed,readonly"]);
  });

  it("keeps an exec-form health check only when it is the image's own, with the service's timings", () => {
    const s = settings({
      healthCheck: { command: HEALTH, intervalSeconds: 2, timeoutSeconds: 1, retries: 4, startPeriodSeconds: 6 },
    });
    const args = dockerRunArgs(s, { name: "x", imageHealthcheck: ["CMD", ...HEALTH] });
    expect(args).not.toContain("--health-cmd");
    expect([
      values(args, "--health-interval"),
      values(args, "--health-timeout"),
      values(args, "--health-retries"),
      values(args, "--health-start-period"),
    ]).toEqual([["2s"], ["1s"], ["4"], ["6s"]]);
    expect(() => dockerRunArgs(s, { name: "x" })).toThrow("docker run cannot express the exec-form health check");
    expect(() => dockerRunArgs(s, { name: "x", imageHealthcheck: ["CMD", "/other"] })).toThrow(
      "must be the image's own HEALTHCHECK",
    );
  });

  it("renders a shell-form check as --health-cmd", () => {
    const s = settings({ healthCheck: { command: ["/check"] } });
    const shellForm = {
      ...s,
      healthcheck: { ...s.healthcheck!, tests: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] },
    };
    expect(values(dockerRunArgs(shellForm, { name: "x" }), "--health-cmd")).toEqual([
      "curl -f http://localhost/ || exit 1",
    ]);
  });

  it("refuses outputs, which have no value to put on a command line", () => {
    expect(() => dockerRunArgs(settings({ image: pulumi.output(IMAGE) }), { name: "x" })).toThrow(
      "image must be a plain string",
    );
    expect(() => dockerRunArgs(settings({ secrets: { TOKEN: "t" } }), { name: "x" })).toThrow(
      "envs[0] must be a plain string",
    );
  });
});
