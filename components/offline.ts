/**
 * What tools that evaluate a program offline (synth, parity, tests under Pulumi mocks) need
 * from the components: skipping the libvirt providers' serialization, and reading back what a
 * recorded resource renders to (a volume's XML, the pids limit a Command applies, a container's
 * Compose service).
 */
export { setDynamicProviderSerialization, UNSERIALIZED_PROVIDER } from "./libvirt/dynamic-resource";
export { volumeXml, type VolumeFormat } from "./libvirt/volume-xml";
export { appliedPidsLimit } from "./container-service/docker-pids";
/** Rendering a recorded container as a Compose service (synth's compose.yaml). */
export { composeService, type ComposeImage, type ComposeService } from "./container-service/compose";
export type { DockerContainerSettings } from "./workload";
