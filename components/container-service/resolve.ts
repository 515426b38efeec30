import * as path from "node:path";
import * as net from "node:net";
import type * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import { LIMITS, SERVICE_DEFAULTS } from "../defaults";
import * as hardening from "../hardening";
import type { ContainerServiceArgs } from "../container-service";
import type { HealthCheckArgs, ResourceArgs } from "./args";
import { resolvePorts } from "./resolve-ports";
import { parseCpu, parseMemory } from "./resources";
import type { EnvVarSpec, HealthCheckSpec, PortSpec, ResourceSpec, ResolvedService, VolumeMountSpec } from "./spec";
import type { RestartPolicy } from "./spec";
import { ACCESS_MODES } from "../types";
import {
  ArgPath,
  ArgProblems,
  argsOf,
  booleanArg,
  nameArg,
  integerArg,
  knownKeysArg,
  namespaceArg,
  oneOfArg,
  mapArg,
  stringListArg,
} from "../args";
import { labelValue, userLabels } from "./labels";
import { resolveAccess, resolveAutoscaling, resolveIngress } from "./resolve-exposure";
import { FILES_VOLUME, resolveFiles } from "./files";
import { checkedImage } from "../image-policy";
import { SCRATCH_VOLUME } from "./pod-spec";
import * as rules from "../rules";

const RESTART_POLICIES: readonly RestartPolicy[] = ["no", "on-failure", "always", "unless-stopped"];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CAPABILITY = /^[A-Z][A-Z0-9_]*$/;

/**
 * Applies defaults to a ContainerService's Args and validates them, throwing one
 * ComponentArgError that lists every mistake (one line each, naming the instance and the
 * argument). Pure: creates nothing, so the component calls it before any child exists.
 */
