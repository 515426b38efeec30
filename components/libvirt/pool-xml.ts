// Translator: a directory storage pool.
// @see https://libvirt.org/formatstorage.html
import { ArgProblems } from "../args";
import { absolutePath, objectName } from "./validate";
import { element } from "./xml";

/** What a pool is: the input of {@link poolXml}. */
export interface PoolSpec {
  /** Pool name on the host. */
  readonly name: string;
  /** Directory on the libvirt host holding the pool's volumes. */
  readonly path: string;
}

/** Renders a `dir` pool's XML; the directory is private to root and QEMU (mode 0711). */
export function poolXml(spec: PoolSpec, owner = `StoragePool "${spec.name}"`): string {
  const at = new ArgProblems(owner).root;
  const { name, path } = at.problems.done({
    name: at.field("name").check(objectName, spec.name),
    path: at.field("path").check(absolutePath, spec.path),
  });
  return [
    "<pool type='dir'>",
    `  ${element("name", name)}`,
    "  <target>",
    `    ${element("path", path)}`,
    // Traversable but not listable by others: volume names do not leak to local users.
    "    <permissions>",
    "      <mode>0711</mode>",
    "    </permissions>",
    "  </target>",
    "</pool>",
    "",
  ].join("\n");
}
