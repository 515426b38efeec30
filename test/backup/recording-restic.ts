/**
 * The backup image's scripts (apps/backup/) run with /bin/sh against a recording stand-in for
 * restic: every call's arguments are kept, and a scenario decides what each subcommand prints and
 * how it exits. The Node suite checks with it what the scripts ask restic to do and what they do
 * with its answers; the engine suite runs them against the real restic.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBounded } from "../../infra/cli/bounded-run";

const APP = join(__dirname, "..", "..", "apps", "backup");
/** Where the image installs lib.sh; the copies here source the checkout's instead. */
const INSTALLED_LIB = "/usr/local/lib/dockyard/backup.sh";

/** What the stand-in does, per call. */
export interface Scenario {
  /** No repository exists yet: `cat config` answers as restic does for a missing one. @default false */
  readonly noRepository?: boolean;
  /** Subcommands that fail, with their exit status (restic backup's 3: some files unreadable). */
  readonly fail?: Readonly<Record<string, number>>;
  /** `restore` leaves out the second file (a restore that lost data). @default false */
  readonly restoreLoses?: boolean;
  /** `restore` does not print that it verified the files. @default false */
  readonly restoreSkipsVerify?: boolean;
  /** How many hours before now the newest snapshot was taken. @default 0 */
  readonly snapshotAgeHours?: number;
  /**
   * Its JSON leaves out what restic deprecates (`struct_type` in `ls`, since 0.17; `short_id` in
   * `snapshots`, since 0.18), as a later restic may: only `message_type` and the full `id`. @default false
   */
  readonly withoutDeprecatedFields?: boolean;
}

/** One run of a script. */
export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** restic's arguments, one array per call, in order (global options such as --no-cache kept). */
  readonly calls: string[][];
}

/** The snapshot the stand-in holds: two files, as `restic ls --json` and `restore` render them. */
export const SNAPSHOT_ID = "4f".repeat(32);
const FILES = [
  { path: "a.txt", content: "hello" },
  { path: "dir/b.txt", content: "world!\n" },
];

/** The stand-in: records its argv, then answers by subcommand (the first argument not an option). */
const RESTIC = String.raw`#!/bin/sh
printf '%s\037' "$@" >>"$STANDIN_LOG"; printf '\n' >>"$STANDIN_LOG"
while :; do case "$1" in --no-cache) shift ;; -o) shift 2 ;; *) break ;; esac; done
sub=$1
eval "code=\${STANDIN_FAIL_$sub:-0}"
now=$(date -u -d "-$STANDIN_SNAPSHOT_AGE_HOURS hours" +%Y-%m-%dT%H:%M:%S)
case "$sub" in
  cat)
    if [ -n "$STANDIN_NO_REPOSITORY" ]; then echo "Fatal: unable to open config file: Is there a repository at the following location?" >&2; exit 1; fi ;;
  backup)
    echo '{"message_type":"status","percent_done":1}'
    [ "$code" -eq 1 ] && { echo "Fatal: unable to save snapshot" >&2; exit 1; }
    [ "$code" -eq 3 ] && echo '{"message_type":"error","error":{"message":"permission denied"},"during":"archival","item":"/source/secret"}' >&2
    echo '{"message_type":"summary","files_new":2,"files_changed":0,"files_unmodified":0,"data_added":12,"total_files_processed":2,"total_bytes_processed":12,"snapshot_id":"${SNAPSHOT_ID}"}' ;;
  snapshots)
    short=',"short_id":"4f4f4f4f"'; [ -z "$STANDIN_WITHOUT_DEPRECATED" ] || short=""
    echo '[{"time":"'"$now"'.000000000Z","hostname":"web-data","tags":["dockyard"],"id":"${SNAPSHOT_ID}"'"$short"'}]' ;;
  ls)
    kind=struct_type; [ -z "$STANDIN_WITHOUT_DEPRECATED" ] || kind=message_type
    echo '{"time":"'"$now"'Z","'$kind'":"snapshot","id":"${SNAPSHOT_ID}"}'
    echo '{"name":"a.txt","type":"file","path":"/a.txt","size":5,"'$kind'":"node"}'
    echo '{"name":"dir","type":"dir","path":"/dir","'$kind'":"node"}'
    echo '{"name":"b.txt","type":"file","path":"/dir/b.txt","size":7,"'$kind'":"node"}' ;;
  restore)
    target=""; prev=""
    for arg; do [ "$prev" = --target ] && target=$arg; prev=$arg; done
    mkdir -p "$target/dir" && printf hello >"$target/a.txt"
    [ -n "$STANDIN_RESTORE_LOSES" ] || printf 'world!\n' >"$target/dir/b.txt"
    [ -n "$STANDIN_RESTORE_SKIPS_VERIFY" ] || echo "finished verifying 2 files in /"
    ;;
esac
[ "$code" -eq 0 ] || { echo "Fatal: $sub failed (stand-in)" >&2; exit "$code"; }
exit 0
`;

