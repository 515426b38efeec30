import { isMap, isScalar, type Document, parseDocument, YAMLMap } from "yaml";
import { InputError } from "../cli/run";
import { CONFIG_NAMESPACE } from "../config-source";

/**
 * Writes `services.<name>.image` into a stack settings file's text, keeping everything else —
 * comments, order, quoting, blank lines — as it was (the `yaml` Document API edits the parsed
 * tree in place). The text was already read and validated by the stack file reader.
 */
export function withServiceImages(text: string, file: string, images: Readonly<Record<string, string>>): string {
  const document = parseDocument(text, { keepSourceTokens: true });
  if (document.errors.length > 0) throw new InputError(`${file}: is not valid YAML: ${document.errors[0].message}`);
  const config = document.get("config", true);
  if (!isMap(config)) throw new InputError(`${file}: has no config: mapping to write images into`);
  const key = servicesKey(config);
  for (const [service, image] of Object.entries(images)) {
    const path = [key, service];
    const entry = config.getIn(path, true);
    if (entry === undefined || (isScalar(entry) && (entry.value === null || entry.value === undefined))) {
      config.setIn(path, new YAMLMap());
    } else if (!isMap(entry)) {
      throw new InputError(`${file}: ${CONFIG_NAMESPACE}:services.${service} is not a mapping`);
    }
    const current = config.getIn([...path, "image"], true);
    if (isMap(current))
      throw new InputError(
        `${file}: ${CONFIG_NAMESPACE}:services.${service}.image is a secret: promotion writes digests in plain text; remove the secret first`,
      );
    config.setIn([...path, "image"], image);
  }
  return render(document);
}

/** The key the file already uses for the services (`dockyard:services` or the bare `services`). */
function servicesKey(config: YAMLMap): string {
  const keys = config.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined));
  return keys.includes("services") && !keys.includes(`${CONFIG_NAMESPACE}:services`)
    ? "services"
    : `${CONFIG_NAMESPACE}:services`;
}

function render(document: Document): string {
  // No folding: a long SSH key or digest stays on its line.
  return document.toString({ lineWidth: 0 });
}
