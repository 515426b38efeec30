// Runs libvirt's own schema validator on rendered XML (libvirt-clients' virt-xml-validate).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execTool, type ExecError } from "../../../components/libvirt/virsh";
import { toolPath } from "../support/requirements";

/** Result of one `virt-xml-validate` run. */
export interface XmlValidation {
  readonly exitCode: number;
  readonly output: string;
}

/** Writes `xml` to a temporary file and validates it against libvirt's RelaxNG schemas. */
export async function virtXmlValidate(xml: string): Promise<XmlValidation> {
  const validator = await toolPath("virt-xml-validate");
  const dir = mkdtempSync(join(tmpdir(), "dockyard-xml-"));
  const file = join(dir, "object.xml");
  writeFileSync(file, xml);
  try {
    try {
      return { exitCode: 0, output: await execTool(validator, [file]) };
    } catch (error) {
      const { code, stdout, stderr } = error as ExecError;
      return { exitCode: typeof code === "number" ? code : 1, output: `${stdout}${stderr}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
