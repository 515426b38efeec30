import { parse } from "yaml";

/**
 * Validates a Kubernetes object against the API schema with kubernetes-models (wrong types,
 * missing required fields, bad enums), and cert-manager's objects with the models cert-manager's
 * CRDs publish (@kubernetes-models/cert-manager). Throws with the model's message when invalid,
 * and when no model exists for its apiVersion/kind (an unknown kind is a mistake too).
 */
export function validateKubernetesObject(object: { apiVersion?: unknown; kind?: unknown }): void {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const modelPackage = /(^|\.)cert-manager\.io\//.test(apiVersion)
    ? "@kubernetes-models/cert-manager"
    : "kubernetes-models";
  let model: new (data: unknown) => { validate(): void };
  try {
    // oxlint-disable-next-line typescript/no-require-imports
    model = (require(`${modelPackage}/${apiVersion}/${kind}`) as Record<string, typeof model>)[kind];
  } catch {
    throw new Error(`no ${modelPackage} schema for ${apiVersion} ${kind}`);
  }
  if (typeof model !== "function") throw new Error(`no ${modelPackage} schema for ${apiVersion} ${kind}`);
  new model(object).validate();
}

/** Parses one YAML document and validates it. */
export function validateKubernetesYaml(text: string): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} {
  const object = parse(text) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  validateKubernetesObject(object);
  return object;
}
