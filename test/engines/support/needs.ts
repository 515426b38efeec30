import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { beforeEach } from "vitest";
import { ensure, type Need } from "./requirements";

/**
 * Where libvirtd logs: the file a running libvirtd writes its output to (as .ci/engines/libvirt.sh
 * starts it), else the engine scripts' default directory, else libvirt's default file.
 */
function libvirtdLogFiles(): string[] {
  const running = readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => readOr(`/proc/${pid}/comm`).trim() === "libvirtd")
    .map((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/1`);
      } catch {
        return "";
      }
    })
    .filter((file) => file.startsWith("/"));
  return [
    ...running,
    join(process.env.DOCKYARD_CI_DIR ?? "/tmp/dockyard-ci", "libvirtd.log"),
    "/var/log/libvirt/libvirtd.log",
  ];
}

function readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The last lines of libvirtd's log, for a failed test's report. */
export function libvirtdLogTail(lines = 20): string {
  const candidates = libvirtdLogFiles();
  const file = candidates.find((candidate) => readOr(candidate).trim() !== "");
  if (file === undefined) return `libvirtd's log: none found (${candidates.join(", ")})`;
  const tail = readOr(file).trimEnd().split("\n").slice(-lines);
  return [`libvirtd's last log lines (${file}):`, ...tail.map((line) => `  ${line}`)].join("\n");
}

/**
 * Declares what every test of the calling file needs. When something is missing, each test
 * fails with one line naming it and the set-up command: a check in beforeEach fails the test,
 * whereas a failing beforeAll would only mark the file's tests skipped. Checked once per file.
 */
export function needs(...what: Need[]): void {
  let check: Promise<void> | undefined;
  beforeEach(({ onTestFailed }) => {
    // A libvirt test that fails (a virsh killed at its limit above all) says what the daemon did.
    if (what.includes("libvirtd")) onTestFailed(() => console.error(libvirtdLogTail()));
    return (check ??= ensure(...what));
  });
}
