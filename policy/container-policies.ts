/**
 * The hardening every dockyard container promises (docs/decisions/0004-container-hardening.md),
 * checked on every Kubernetes workload and Docker container a program declares, inside the
 * components or not.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
  type Pod,
  type Props,
  dockerContainerOf,
  effective,
  field,
  isProps,
  items,
  neverStarts,
  patchedWorkloadKind,
  podOf,
  text,
} from "./workloads";

type Check = (pod: Pod | undefined, docker: Props | undefined, report: ReportViolation) => void;

/** A policy over pods and Docker containers; other resources pass untouched. */
function containerPolicy(name: string, description: string, check: Check): ResourceValidationPolicy {
  return {
    name,
    description,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      const props = args.props as Props;
      const pod = podOf(args.type, props);
      const docker = dockerContainerOf(args.type, props);
      if (pod !== undefined || docker !== undefined) check(pod, docker, report);
    },
  };
}

/** Capabilities the restricted profile lets a container add back after dropping ALL. */
const ADDABLE = new Set(["NET_BIND_SERVICE"]);
const SECCOMP_OK = new Set(["RuntimeDefault", "Localhost"]);
/** Pod volume types the restricted profile allows. */
const VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

function capabilityName(value: unknown): string {
  return String(value).toUpperCase().replace(/^CAP_/, "");
}

export const restrictedPodProfile = containerPolicy(
  "restricted-pod-profile",
  'Pods meet the Kubernetes "restricted" Pod Security Standard; Docker containers run as a non-root user with no-new-privileges and no host namespaces, devices or paths.',
  (pod, docker, report) => {
    if (pod) {
      for (const ns of ["hostNetwork", "hostPID", "hostIPC"])
        if (pod.spec[ns] === true) report(`the pod shares the host's namespace (${ns}: true)`);
      for (const volume of items(pod.spec.volumes).filter(isProps)) {
        const kinds = Object.keys(volume).filter((key) => key !== "name");
        const bad = kinds.filter((kind) => !VOLUME_TYPES.has(kind));
        if (bad.length > 0) report(`volume "${String(volume.name)}" is of type ${bad.join(", ")} (e.g. a host path)`);
      }
      for (const container of pod.containers) {
        const sc = (key: string) => field(container.spec, "securityContext", key);
        if (sc("privileged") === true) report(`${container.label} is privileged`);
        if (sc("allowPrivilegeEscalation") !== false)
          report(`${container.label} does not set securityContext.allowPrivilegeEscalation: false`);
        if (effective(pod, container, "runAsNonRoot") !== true)
          report(`${container.label} does not set runAsNonRoot: true (on the pod or the container)`);
        if (effective(pod, container, "runAsUser") === 0) report(`${container.label} runs as uid 0`);
        const seccomp = field(effective(pod, container, "seccompProfile"), "type");
        if (!SECCOMP_OK.has(String(seccomp)))
          report(`${container.label} has no RuntimeDefault or Localhost seccomp profile (on the pod or the container)`);
        for (const port of items(container.spec.ports).filter(isProps))
          if (port.hostPort !== undefined && port.hostPort !== 0)
            report(`${container.label} binds host port ${text(port.hostPort)}`);
      }
    }
    if (docker) {
      if (docker.privileged === true) report("the container is privileged");
      const user = typeof docker.user === "string" ? docker.user.trim() : "";
      if (user === "" || /^(0|root)(:|$)/.test(user))
        report(`the container runs as root (user ${user === "" ? "unset" : `"${user}"`}): set a non-root uid:gid`);
      const opts = items(docker.securityOpts).map(String);
      if (!opts.some((opt) => /^no-new-privileges(:true|=true)?$/.test(opt)))
        report('the container lacks securityOpts "no-new-privileges:true"');
      for (const mode of ["networkMode", "pidMode", "ipcMode", "usernsMode"])
        if (docker[mode] === "host") report(`the container shares the host's namespace (${mode}: host)`);
      if (items(docker.devices).length > 0) report("the container is given host devices");
      for (const volume of items(docker.volumes).filter(isProps))
        if (volume.hostPath !== undefined) report(`the container mounts the host path ${text(volume.hostPath)}`);
      for (const mount of items(docker.mounts).filter(isProps))
        if (mount.type === "bind") report(`the container bind-mounts the host path ${text(mount.source)}`);
    }
  },
);

