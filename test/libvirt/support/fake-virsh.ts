/**
 * A stand-in `virsh` for the Node-only suite: a POSIX sh script that answers the read commands
 * (dumpxml, info, domifaddr…) with canned output, so the providers' read runs without libvirt —
 * also after closure serialization, where the XML parser and every helper must still work.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Canned stdout by virsh command (the word after `-q -c <uri>`). */
export type VirshAnswers = Readonly<Record<string, string>>;

/** Puts a fake virsh first on PATH for the duration of `work`. */
export async function withFakeVirsh<T>(answers: VirshAnswers, work: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-fake-virsh-"));
  const cases = Object.entries(answers)
    .map(([command, out]) => {
      writeFileSync(join(dir, `${command}.out`), out);
      return `  ${command}) cat "${dir}/${command}.out" ;;`;
    })
    .join("\n");
  const script = `#!/bin/sh\n# -q -c <uri> <command> …\ncase "$4" in\n${cases}\n  *) echo "error: unexpected command $4" >&2; exit 1 ;;\nesac\n`;
  writeFileSync(join(dir, "virsh"), script);
  chmodSync(join(dir, "virsh"), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path ?? ""}`;
  try {
    return await work();
  } finally {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  }
}