export function resolveServiceSpec(name: string, args: ContainerServiceArgs): ResolvedService {
  const root = argsOf("ContainerService", name);
  const problems = new ArgProblems();
  problems.check(() => nameArg(root.field("name"), name));
  const target = problems.check(() =>
    oneOfArg(root.field("target"), args.target ?? "", ["docker", "kubernetes"] as const, "docker"),
  );
  const replicas = problems.check(() =>
    integerArg(
      root.field("replicas"),
      args.replicas,
      LIMITS.replicas.min,
      LIMITS.replicas.max,
      SERVICE_DEFAULTS.replicas,
    ),
  );
  const ports =
    target === undefined || replicas === undefined
      ? undefined
      : problems.check(() => resolvePorts(root.field("ports"), args.ports, target, replicas));
  const volumes = problems.check(() => resolveVolumes(root.field("volumes"), args.volumes));
  if (replicas !== undefined && volumes !== undefined)
    problems.check(() => checkSingleWriters(root.field("replicas"), replicas, volumes));
  const autoscaling =
    target === undefined || volumes === undefined
      ? undefined
      : problems.check(() =>
          resolveAutoscaling(
            root,
            args.autoscaling,
            target,
            args.replicas !== undefined,
            volumes.find((v) => !v.readOnly && v.accessMode !== "ReadWriteMany")?.name,
          ),
        );
  const optOuts = problems.check(() =>
    resolveOptOuts(root.field("security"), knownKeysArg(root.field("security"), args.security, SECURITY_OPT_OUTS)),
  );
  const runAsUser = problems.check(() =>
    integerArg(root.field("runAsUser"), args.runAsUser, 0, 2 ** 31 - 1, hardening.NONROOT_UID),
  );
  if (runAsUser === 0 && optOuts !== undefined && !optOuts.allowRunAsRoot) {
    problems.check(() =>
      root.field("runAsUser").fail("is 0 (root); use a non-zero uid or set security.allowRunAsRoot: true to opt out"),
    );
  }
  const restartPolicy = problems.check(() =>
    oneOfArg(root.field("restartPolicy"), args.restartPolicy, RESTART_POLICIES, hardening.DEFAULT_RESTART_POLICY),
  );
  if (target === "kubernetes" && (restartPolicy === "no" || restartPolicy === "on-failure")) {
    problems.check(() =>
      root
        .field("restartPolicy")
        .fail(
          `must be "always" or "unless-stopped" on Kubernetes, whose Deployments and StatefulSets always restart pods, got "${restartPolicy}"`,
        ),
    );
  }
  const image =
    target === undefined || optOuts === undefined
      ? undefined
      : problems.check(() =>
          checkedImage(root.field("image"), requiredInput(root.field("image"), args.image), target, {
            allowLatestTag: optOuts.allowLatestTag === true,
            allowMutableImageTag: optOuts.allowMutableImageTag === true,
          }),
        );
  const rest = {
    command: problems.check(() => optionalCommand(root.field("command"), args.command)),
    args: problems.check(() => (args.args === undefined ? undefined : stringListArg(root.field("args"), args.args))),
    env: problems.check(() => resolveEnv(root, args.environment, args.secrets)),
    files:
      volumes === undefined ? undefined : problems.check(() => resolveFiles(root, args.files, args.filesDir, volumes)),
    imagePullSecrets: problems.check(() => resolvePullSecrets(root.field("imagePullSecrets"), args.imagePullSecrets)),
    healthCheck:
      ports === undefined || target === undefined
        ? undefined
        : problems.check(() => resolveHealthCheck(root.field("healthCheck"), args.healthCheck, ports, target)),
    resources: problems.check(() => resolveResources(root.field("resources"), args.resources)),
    labels: problems.check(() => userLabels(root.field("labels"), args.labels)),
    component: problems.check(() =>
      args.component === undefined ? undefined : labelValue(root.field("component"), args.component),
    ),
    partOf: problems.check(() => labelValue(root.field("partOf"), args.partOf ?? "dockyard")),
    runAsGroup: problems.check(() =>
      integerArg(root.field("runAsGroup"), args.runAsGroup, 0, 2 ** 31 - 1, hardening.NONROOT_GID),
    ),
    scratchBytes: problems.check(() =>
      parseMemory(root.field("scratchSize"), args.scratchSize ?? hardening.SCRATCH_SIZE),
    ),
    stopGraceSeconds: problems.check(() =>
      integerArg(
        root.field("stopGracePeriodSeconds"),
        args.stopGracePeriodSeconds,
        0,
        3600,
        hardening.DEFAULT_STOP_GRACE_SECONDS,
      ),
    ),
    namespace: problems.check(() => namespaceArg(root.field("namespace"), args.namespace)),
    access: problems.check(() => resolveAccess(root, args.allowFrom, args.allowTo, args.allowDns)),
    ingress:
      ports === undefined || target === undefined
        ? undefined
        : problems.check(() => resolveIngress(root.field("ingress"), args.ingress, target, ports, name)),
  };
  if (target === "docker" && rest.resources !== undefined) {
    const tooSmall = rules.dockerCpuProblem(rest.resources.cpuMillis);
    if (tooSmall !== undefined)
      problems.check(() =>
        root
          .field("resources")
          .field("cpu")
          .fail(`${tooSmall}, got ${describeValue(args.resources?.cpu)}`),
      );
  }
  problems.throwIfAny();
  // Every value is defined here: a check that failed has thrown above.
  return {
    name,
    target: target!,
    image: image!,
    command: rest.command,
    args: rest.args,
    ports: ports!,
    env: rest.env!,
    volumes: volumes!,
    ...rest.files!,
    imagePullSecrets: rest.imagePullSecrets!,
    healthCheck: rest.healthCheck,
    resources: rest.resources!,
    // With an autoscaler the Deployment declares no count; minReplicas is what it starts from.
    replicas: autoscaling?.minReplicas ?? replicas!,
    restartPolicy: restartPolicy!,
    labels: rest.labels!,
    component: rest.component,
    partOf: rest.partOf!,
    runAsUser: runAsUser!,
    runAsGroup: rest.runAsGroup!,
    scratchBytes: rest.scratchBytes!,
    stopGraceSeconds: rest.stopGraceSeconds!,
    security: hardening.securityPosture(optOuts!, runAsUser!),
    network: args.network,
    namespace: rest.namespace,
    access: rest.access!,
    ingress: rest.ingress,
    autoscaling,
  };
}

