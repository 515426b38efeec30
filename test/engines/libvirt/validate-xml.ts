// Runs libvirt's own schema validator on rendered XML (libvirt-clients' virt-xml-validate).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    return await new Promise((resolve) => {
      execFile(validator, [file], (error, stdout, stderr) => {
        resolve({
          exitCode: typeof error?.code === "number" ? error.code : error ? 1 : 0,
          output: `${stdout}${stderr}`,
        });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
