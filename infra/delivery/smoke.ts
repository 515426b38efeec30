/**
 * `npm run smoke -- <stack> [--config-file FILE] [--timeout SECONDS]`
 *
 * After `pulumi up`, checks that every service of the stack runs and answers its health check,
 * with the image the stack pins when it pins one. On Kubernetes, with `kubectl` and the
 * stack's context: every workload of the service has all replicas ready and updated (its
 * readiness probe passed), and the service's own check command succeeds in one of its pods
 * (`kubectl exec`: through the API server and the kubelet, so no NetworkPolicy needs to admit the
 * check; the deploy identity needs `pods/exec`); a service with an HTTP path and no command is
 * asked through the API server's service proxy instead. On Docker: the health path answers on the published 127.0.0.1 port, or, for a service
 * whose check is a command, Docker reports its container healthy. Retries until the timeout;
 * exit 0 healthy, 1 not (one line per problem), 2 usage.
 */
import { type CliIO, InputError, UsageError } from "../cli/run";
import { configFileOption, parseCommandLine, stackNames } from "../cli/args";
import type { Runner } from "../promote/outputs";

export const USAGE = "usage: npm run smoke -- <stack> [--config-file FILE] [--timeout SECONDS]";

/** What smoke checks for one service. */
export interface SmokeTarget {
  name: string;
  /** The HTTP path answering when healthy; undefined for a service checked by a command only. */
  healthPath?: string;
  /** The service's own check command (exec form): run in its pods on Kubernetes. */
  healthCommand?: string[];
  port: number;
  hostPort: number;
  /** The image the stack pins, if it pins one. */
  image?: string;
}

/** Where and how to reach a stack's services. */
export interface SmokePlan {
  target: "docker" | "kubernetes";
  context?: string;
  namespace: string;
  services: SmokeTarget[];
}

