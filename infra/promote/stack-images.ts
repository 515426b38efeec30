import { isMap, isScalar, type Document, parseDocument, YAMLMap } from "yaml";
import { InputError } from "../cli/run";
import { CONFIG_NAMESPACE } from "../config-source";

/**
 * Writes each slot's `image` (`services.<name>.image`, `backup.image`) into a stack settings
 * file's text, keeping everything else — comments, order, quoting, blank lines — as it was (the
 * `yaml` Document API edits the parsed tree in place). The text was already read and validated
 * by the stack file reader.
 */
export function withPinnedImages(text: string, file: string, images: Readonly<Record<string, string>>): string {
  const document = parseDocument(text, { keepSourceTokens: true });
  if (document.errors.length > 0) throw new InputError(`${file}: is not valid YAML: ${document.errors[0].message}`);
  const config = document.get("config", true);
  if (!isMap(config)) throw new InputError(`${file}: has no config: mapping to write images into`);
  for (const [slot, image] of Object.entries(images)) {
    const [section, ...rest] = slot.split(".");
    const path = [sectionKey(config, section), ...rest];
    const entry = config.getIn(path, true);
    if (entry === undefined || (isScalar(entry) && (entry.value === null || entry.value === undefined))) {
      config.setIn(path, new YAMLMap());
    } else if (!isMap(entry)) {
      throw new InputError(`${file}: ${CONFIG_NAMESPACE}:${slot} is not a mapping`);
    }
    const current = config.getIn([...path, "image"], true);
    if (isMap(current))
      throw new InputError(
        `${file}: ${CONFIG_NAMESPACE}:${slot}.image is a secret: promotion writes digests in plain text; remove the secret first`,
      );
    config.setIn([...path, "image"], image);
  }
  return render(document);
}

/** The key the file already uses for a section (`dockyard:services` or the bare `services`). */
function sectionKey(config: YAMLMap, section: string): string {
  const keys = config.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined));
  return keys.includes(section) && !keys.includes(`${CONFIG_NAMESPACE}:${section}`)
    ? section
    : `${CONFIG_NAMESPACE}:${section}`;
}

function render(document: Document): string {
  // No folding: a long SSH key or digest stays on its line.
  return document.toString({ lineWidth: 0 });
}
