import type * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import { LIMITS, SERVICE_DEFAULTS } from "../defaults";
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_STOP_GRACE_SECONDS,
  resolveRunAsGroup,
  resolveRunAsUser,
  resolveSecurityOptOuts,
  SCRATCH_SIZE,
  type SecurityOptOuts,
  securityPosture,
} from "./security";
import type { ContainerServiceArgs } from "../container-service";
import type { HealthCheckArgs, ResourceArgs } from "./args";
import { resolvePorts } from "./resolve-ports";
import type { EnvVarSpec, HealthCheckSpec, PortSpec, ResourceSpec, ResolvedService, VolumeMountSpec } from "./spec";
import type { RestartPolicy } from "./spec";
import { ACCESS_MODES, type Target } from "../types";
import { allDefined, type ArgPath, argsOf } from "../args";
import { labelValue, userLabels } from "./labels";
import { resolveAccess, resolveAutoscaling, resolveRoute } from "./resolve-exposure";
import { FILES_VOLUME, resolveFiles } from "./files";
import { mountPath as MOUNT_PATH } from "./mount-path";
import { checkedImage } from "../image-policy";
import { SCRATCH_VOLUME } from "./pod-spec";
import * as rules from "../rules";

const TARGETS = rules.oneOf(["docker", "kubernetes"] as const);
const RESTART_POLICIES = rules.oneOf<RestartPolicy>(["no", "on-failure", "always", "unless-stopped"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Applies defaults to a ContainerService's Args and validates them, throwing one
 * ComponentArgError that lists every mistake (one line each, naming the instance and the
 * argument). Pure: creates nothing, so the component calls it before any child exists.
 */
export function resolveServiceSpec(name: string, args: ContainerServiceArgs): ResolvedService {
  const root = argsOf("ContainerService", name);
  root.field("name").check(rules.serviceName, name);
  const target = root.field("target").check(TARGETS, args.target ?? "");
  const { min, max } = LIMITS.replicas;
  const replicas = root.field("replicas").optional(rules.integerIn(min, max), args.replicas, SERVICE_DEFAULTS.replicas);
  const ports =
    target === undefined || replicas === undefined
      ? undefined
      : resolvePorts(root.field("ports"), args.ports, target, replicas);
  const volumes = resolveVolumes(root.field("volumes"), args.volumes);
  // A writable single-writer volume belongs to one replica: more would corrupt or deadlock it.
  const owned = volumes?.find((v) => !v.readOnly && v.accessMode !== "ReadWriteMany");
  if (owned !== undefined && replicas !== undefined && replicas > 1)
    root
      .field("replicas")
      .report(
        `must be 0 or 1 while volume "${owned.name}" (${owned.accessMode}) is mounted writable: give it accessMode ReadWriteMany to share it, or mount it read-only`,
      );
  const autoscaling =
    target === undefined || volumes === undefined
      ? undefined
      : resolveAutoscaling(root, args.autoscaling, target, args.replicas !== undefined, owned?.name);
  const optOuts = resolveSecurityOptOuts(root.field("security"), args.security);
  const runAsUser = resolveRunAsUser(root.field("runAsUser"), args.runAsUser, optOuts);
  const restartPolicy = root
    .field("restartPolicy")
    .optional(RESTART_POLICIES, args.restartPolicy, DEFAULT_RESTART_POLICY);
  if (target === "kubernetes" && (restartPolicy === "no" || restartPolicy === "on-failure"))
    root
      .field("restartPolicy")
      .report(
        `must be "always" or "unless-stopped" on Kubernetes, whose Deployments and StatefulSets always restart pods, got "${restartPolicy}"`,
      );
  const image =
    target === undefined || optOuts === undefined
      ? undefined
      : resolveImage(root.field("image"), args.image, target, optOuts);
  const command = optionalCommand(root.field("command"), args.command);
  const commandArgs = root.field("args").optional(rules.stringList, args.args, undefined);
  const env = resolveEnv(root, args.environment, args.secrets);
  const files = volumes && resolveFiles(root, args.files, args.filesDir, volumes);
  const imagePullSecrets = resolvePullSecrets(root.field("imagePullSecrets"), args.imagePullSecrets);
  const healthCheck =
    ports === undefined || target === undefined
      ? undefined
      : resolveHealthCheck(root.field("healthCheck"), args.healthCheck, ports, target);
  const resources = resolveResources(root.field("resources"), args.resources);
  const labels = userLabels(root.field("labels"), args.labels);
  const component = args.component === undefined ? undefined : labelValue(root.field("component"), args.component);
  const partOf = labelValue(root.field("partOf"), args.partOf ?? "dockyard");
  const runAsGroup = resolveRunAsGroup(root.field("runAsGroup"), args.runAsGroup);
  const scratchBytes = root.field("scratchSize").check(rules.memory, args.scratchSize ?? SCRATCH_SIZE);
  const stopGraceSeconds = root
    .field("stopGracePeriodSeconds")
    .optional(rules.integerIn(0, 3600), args.stopGracePeriodSeconds, DEFAULT_STOP_GRACE_SECONDS);
  const rolloutTimeoutSeconds = root
    .field("rolloutTimeoutSeconds")
    .optional(rules.integerIn(30, 86_400), args.rolloutTimeoutSeconds, undefined);
  const namespace = root.field("namespace").plain(rules.dnsLabel, args.namespace);
  const access = resolveAccess(root, args.allowFrom, args.allowTo, args.allowDns);
  const route =
    ports === undefined || target === undefined
      ? undefined
      : resolveRoute(root.field("route"), args.route, target, ports);
  const tooSmall = target === "docker" && resources ? rules.dockerCpuProblem(resources.cpuMillis) : undefined;
  if (tooSmall !== undefined)
    root
      .field("resources")
      .field("cpu")
      .report(`${tooSmall}, got ${describeValue(args.resources?.cpu)}`);
  const {
    optOuts: security,
    files: filesSpec,
    ...spec
  } = root.problems.done({
    target,
    image,
    ports,
    env,
    volumes,
    files,
    imagePullSecrets,
    resources,
    replicas,
    restartPolicy,
    labels,
    partOf,
    runAsUser,
    runAsGroup,
    scratchBytes,
    stopGraceSeconds,
    optOuts,
    access,
  });
  return {
    ...spec,
    ...filesSpec,
    name,
    command,
    args: commandArgs,
    healthCheck,
    // With an autoscaler the Deployment declares no count; minReplicas is what it starts from.
    replicas: autoscaling?.minReplicas ?? spec.replicas,
    component,
    security: securityPosture(security, spec.runAsUser),
    network: args.network,
    namespace,
    route,
    autoscaling,
    rolloutTimeoutSeconds,
  };
}

function resolveImage(
  at: ArgPath,
  value: pulumi.Input<string> | undefined,
  target: Target,
  optOuts: SecurityOptOuts,
): pulumi.Input<string> | undefined {
  if (value === undefined || value === null) return at.report("is required");
  if (typeof value === "string" && (value === "" || /\s/.test(value)))
    return at.report(`must be a non-empty image reference without spaces, got ${describeValue(value)}`);
  return checkedImage(at, value, target, {
    allowLatestTag: optOuts.allowLatestTag === true,
    allowMutableImageTag: optOuts.allowMutableImageTag === true,
  });
}

function optionalCommand(at: ArgPath, value: unknown): string[] | undefined {
  const list = at.optional(rules.stringList, value, undefined);
  if (list !== undefined && (list.length === 0 || list[0] === ""))
    return at.report("must name an executable as its first element");
  return list;
}

function resolveEnv(root: ArgPath, environment: unknown, secrets: unknown): EnvVarSpec[] | undefined {
  const sources = allDefined({
    environment: root.field("environment").optional(rules.map, environment, {}),
    secrets: root.field("secrets").optional(rules.map, secrets, {}),
  });
  if (sources === undefined) return undefined;
  const env: (EnvVarSpec | undefined)[] = [];
  for (const [field, map] of Object.entries(sources)) {
    for (const [key, value] of Object.entries(map)) {
      const at = root.field(field).key(key);
      if (!ENV_NAME.test(key))
        env.push(at.report("is not a valid variable name (letters, digits and _, not starting with a digit)"));
      else if (env.some((e) => e?.name === key))
        env.push(at.report("is also set in environment; a variable is either plain or secret"));
      else if (value === undefined || value === null || (typeof value !== "string" && typeof value !== "object"))
        env.push(at.report(`must be a string (or an output of one), got ${describeValue(value)}`));
      else env.push({ name: key, value: value as pulumi.Input<string>, secret: field === "secrets" });
    }
  }
  return allDefined(env);
}

function resolveVolumes(at: ArgPath, value: ContainerServiceArgs["volumes"]): VolumeMountSpec[] | undefined {
  const mounts: VolumeMountSpec[] = [];
  const checked = (value ?? []).map((mount, i) => {
    const resolved = resolveMount(at.index(i), mount, mounts);
    if (resolved !== undefined) mounts.push(resolved);
    return resolved;
  });
  return allDefined(checked);
}

function resolveMount(
  here: ArgPath,
  mount: NonNullable<ContainerServiceArgs["volumes"]>[number],
  earlier: readonly VolumeMountSpec[],
): VolumeMountSpec | undefined {
  const volume = mount?.volume;
  if (volume === undefined || typeof volume.logicalName !== "string" || !ACCESS_MODES.includes(volume.accessMode))
    return here.field("volume").report("must be a PersistentVolume");
  const name = here.field("volume").field("logicalName").check(rules.serviceName, volume.logicalName);
  if (name === undefined) return undefined;
  if (name === SCRATCH_VOLUME || name === FILES_VOLUME)
    return here.field("volume").report(`must not be named "${name}", a volume name dockyard reserves`);
  const mountPath = here.field("mountPath").check(MOUNT_PATH, mount.mountPath);
  if (mountPath === undefined) return undefined;
  const clash = earlier.findIndex((m) => m.mountPath === mountPath);
  if (clash >= 0)
    return here.field("mountPath").report(`"${mountPath}" is already the mount path of volumes[${clash}]`);
  const twice = earlier.findIndex((m) => m.name === name);
  if (twice >= 0)
    return here.field("volume").report(`"${name}" is already mounted by volumes[${twice}]; mount a volume once`);
  const readOnly = here.field("readOnly").optional(rules.boolean, mount.readOnly, false);
  if (readOnly === false && volume.accessMode === "ReadOnlyMany")
    return here.field("readOnly").report(`must be true: volume "${name}" is ReadOnlyMany`);
  return readOnly === undefined
    ? undefined
    : { name, source: volume.volumeName, mountPath, readOnly, accessMode: volume.accessMode };
}

function resolveHealthCheck(
  at: ArgPath,
  value: HealthCheckArgs | undefined,
  ports: PortSpec[],
  target: string,
): HealthCheckSpec | undefined {
  if (value === undefined) return undefined;
  const check = at.check(rules.map, value) as HealthCheckArgs | undefined;
  if (check === undefined) return undefined;
  const command = optionalCommand(at.field("command"), check.command);
  if (check.command !== undefined && command === undefined) return undefined;
  const hcPath = check.path;
  if (hcPath === undefined && command === undefined)
    return at.report("must set path (an HTTP probe) or command (run in the container)");
  if (hcPath !== undefined && (typeof hcPath !== "string" || !hcPath.startsWith("/")))
    return at.field("path").report(`must be an HTTP path starting with "/", got ${describeValue(hcPath)}`);
  if (target === "docker" && command === undefined)
    return at
      .field("command")
      .report(
        'is required on Docker, which cannot probe HTTP by itself, e.g. ["/nodejs/bin/node", "/app/healthcheck.ts"]',
      );
  const readinessPath = check.readinessPath;
  if (readinessPath !== undefined && (typeof readinessPath !== "string" || !readinessPath.startsWith("/")))
    return at
      .field("readinessPath")
      .report(`must be an HTTP path starting with "/", got ${describeValue(readinessPath)}`);
  if (readinessPath !== undefined && hcPath === undefined)
    return at
      .field("readinessPath")
      .report("needs path: the liveness probe asks path, the readiness probe readinessPath");
  // Podman's Docker API joins an exec-form test with spaces and splits it again on whitespace
  // (docs/decisions/0010-podman.md): an argument holding whitespace would reach it as several.
  const execArgs = target === "docker" ? (command ?? []) : [];
  const spaced = execArgs.findIndex((arg) => /\s/.test(arg));
  if (spaced >= 0)
    return at
      .field("command")
      .index(spaced)
      .report(
        `must not contain whitespace on Docker (Podman's Docker API would split it into several arguments), got ${describeValue(execArgs[spaced])}`,
      );
  const firstTcp = ports.find((p) => p.protocol === "tcp")?.containerPort;
  const port =
    hcPath === undefined ? undefined : at.field("port").optional(rules.integerIn(1, 65535), check.port, firstTcp ?? 0);
  if (port === 0)
    return at.field("port").report("is required for an HTTP health check when the service declares no tcp port");
  const spec = allDefined({
    scheme: at.field("scheme").optional(rules.oneOf(["HTTP", "HTTPS"] as const), check.scheme, "HTTP"),
    intervalSeconds: at.field("intervalSeconds").optional(rules.integerIn(1, 3600), check.intervalSeconds, 10),
    timeoutSeconds: at.field("timeoutSeconds").optional(rules.integerIn(1, 3600), check.timeoutSeconds, 3),
    retries: at.field("retries").optional(rules.integerIn(1, 100), check.retries, 3),
    startPeriodSeconds: at.field("startPeriodSeconds").optional(rules.integerIn(0, 3600), check.startPeriodSeconds, 10),
  });
  return spec && { path: hcPath, readinessPath, port, command, ...spec };
}

function resolveResources(at: ArgPath, value: ResourceArgs | undefined): ResourceSpec | undefined {
  const r = at.optional(rules.map, value, {}) as ResourceArgs | undefined;
  if (r === undefined) return undefined;
  const cpuMillis = at.field("cpu").check(rules.cpu, r.cpu ?? SERVICE_DEFAULTS.cpu);
  const memoryBytes = at.field("memory").check(rules.memory, r.memory ?? SERVICE_DEFAULTS.memory);
  const spec = allDefined({
    cpuMillis,
    memoryBytes,
    cpuRequestMillis: r.cpuRequest === undefined ? cpuMillis : at.field("cpuRequest").check(rules.cpu, r.cpuRequest),
    memoryRequestBytes:
      r.memoryRequest === undefined ? memoryBytes : at.field("memoryRequest").check(rules.memory, r.memoryRequest),
    pids: at.field("pids").optional(rules.integerIn(16, 4_194_304), r.pids, SERVICE_DEFAULTS.pids),
  });
  if (spec !== undefined && spec.cpuRequestMillis > spec.cpuMillis)
    return at
      .field("cpuRequest")
      .report(
        `must not exceed cpu (${describeValue(r.cpu ?? SERVICE_DEFAULTS.cpu)}), got ${describeValue(r.cpuRequest)}`,
      );
  if (spec !== undefined && spec.memoryRequestBytes > spec.memoryBytes)
    return at
      .field("memoryRequest")
      .report(
        `must not exceed memory (${describeValue(r.memory ?? SERVICE_DEFAULTS.memory)}), got ${describeValue(r.memoryRequest)}`,
      );
  return spec;
}

function resolvePullSecrets(at: ArgPath, value: unknown): pulumi.Input<string>[] | undefined {
  return at.each(rules.list("Secret names"), value ?? [], (here, name) => {
    if (typeof name === "string" && !rules.dnsSubdomain.check(name).ok)
      return here.report(`must be a Secret name (lower-case DNS subdomain), got ${describeValue(name)}`);
    if (name === undefined || name === null || (typeof name !== "string" && typeof name !== "object"))
      return here.report(`must be a Secret name, got ${describeValue(name)}`);
    return name as pulumi.Input<string>;
  });
}