export const readOnlyRootFilesystem = containerPolicy(
  "read-only-root-filesystem",
  "Containers run with a read-only root filesystem (writable paths are volumes or memory-backed scratch).",
  (pod, docker, report) => {
    for (const container of pod?.containers ?? []) {
      if (field(container.spec, "securityContext", "readOnlyRootFilesystem") !== true)
        report(`${container.label} does not set securityContext.readOnlyRootFilesystem: true`);
    }
    if (docker && !neverStarts(docker) && docker.readOnly !== true)
      report("the container's root filesystem is writable (readOnly is not true)");
  },
);

export const dropAllCapabilities = containerPolicy(
  "drop-all-capabilities",
  "Containers drop ALL Linux capabilities and add back at most NET_BIND_SERVICE.",
  (pod, docker, report) => {
    const check = (label: string, drop: unknown, add: unknown) => {
      if (!items(drop).some((cap) => capabilityName(cap) === "ALL")) report(`${label} does not drop ALL capabilities`);
      const extra = items(add)
        .map(capabilityName)
        .filter((cap) => !ADDABLE.has(cap));
      if (extra.length > 0)
        report(`${label} adds capabilities ${extra.join(", ")} (only NET_BIND_SERVICE may be added)`);
    };
    for (const container of pod?.containers ?? []) {
      const caps = field(container.spec, "securityContext", "capabilities");
      check(container.label, field(caps, "drop"), field(caps, "add"));
    }
    if (docker) check("the container", field(docker.capabilities, "drops"), field(docker.capabilities, "adds"));
  },
);

export const resourceLimits = containerPolicy(
  "resource-limits",
  "Containers have CPU and memory limits.",
  (pod, docker, report) => {
    for (const container of pod?.containers ?? []) {
      if (container.role === "ephemeral") continue;
      const missing = ["cpu", "memory"].filter(
        (key) => field(container.spec, "resources", "limits", key) === undefined,
      );
      if (missing.length > 0) report(`${container.label} has no ${missing.join(" or ")} limit`);
    }
    if (docker && !neverStarts(docker)) {
      if (!(typeof docker.memory === "number" && docker.memory > 0)) report("the container has no memory limit");
      if (docker.cpus === undefined || docker.cpus === "") report("the container has no CPU limit (cpus)");
    }
  },
);

export const healthProbes = containerPolicy(
  "health-probes",
  "Long-running containers are health-checked: readiness and liveness probes on Kubernetes, a HEALTHCHECK on Docker.",
  (pod, docker, report) => {
    if (pod?.longRunning) {
      for (const container of pod.containers.filter((c) => c.role === "container")) {
        const missing = ["readinessProbe", "livenessProbe"].filter((key) => container.spec[key] === undefined);
        if (missing.length > 0) report(`${container.label} has no ${missing.join(" or ")}`);
      }
    }
    if (docker && !neverStarts(docker)) {
      const tests = items(field(docker.healthcheck, "tests")).map(String);
      if (tests.length === 0 || tests[0] === "NONE") report("the container has no health check");
    }
  },
);

/**
 * A server-side patch of a workload changes a pod the pack never sees whole: it could add a
 * privileged container or a host path to a Deployment that passed every policy. Workloads are
 * declared whole, so each policy checks the pod that will run.
 */
export const noWorkloadPatches: ResourceValidationPolicy = {
  name: "no-workload-patches",
  description:
    "Workloads are declared whole, never patched: a patch (DeploymentPatch, PodPatch, …) changes a pod the other policies cannot check.",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const kind = patchedWorkloadKind(args.type);
    if (kind !== undefined)
      report(`a ${kind} is patched (${args.type}): declare the ${kind} whole, so the pack checks the pod that runs`);
  },
};

export const containerPolicies = [
  restrictedPodProfile,
  readOnlyRootFilesystem,
  dropAllCapabilities,
  resourceLimits,
  healthProbes,
  noWorkloadPatches,
];