/** The named opt-outs `security` may hold; anything else is a typo and refused. */
const SECURITY_OPT_OUTS = [
  "allowRunAsRoot",
  "allowWritableRootFilesystem",
  "allowPrivilegeEscalation",
  "addCapabilities",
  "publishAddress",
  "allowLatestTag",
  "allowMutableImageTag",
] as const satisfies readonly (keyof hardening.SecurityOptOuts)[];

function requiredInput(at: ArgPath, value: pulumi.Input<string> | undefined): pulumi.Input<string> {
  if (value === undefined || value === null) at.fail("is required");
  if (typeof value === "string" && (value === "" || /\s/.test(value))) {
    at.fail(`must be a non-empty image reference without spaces, got ${describeValue(value)}`);
  }
  return value;
}

function optionalCommand(at: ArgPath, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = stringListArg(at, value);
  if (list.length === 0 || list[0] === "") at.fail("must name an executable as its first element");
  return list;
}

function resolveEnv(root: ArgPath, environment: unknown, secrets: unknown): EnvVarSpec[] {
  const env: EnvVarSpec[] = [];
  for (const [field, secret, source] of [
    ["environment", false, environment],
    ["secrets", true, secrets],
  ] as const) {
    const at = root.field(field);
    for (const [key, value] of Object.entries(mapArg(at, source))) {
      if (!ENV_NAME.test(key))
        at.key(key).fail("is not a valid variable name (letters, digits and _, not starting with a digit)");
      if (env.some((e) => e.name === key))
        at.key(key).fail("is also set in environment; a variable is either plain or secret");
      if (value === undefined || value === null || (typeof value !== "string" && typeof value !== "object")) {
        at.key(key).fail(`must be a string (or an output of one), got ${describeValue(value)}`);
      }
      env.push({ name: key, value: value as pulumi.Input<string>, secret });
    }
  }
  return env;
}

function resolveVolumes(at: ArgPath, value: ContainerServiceArgs["volumes"]): VolumeMountSpec[] {
  const mounts: VolumeMountSpec[] = [];
  (value ?? []).forEach((mount, i) => {
    const here = at.index(i);
    const volume = mount?.volume;
    if (volume === undefined || typeof volume.logicalName !== "string" || !ACCESS_MODES.includes(volume.accessMode)) {
      here.field("volume").fail("must be a PersistentVolume");
    }
    nameArg(here.field("volume").field("logicalName"), volume.logicalName);
    if (volume.logicalName === SCRATCH_VOLUME || volume.logicalName === FILES_VOLUME) {
      here.field("volume").fail(`must not be named "${volume.logicalName}", a volume name dockyard reserves`);
    }
    const raw = mount.mountPath;
    if (typeof raw !== "string" || !path.posix.isAbsolute(raw)) {
      here.field("mountPath").fail(`must be an absolute path, got ${describeValue(raw)}`);
    }
    const mountPath = path.posix.normalize(raw).replace(/(.)\/$/, "$1");
    if (mountPath === "/" || mountPath === hardening.SCRATCH_PATH) {
      here
        .field("mountPath")
        .fail(`must not be "/" or the scratch directory "${hardening.SCRATCH_PATH}", got ${describeValue(raw)}`);
    }
    const clash = mounts.findIndex((m) => m.mountPath === mountPath);
    if (clash >= 0) here.field("mountPath").fail(`"${mountPath}" is already the mount path of volumes[${clash}]`);
    const twice = mounts.findIndex((m) => m.name === volume.logicalName);
    if (twice >= 0)
      here.field("volume").fail(`"${volume.logicalName}" is already mounted by volumes[${twice}]; mount a volume once`);
    const readOnly = booleanArg(here.field("readOnly"), mount.readOnly, false);
    if (!readOnly && volume.accessMode === "ReadOnlyMany") {
      here.field("readOnly").fail(`must be true: volume "${volume.logicalName}" is ReadOnlyMany`);
    }
    mounts.push({
      name: volume.logicalName,
      source: volume.volumeName,
      mountPath,
      readOnly,
      accessMode: volume.accessMode,
    });
  });
  return mounts;
}

