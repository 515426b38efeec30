import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import type { AccessMode, Target, VolumeRef } from "./types";
import { dockerVolumeSettings, persistentVolumeClaim, resolveVolumeSpec } from "./persistent-volume/resolve";

/** Arguments of {@link PersistentVolume}. */
export interface PersistentVolumeArgs {
  /** Where the volume lives: a Docker named volume or a Kubernetes PersistentVolumeClaim. */
  readonly target: Target;
  /**
   * Size in GiB (Kubernetes; Docker's local driver does not limit size).
   * @default 1
   */
  readonly sizeGiB?: number;
  /**
   * Kubernetes access mode. A writable ReadWriteOnce(Pod) volume belongs to one replica.
   * @default "ReadWriteOnce"
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
   */
  readonly accessMode?: AccessMode;
  /**
   * Kubernetes StorageClass name.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: pulumi.Input<string>;
  /**
   * Kubernetes namespace of the claim (the services mounting it must run there).
   * @default the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Extra labels (the `app.kubernetes.io/*` ones are set by dockyard).
   * @default {}
   */
  readonly labels?: Record<string, string>;
  /**
   * Keep the Docker volume or PVC (and its data) when Pulumi deletes or replaces this resource.
   * Pass `protect: true` in the resource options as well to refuse deletion outright (prod does).
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/**
 * A named volume whose data outlives the services that mount it. Its physical name is its own
 * logical name (a DNS label), so renaming or replacing a service never orphans its data.
 */
export class PersistentVolume extends pulumi.ComponentResource implements VolumeRef {
  /** Physical name to mount: the Docker volume's or the PVC's name. */
  declare public readonly volumeName: pulumi.Output<string>;
  /** The volume's logical name. */
  public readonly logicalName: string;
  /** Access mode, read by ContainerService to pick a Deployment or a StatefulSet. */
  public readonly accessMode: AccessMode;
  /** The Docker volume or the PersistentVolumeClaim itself (to depend on, or to read its status). */
  declare public readonly volume: docker.Volume | coreV1.PersistentVolumeClaim;

  constructor(name: string, args: PersistentVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dockyard:storage:PersistentVolume", name, {}, opts);
    const spec = resolveVolumeSpec(name, args);
    this.logicalName = spec.name;
    this.accessMode = spec.accessMode;
    const childOpts: pulumi.CustomResourceOptions = {
      parent: this,
      retainOnDelete: spec.retainOnDelete,
      protect: opts?.protect,
    };
    if (spec.target === "docker") {
      const volume = new docker.Volume(name, dockerVolumeSettings(spec), childOpts);
      this.volume = volume;
      this.volumeName = volume.name;
    } else {
      const claim = persistentVolumeClaim(spec);
      const created = new coreV1.PersistentVolumeClaim(name, { metadata: claim.metadata, spec: claim.spec }, childOpts);
      this.volume = created;
      this.volumeName = created.metadata.name;
    }
    this.registerOutputs({ volumeName: this.volumeName });
  }
}
