/**
 * The rules every layer applies to a value: stack config (infra/config-schema.ts) and the
 * components' own argument checks use these and nothing else, so both accept and refuse the
 * same values with the same words.
 */
export { accept, CONTROL_OR_LINE_BREAK, describedAs, refuse, rule, type Rule, type Verdict } from "./rule";
export { boolean, integerIn, list, map, oneOf, plainText, stringList } from "./basic";
export {
  cpu,
  cpuQuantity,
  DOCKER_MIN_CPU_MILLICORES,
  dockerCpuProblem,
  MAX_CPU_MILLICORES,
  MAX_MEMORY_BYTES,
  memory,
  memoryQuantity,
  MIN_MEMORY_BYTES,
} from "./quantities";
export {
  cidr,
  dnsLabel,
  dnsSubdomain,
  hostProblem,
  gatewayHost,
  isLoopbackHost,
  labelKey,
  labelValue,
  podSelector,
  port,
  portName,
  registryAddress,
  registryHost,
  registryHostOf,
  registryUser,
  serviceName,
  splitHostPort,
} from "./names";
export {
  dockerHost,
  dockerHostShape,
  libvirtUri,
  libvirtUriShape,
  parseLibvirtUri,
  type LibvirtUri,
} from "./endpoints";
export { capability, LINUX_CAPABILITIES } from "./capabilities";
export { sshPublicKey, SSH_KEY_TYPES } from "./ssh";
export { CRON_FIELDS, cronProblem, cronSchedule, drillAgeProblem, longestGapMinutes } from "./cron";
export {
  CREDENTIAL_KEYS,
  type GivenCredentials,
  parseResticRepository,
  REPOSITORY_CREDENTIALS,
  type RepositoryCredential,
  repositoryCredentialProblems,
  RESTIC_BACKENDS,
  type ResticBackend,
  type ResticRepository,
  resticRepository,
  resticRepositoryFor,
  resticRepositoryShape,
  RETENTION_RULES,
  retentionCount,
  type RetentionPolicy,
  retentionPolicyProblem,
  type RetentionRule,
  sshKnownHost,
  knownHostsName,
  knownHostsProblem,
} from "./restic";
export { imageReference } from "./image";
export { kubernetesVersion, OLDEST_KUBERNETES_MINOR } from "./kubernetes";
export { pemCertificate, pemPrivateKey } from "./pem";
