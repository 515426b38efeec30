/**
 * What tools that evaluate a program offline (synth, parity, tests under Pulumi mocks) need
 * from the components: skipping the libvirt providers' serialization, and reading back what a
 * recorded resource renders to (a volume's XML, the pids limit a Command applies).
 */
export { setDynamicProviderSerialization, UNSERIALIZED_PROVIDER } from "./libvirt/dynamic-resource";
export { volumeXml, type VolumeFormat } from "./libvirt/volume-xml";
export { appliedPidsLimit } from "./container-service/docker-pids";