export interface SmokeDeps {
  run: Runner;
  fetch: (url: string) => Promise<{ ok: boolean; status: number }>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** The smoke plan of a stack, from its validated config and the platform (no evaluation needed). */
export async function smokePlan(file: string): Promise<SmokePlan> {
  const { loadConfig } = await import("../config");
  const { settingsConfigSource } = await import("../config-source");
  const { catalog, describePlatform } = await import("../platform");
  const { OFFLINE_SECRET_VALUE, readStackSettings } = await import("../stack-file");
  const { mirrored } = await import("../images");
  const config = loadConfig(catalog, settingsConfigSource(readStackSettings(file)));
  const platform = describePlatform(config);
  // Smoke reads config offline: a secret is a stand-in, and kubectl would look for that name.
  const secret = (value: string | undefined) => value?.includes(OFFLINE_SECRET_VALUE) === true;
  const unreadable = (["kubeContext", "namespace"] as const).filter((key) => secret(config.endpoints[key]));
  if (platform.target === "kubernetes" && unreadable.length > 0)
    throw new InputError(
      unreadable
        .map(
          (key) =>
            `${file}: dockyard:endpoints.${key} is a secret, which smoke cannot read offline: set it in plain text (it names the cluster's objects, it is no credential)`,
        )
        .join("\n"),
    );
  return {
    target: platform.target,
    ...(config.endpoints.kubeContext ? { context: config.endpoints.kubeContext } : {}),
    namespace: config.endpoints.namespace,
    services: platform.services.map((service) => ({
      name: service.name,
      ...(service.healthCheck.path === undefined ? {} : { healthPath: service.healthCheck.path }),
      ...(service.healthCheck.command === undefined ? {} : { healthCommand: [...service.healthCheck.command] }),
      port: service.port,
      hostPort: service.hostPort,
      // A pinned image given as a secret cannot be compared offline: health is still checked.
      ...("ref" in service.image && !secret(service.image.ref) ? { image: service.image.ref } : {}),
      ...("upstream" in service.image ? { image: mirrored(service.image.upstream, platform.registry.mirror) } : {}),
    })),
  };
}

/** Problems with one service right now; empty when it is healthy. */
export async function checkService(plan: SmokePlan, service: SmokeTarget, deps: SmokeDeps): Promise<string[]> {
  if (plan.target === "docker" && service.healthPath === undefined) {
    // Docker runs the service's check command; the first replica's container bears its name.
    try {
      const status = (
        await deps.run("docker", ["inspect", "--format", "{{.State.Health.Status}}", service.name])
      ).trim();
      return status === "healthy"
        ? []
        : [`${service.name}: Docker reports its container ${status || "without a health status"}`];
    } catch (error) {
      return [`${service.name}: cannot inspect its container (${(error as Error).message})`];
    }
  }
  if (plan.target === "docker") {
    const url = `http://127.0.0.1:${service.hostPort}${service.healthPath}`;
    try {
      const response = await deps.fetch(url);
      return response.ok ? [] : [`${service.name}: ${url} answered ${response.status}`];
    } catch (error) {
      return [`${service.name}: ${url} did not answer (${(error as Error).message})`];
    }
  }
  const kubectl = (...args: string[]) =>
    deps.run("kubectl", [...(plan.context ? ["--context", plan.context] : []), "--namespace", plan.namespace, ...args]);
  const problems: string[] = [];
  let workloads: { kind?: string; metadata?: { name?: string }; spec?: WorkloadSpec; status?: WorkloadStatus }[];
  try {
    const listed = JSON.parse(
      await kubectl(
        "get",
        "deployments,statefulsets",
        "-l",
        `app.kubernetes.io/instance=${service.name}`,
        "-o",
        "json",
      ),
    ) as { items?: typeof workloads };
    workloads = listed.items ?? [];
  } catch (error) {
    return [`${service.name}: cannot list its workloads (${(error as Error).message})`];
  }
  if (workloads.length === 0)
    return [`${service.name}: no Deployment or StatefulSet labelled app.kubernetes.io/instance=${service.name}`];
  for (const workload of workloads) {
    const what = `${service.name}: ${workload.kind ?? "workload"} ${workload.metadata?.name ?? "?"}`;
    const want = workload.spec?.replicas ?? 1;
    const ready = workload.status?.readyReplicas ?? 0;
    const updated = workload.status?.updatedReplicas ?? 0;
    if (ready < want || updated < want) problems.push(`${what} has ${ready}/${want} ready, ${updated}/${want} updated`);
    const images = (workload.spec?.template?.spec?.containers ?? []).map((c) => c.image);
    if (service.image !== undefined && !images.includes(service.image))
      problems.push(`${what} runs ${images.join(", ") || "no image"}, not the pinned ${service.image}`);
  }
  // The service's own check, run in one of its pods through the API server: no pod-network path
  // that a default-deny namespace's NetworkPolicies would have to admit (the proxy below needs one).
  if (service.healthCommand !== undefined) {
    for (const workload of workloads) {
      const pod = `${(workload.kind ?? "Deployment").toLowerCase()}/${workload.metadata?.name ?? service.name}`;
      try {
        await kubectl("exec", pod, "--container", service.name, "--", ...service.healthCommand);
      } catch (error) {
        problems.push(`${service.name}: its health check failed in ${pod} (${(error as Error).message})`);
      }
    }
    return problems;
  }
  // Without a command or an HTTP path, readiness (the kubelet's probes) is the health check.
  if (service.healthPath === undefined) return problems;
  const path = `/api/v1/namespaces/${plan.namespace}/services/${service.name}:${service.port}/proxy${service.healthPath}`;
  try {
    await kubectl("get", "--raw", path);
  } catch (error) {
    problems.push(`${service.name}: health check ${service.healthPath} failed (${(error as Error).message})`);
  }
  return problems;
}

interface WorkloadSpec {
  replicas?: number;
  template?: { spec?: { containers?: { image?: string }[] } };
}
interface WorkloadStatus {
  readyReplicas?: number;
  updatedReplicas?: number;
}

/** Checks every service until all are healthy or the time is up; returns the last problems. */
export async function smoke(plan: SmokePlan, timeoutSeconds: number, deps: SmokeDeps): Promise<string[]> {
  const deadline = deps.now() + timeoutSeconds * 1000;
  for (;;) {
    const problems = (await Promise.all(plan.services.map((service) => checkService(plan, service, deps)))).flat();
    if (problems.length === 0 || deps.now() >= deadline) return problems;
    await deps.sleep(5000);
  }
}

/** The smoke command; `deps` replaces kubectl, fetch and the clock in tests. */
export async function main(argv: string[], io: CliIO, deps?: SmokeDeps): Promise<number> {
  const parsed = parseCommandLine(argv, {
    "config-file": { type: "string" },
    timeout: { type: "string", default: "300" },
  });
  const [stack] = stackNames(parsed.positionals, 1);
  const timeout = Number(parsed.values.timeout);
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 3600)
    throw new UsageError("--timeout takes 0 to 3600 seconds");
  const plan = await smokePlan(configFileOption(parsed.values["config-file"], stack));
  const { runProgram } = await import("../promote/outputs");
  const problems = await smoke(
    plan,
    timeout,
    deps ?? {
      run: runProgram,
      fetch: (url) => fetch(url, { signal: AbortSignal.timeout(5000) }),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      now: () => Date.now(),
    },
  );
  if (problems.length > 0)
    throw new InputError(
      [`smoke ${stack}: not healthy after ${timeout} s`, ...problems.map((p) => `  ${p}`)].join("\n"),
    );
  io.out(
    `smoke ${stack}: ${plan.services.map((s) => s.name).join(", ")} healthy${plan.services.some((s) => s.image) ? " on their pinned images" : ""}`,
  );
  return 0;
}
