/**
 * A stand-in `virsh` for the Node-only suite: a POSIX sh script that answers each command with
 * canned output (or a canned failure, as libvirt's virsh prints it) and records every call, so
 * the providers' lifecycle runs without libvirt — also after closure serialization, where the XML
 * parser and every helper must still work — and tests can assert what was asked of libvirt.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the fake prints for one command: stdout alone, or a failure with virsh's stderr. */
export type VirshAnswer = string | { readonly stdout?: string; readonly stderr?: string; readonly exit?: number };

/** Canned answers by virsh command (the word after `-q -c <uri>`). */
export type VirshAnswers = Readonly<Record<string, VirshAnswer>>;

/** One recorded call: the URI, the command and its arguments, and the XML file it was given. */
export interface VirshCall {
  readonly uri: string;
  /** The command and its arguments; an XML file argument reads `<xml>`. */
  readonly args: readonly string[];
  /** The content of the XML file passed (define, net-define…), if any. */
  readonly xml?: string;
}

/** The running fake: what it was asked so far. */
export interface FakeVirsh {
  calls(): VirshCall[];
}

/** Puts a fake virsh first on PATH for the duration of `work`. */
export async function withFakeVirsh<T>(answers: VirshAnswers, work: (fake: FakeVirsh) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-fake-virsh-"));
  for (const [command, answer] of Object.entries(answers)) {
    const { stdout = "", stderr = "", exit = 0 } = typeof answer === "string" ? { stdout: answer } : answer;
    writeFileSync(join(dir, `${command}.out`), stdout);
    writeFileSync(join(dir, `${command}.err`), stderr);
    writeFileSync(join(dir, `${command}.exit`), String(exit));
  }
  // Arguments are recorded tab-separated, one call per line; virshWithXml's temporary file is
  // copied beside the log as xml.<call number> before virsh's caller removes it.
  const script = `#!/bin/sh
# -q -c <uri> <command> …
dir='${dir}'
n=$(( $(cat "$dir/calls" 2>/dev/null | wc -l) + 1 ))
line=""
for arg in "$@"; do
  case "$arg" in */dockyard-virsh-*/object.xml) cp "$arg" "$dir/xml.$n"; arg="<xml>" ;; esac
  line="$line$arg	"
done
printf '%s\\n' "$line" >> "$dir/calls"
if [ -f "$dir/$4.exit" ]; then
  cat "$dir/$4.out"
  cat "$dir/$4.err" >&2
  exit "$(cat "$dir/$4.exit")"
fi
echo "error: unexpected command $4" >&2
exit 1
`;
  writeFileSync(join(dir, "virsh"), script);
  chmodSync(join(dir, "virsh"), 0o755);
  const fake: FakeVirsh = {
    calls: () => {
      const log = join(dir, "calls");
      if (!existsSync(log)) return [];
      return readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line, index) => {
          const [, , uri = "", ...args] = line.split("\t").slice(0, -1);
          const xmlFile = join(dir, `xml.${index + 1}`);
          return existsSync(xmlFile) ? { uri, args, xml: readFileSync(xmlFile, "utf8") } : { uri, args };
        });
    },
  };
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path ?? ""}`;
  try {
    return await work(fake);
  } finally {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** virsh's stderr when the object asked for does not exist (libvirt 9). */
export function notFound(kind: "domain" | "network" | "pool", lookup: string): VirshAnswer {
  const what = { domain: "domain", network: "network", pool: "storage pool" }[kind];
  return {
    stderr: `error: failed to get ${kind} '${lookup}'\nerror: ${what} not found: no ${what} with matching name '${lookup}'\n`,
    exit: 1,
  };
}