/**
 * A fresh copy of the backup scripts with the stand-in on PATH; `run` starts one script. Each
 * run has its own source, scratch and target directories under `dir`.
 */
export function backupScripts(): {
  dir: string;
  run: (script: string, env?: Record<string, string>, scenario?: Scenario, args?: string[]) => ScriptRun;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-backup-scripts-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "restic"), RESTIC);
  chmodSync(join(bin, "restic"), 0o755);
  copyFileSync(join(APP, "lib.sh"), join(dir, "lib.sh"));
  for (const script of ["backup", "check", "drill", "restore"]) {
    const text = readFileSync(join(APP, script), "utf8");
    if (!text.includes(`. ${INSTALLED_LIB}`))
      throw new Error(`apps/backup/${script} no longer sources ${INSTALLED_LIB}`);
    writeFileSync(join(dir, script), text.replace(`. ${INSTALLED_LIB}`, `. ${join(dir, "lib.sh")}`));
  }
  let runs = 0;
  const run = (script: string, env: Record<string, string> = {}, scenario: Scenario = {}, args: string[] = []) => {
    const log = join(dir, `calls-${++runs}.log`);
    writeFileSync(log, "");
    const result = runBounded("/bin/sh", [join(dir, script), ...args], {
      timeoutMs: 30_000,
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        TMPDIR: dir,
        STANDIN_LOG: log,
        STANDIN_NO_REPOSITORY: scenario.noRepository ? "1" : "",
        STANDIN_RESTORE_LOSES: scenario.restoreLoses ? "1" : "",
        STANDIN_RESTORE_SKIPS_VERIFY: scenario.restoreSkipsVerify ? "1" : "",
        STANDIN_SNAPSHOT_AGE_HOURS: String(scenario.snapshotAgeHours ?? 0),
        STANDIN_WITHOUT_DEPRECATED: scenario.withoutDeprecatedFields ? "1" : "",
        ...Object.fromEntries(
          Object.entries(scenario.fail ?? {}).map(([sub, code]) => [`STANDIN_FAIL_${sub}`, String(code)]),
        ),
        PREFIX: "web-data",
        RESTIC_REPOSITORY: "rest:https://backup.example.com/dockyard/web-data",
        RESTIC_PASSWORD: "repository-password",
        ...env,
      },
    });
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("\x1f").slice(0, -1));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  };
  return { dir, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the stand-in snapshot's files into `dir` (a source to back up, or a non-empty target). */
export function writeSnapshotFiles(dir: string): void {
  for (const { path, content } of FILES) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** The subcommand of a recorded call (global options skipped). */
export function subcommand(call: readonly string[]): string {
  let i = 0;
  while (call[i] === "--no-cache" || call[i] === "-o") i += call[i] === "-o" ? 2 : 1;
  return call[i];
}