/** A writable single-writer volume belongs to one replica: more would corrupt or deadlock it. */
function checkSingleWriters(at: ArgPath, replicas: number, volumes: VolumeMountSpec[]): void {
  const owned = volumes.find((v) => !v.readOnly && v.accessMode !== "ReadWriteMany");
  if (owned !== undefined && replicas > 1) {
    at.fail(
      `must be 0 or 1 while volume "${owned.name}" (${owned.accessMode}) is mounted writable: give it accessMode ReadWriteMany to share it, or mount it read-only`,
    );
  }
}

function resolveHealthCheck(
  at: ArgPath,
  value: HealthCheckArgs | undefined,
  ports: PortSpec[],
  target: string,
): HealthCheckSpec | undefined {
  if (value === undefined) return undefined;
  const check = mapArg(at, value) as HealthCheckArgs;
  const command = optionalCommand(at.field("command"), check.command);
  const hcPath = check.path;
  if (hcPath === undefined && command === undefined)
    at.fail("must set path (an HTTP probe) or command (run in the container)");
  if (hcPath !== undefined && (typeof hcPath !== "string" || !hcPath.startsWith("/"))) {
    at.field("path").fail(`must be an HTTP path starting with "/", got ${describeValue(hcPath)}`);
  }
  if (target === "docker" && command === undefined) {
    at.field("command").fail(
      'is required on Docker, which cannot probe HTTP by itself, e.g. ["/nodejs/bin/node", "/app/healthcheck.ts"]',
    );
  }
  const readinessPath = check.readinessPath;
  if (readinessPath !== undefined && (typeof readinessPath !== "string" || !readinessPath.startsWith("/"))) {
    at.field("readinessPath").fail(`must be an HTTP path starting with "/", got ${describeValue(readinessPath)}`);
  }
  if (readinessPath !== undefined && hcPath === undefined)
    at.field("readinessPath").fail("needs path: the liveness probe asks path, the readiness probe readinessPath");
  // Podman's Docker API joins an exec-form test with spaces and splits it again on whitespace
  // (docs/decisions/0010-podman.md): an argument holding whitespace would reach it as several.
  const spaced = target === "docker" ? (command ?? []).findIndex((arg) => /\s/.test(arg)) : -1;
  if (spaced >= 0)
    at.field("command")
      .index(spaced)
      .fail(
        `must not contain whitespace on Docker (Podman's Docker API would split it into several arguments), got ${describeValue(command![spaced])}`,
      );
  const firstTcp = ports.find((p) => p.protocol === "tcp")?.containerPort;
  const port = hcPath === undefined ? undefined : integerArg(at.field("port"), check.port, 1, 65535, firstTcp ?? 0);
  if (port === 0) at.field("port").fail("is required for an HTTP health check when the service declares no tcp port");
  return {
    path: hcPath,
    readinessPath,
    scheme: oneOfArg(at.field("scheme"), check.scheme, ["HTTP", "HTTPS"] as const, "HTTP"),
    port,
    command,
    intervalSeconds: integerArg(at.field("intervalSeconds"), check.intervalSeconds, 1, 3600, 10),
    timeoutSeconds: integerArg(at.field("timeoutSeconds"), check.timeoutSeconds, 1, 3600, 3),
    retries: integerArg(at.field("retries"), check.retries, 1, 100, 3),
    startPeriodSeconds: integerArg(at.field("startPeriodSeconds"), check.startPeriodSeconds, 0, 3600, 10),
  };
}

