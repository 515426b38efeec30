/**
 * Validates the monitoring objects: the Prometheus Operator's kinds against the schemas its CRDs
 * publish (@kubernetes-models/prometheus-operator), everything else against kubernetes-models,
 * through the one validator every test uses (test/support/kubernetes-validate.ts).
 */
export { validateKubernetesObject as validateMonitoringObject } from "../../support/kubernetes-validate";
