import * as coreV1 from "@pulumi/kubernetes/core/v1";
import type * as pulumi from "@pulumi/pulumi";
import { DOCKYARD_LABELS } from "./kubernetes-labels";

/** What a typed Secret dockyard declares holds and where it lives. */
export interface TypedSecretArgs {
  /** The Secret's `type`, e.g. `kubernetes.io/tls`. */
  readonly type: string;
  /** Its entries, as strings (secrets stay secrets). */
  readonly stringData: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** @default the provider's namespace */
  readonly namespace?: pulumi.Input<string>;
  /** Labels besides {@link DOCKYARD_LABELS}. @default {} */
  readonly labels?: Record<string, string>;
}

/** A Secret named by Pulumi (new contents make a new Secret, so its users roll), labelled as dockyard's. */
export function typedSecret(name: string, args: TypedSecretArgs, opts?: pulumi.CustomResourceOptions): coreV1.Secret {
  return new coreV1.Secret(
    name,
    {
      metadata: {
        ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
        labels: { ...DOCKYARD_LABELS, ...args.labels },
      },
      type: args.type,
      stringData: args.stringData,
    },
    opts,
  );
}