function resolveResources(at: ArgPath, value: ResourceArgs | undefined): ResourceSpec {
  const r = mapArg(at, value) as ResourceArgs;
  const cpuMillis = parseCpu(at.field("cpu"), r.cpu ?? SERVICE_DEFAULTS.cpu);
  const memoryBytes = parseMemory(at.field("memory"), r.memory ?? SERVICE_DEFAULTS.memory);
  const cpuRequestMillis = r.cpuRequest === undefined ? cpuMillis : parseCpu(at.field("cpuRequest"), r.cpuRequest);
  const memoryRequestBytes =
    r.memoryRequest === undefined ? memoryBytes : parseMemory(at.field("memoryRequest"), r.memoryRequest);
  if (cpuRequestMillis > cpuMillis)
    at.field("cpuRequest").fail(
      `must not exceed cpu (${describeValue(r.cpu ?? SERVICE_DEFAULTS.cpu)}), got ${describeValue(r.cpuRequest)}`,
    );
  if (memoryRequestBytes > memoryBytes)
    at.field("memoryRequest").fail(
      `must not exceed memory (${describeValue(r.memory ?? SERVICE_DEFAULTS.memory)}), got ${describeValue(r.memoryRequest)}`,
    );
  const pids = integerArg(at.field("pids"), r.pids, 16, 4_194_304, SERVICE_DEFAULTS.pids);
  return { cpuMillis, memoryBytes, cpuRequestMillis, memoryRequestBytes, pids };
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function resolvePullSecrets(at: ArgPath, value: unknown): pulumi.Input<string>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) at.fail(`must be a list of Secret names, got ${describeValue(value)}`);
  return value.map((name: unknown, i) => {
    if (typeof name === "string" && !DNS_SUBDOMAIN.test(name))
      at.index(i).fail(`must be a Secret name (lower-case DNS subdomain), got ${describeValue(name)}`);
    if (name === undefined || name === null || (typeof name !== "string" && typeof name !== "object"))
      at.index(i).fail(`must be a Secret name, got ${describeValue(name)}`);
    return name as pulumi.Input<string>;
  });
}

function resolveOptOuts(at: ArgPath, security: Record<string, unknown>): hardening.SecurityOptOuts {
  const value = security as hardening.SecurityOptOuts;
  const caps = stringListArg(at.field("addCapabilities"), value.addCapabilities);
  caps.forEach((cap, i) => {
    if (!CAPABILITY.test(cap) || cap === "ALL" || cap.startsWith("CAP_")) {
      at.field("addCapabilities")
        .index(i)
        .fail(
          `must be a capability name without the CAP_ prefix (e.g. "NET_BIND_SERVICE"), not ALL, got ${describeValue(cap)}`,
        );
    }
  });
  const publishAddress = value.publishAddress;
  if (publishAddress !== undefined && (typeof publishAddress !== "string" || net.isIP(publishAddress) === 0)) {
    at.field("publishAddress").fail(`must be an IPv4 or IPv6 address, got ${describeValue(publishAddress)}`);
  }
  return {
    allowRunAsRoot: booleanArg(at.field("allowRunAsRoot"), value.allowRunAsRoot, false),
    allowWritableRootFilesystem: booleanArg(
      at.field("allowWritableRootFilesystem"),
      value.allowWritableRootFilesystem,
      false,
    ),
    allowPrivilegeEscalation: booleanArg(at.field("allowPrivilegeEscalation"), value.allowPrivilegeEscalation, false),
    addCapabilities: caps,
    publishAddress,
    allowLatestTag: booleanArg(at.field("allowLatestTag"), value.allowLatestTag, false),
    allowMutableImageTag: booleanArg(at.field("allowMutableImageTag"), value.allowMutableImageTag, false),
  };
}
