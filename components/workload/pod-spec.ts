import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { FILES_VOLUME } from "./files";
import { serviceLabels } from "./labels";
import { kubernetesProbes } from "./probes";
import { cpuQuantity, memoryQuantity } from "./resources";
import { containerSecurityContext, FILES_MODE_KUBERNETES, kubernetesPodSecurity, SCRATCH_PATH } from "./security";
import type { ResolvedService } from "./spec";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type PodTemplateSpec = k8s.types.input.core.v1.PodTemplateSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Name of the pod volume backing the scratch directory; a PersistentVolume may not use it. */
export const SCRATCH_VOLUME = "dockyard-scratch";

/**
 * The pod of a service: one container meeting the "restricted" Pod Security Standard with a
 * read-only root filesystem, a memory-backed emptyDir on /tmp, no service-account token, no
 * host namespaces (the pod and container security fields are security.ts's), requests and limits, the three probes, secrets by `secretKeyRef`, config
 * files from a Secret mounted read-only, and the image pull Secrets.
 * @param secretName name of the Secret holding the service's secrets (when it has any).
 * @param filesSecretName name of the Secret holding the service's files (when it has any).
 */
export function podSpec(
  spec: ResolvedService,
  secretName?: pulumi.Input<string>,
  filesSecretName?: pulumi.Input<string>,
): PodSpec {
  const { resources } = spec;
  const files = spec.files.length > 0;
  if (files && filesSecretName === undefined)
    throw new Error("podSpec: the service has files but no files Secret name was given");
  return {
    ...kubernetesPodSecurity(spec),
    terminationGracePeriodSeconds: spec.stopGraceSeconds,
    ...(spec.imagePullSecrets.length === 0
      ? {}
      : { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) }),
    containers: [
      {
        name: spec.name,
        image: spec.image,
        ...(spec.command === undefined ? {} : { command: spec.command }),
        ...(spec.args === undefined ? {} : { args: spec.args }),
        ports: spec.ports.map((p) => ({
          name: p.name,
          containerPort: p.containerPort,
          protocol: p.protocol.toUpperCase(),
        })),
        env: spec.env.map((e): EnvVar =>
          e.secret
            ? { name: e.name, valueFrom: { secretKeyRef: { name: secretRef(secretName), key: e.name } } }
            : { name: e.name, value: e.value },
        ),
        resources: {
          requests: {
            cpu: cpuQuantity(resources.cpuRequestMillis),
            memory: memoryQuantity(resources.memoryRequestBytes),
          },
          limits: { cpu: cpuQuantity(resources.cpuMillis), memory: memoryQuantity(resources.memoryBytes) },
        },
        securityContext: containerSecurityContext(spec),
        volumeMounts: [
          { name: SCRATCH_VOLUME, mountPath: SCRATCH_PATH },
          ...spec.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly })),
          ...(files ? [{ name: FILES_VOLUME, mountPath: spec.filesDir, readOnly: true }] : []),
        ],
        ...(spec.healthCheck === undefined ? {} : kubernetesProbes(spec.healthCheck)),
      },
    ],
    volumes: [
      { name: SCRATCH_VOLUME, emptyDir: { medium: "Memory", sizeLimit: memoryQuantity(spec.scratchBytes) } },
      ...spec.volumes.map((v) => ({
        name: v.name,
        persistentVolumeClaim: { claimName: v.source, readOnly: v.readOnly },
      })),
      // Owner root, group fsGroup (the service's gid), mode 0440: readable, not writable.
      ...(files
        ? [{ name: FILES_VOLUME, secret: { secretName: filesSecretName, defaultMode: FILES_MODE_KUBERNETES } }]
        : []),
    ],
  };
}

/** The pod template of the workload: the pod spec (with `scheduling` added) and the service's labels. */
export function podTemplate(
  spec: ResolvedService,
  secretName?: pulumi.Input<string>,
  filesSecretName?: pulumi.Input<string>,
  scheduling: Pick<PodSpec, "topologySpreadConstraints"> = {},
): PodTemplateSpec {
  return {
    metadata: { labels: serviceLabels(spec) },
    spec: { ...podSpec(spec, secretName, filesSecretName), ...scheduling },
  };
}

function secretRef(secretName: pulumi.Input<string> | undefined): pulumi.Input<string> {
  if (secretName === undefined) throw new Error("podSpec: the service has secrets but no Secret name was given");
  return secretName;
}
