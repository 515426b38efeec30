/**
 * The database steps (apps/backup/postgres.ts) run with /bin/sh against recording stand-ins for
 * psql, pg_dump, pg_restore, initdb and pg_ctl: every call's arguments are kept (and the pgpass
 * file libpq would read), and a scenario decides their answers. The Node suite checks with it how
 * the script uses the tools and reports their failures; the engine suite runs the real ones.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBounded } from "../../infra/cli/bounded-run";
import { POSTGRES_SCRIPT, type PostgresStep } from "../../apps/backup/postgres";

/** What the stand-ins do. */
export interface PostgresScenario {
  /** psql cannot connect (a wrong password). @default false */
  readonly connectFails?: boolean;
  /** pg_dump fails after writing part of its file. @default false */
  readonly dumpFails?: boolean;
  /** Table data entries `pg_restore --list` lists. @default 2 */
  readonly tableData?: number;
  /** Relations the live database already holds (load's emptiness check). @default 0 */
  readonly existing?: number;
  /** pg_restore fails restoring (a truncated dump). @default false */
  readonly restoreFails?: boolean;
}

/** One run of a step. */
export interface StepRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Each tool call: the tool, its arguments, the pgpass file it would read and its mode ("" when none). */
  readonly calls: { tool: string; args: string[]; pgpass: string; pgpassMode: string }[];
  /** The step's TMPDIR: its private working directory was made, and must be removed, there. */
  readonly tmp: string;
}

const RECORD = String.raw`{ printf '%s\037' "$(basename "$0")" "$@"; printf '\n'; } >>"$STANDIN_LOG"
printf 'PGPASS=%s|%s\n' "$( [ -n "$PGPASSFILE" ] && stat -c %a "$PGPASSFILE" 2>/dev/null)" "$( [ -n "$PGPASSFILE" ] && cat "$PGPASSFILE" 2>/dev/null | tr '\n' ' ' )" >>"$STANDIN_LOG"
`;

const TOOLS: Record<string, string> = {
  psql: String.raw`
[ -z "$STANDIN_CONNECT_FAILS" ] || { echo 'psql: error: connection to server at "db", port 5432 failed: FATAL:  password authentication failed for user "shop"' >&2; exit 2; }
sql=""; file=""
while [ "$#" -gt 0 ]; do case "$1" in -c) sql=$2; shift 2 ;; -f) file=$2; shift 2 ;; *) shift ;; esac; done
[ -n "$sql" ] || [ -n "$file" ] || sql=$(cat)
case "$sql" in
  *"select 1"*) echo 1 ;;
  *server_version*) echo "15.18 (stand-in)" ;;
  *string_agg*) echo 'select count(*) from "public"."items" union all select count(*) from "public"."stock"' ;;
  *"relkind in"*) echo "$STANDIN_EXISTING" ;;
  *"create database"*) ;;
  "") printf '3\n4\n' ;;
esac
`,
  pg_dump: String.raw`
for arg; do case "$arg" in --file=*) file=${"$"}{arg#--file=} ;; esac; done
printf 'PGDMP partial' >"$file"
[ -z "$STANDIN_DUMP_FAILS" ] || { echo 'pg_dump: error: query failed: server closed the connection unexpectedly' >&2; exit 1; }
printf 'PGDMP stand-in dump' >"$file"
`,
  pg_restore: String.raw`
last=""; for arg; do last=$arg; done
case "$1" in
  --list)
    i=0; while [ "$i" -lt "$STANDIN_TABLE_DATA" ]; do i=$((i + 1)); echo "$((i + 100)); 0 1638$i TABLE DATA public t$i shop"; done ;;
  *) [ -z "$STANDIN_RESTORE_FAILS" ] || { echo 'pg_restore: error: could not read from input file: end of file' >&2; exit 1; } ;;
esac
`,
  initdb: String.raw`
for arg; do case "$arg" in --pgdata=*) mkdir -p "${"$"}{arg#--pgdata=}" ;; esac; done
`,
  pg_ctl: "",
};

/** A work space with the stand-ins on PATH; `run` runs one step with the environment a container would give it. */
export function postgresSteps(): {
  dir: string;
  run: (step: PostgresStep, env?: Record<string, string>, scenario?: PostgresScenario) => StepRun;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-postgres-steps-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const [tool, body] of Object.entries(TOOLS)) {
    const version =
      tool === "pg_dump" ? `[ "$1" != --version ] || { echo "pg_dump (PostgreSQL) 15.18"; exit 0; }\n` : "";
    writeFileSync(join(bin, tool), `#!/bin/sh\n${RECORD}${version}${body}\nexit 0\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const secrets = join(dir, "secrets");
  mkdirSync(secrets);
  let runs = 0;
  const run = (step: PostgresStep, env: Record<string, string> = {}, scenario: PostgresScenario = {}): StepRun => {
    const log = join(dir, `calls-${++runs}.log`);
    const work = join(dir, `work-${runs}`);
    mkdirSync(join(work, "tmp"), { recursive: true });
    writeFileSync(log, "");
    const result = runBounded("/bin/sh", ["-c", POSTGRES_SCRIPT, "dockyard-postgres", step], {
      timeoutMs: 30_000,
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        TMPDIR: join(work, "tmp"),
        STANDIN_LOG: log,
        STANDIN_CONNECT_FAILS: scenario.connectFails ? "1" : "",
        STANDIN_DUMP_FAILS: scenario.dumpFails ? "1" : "",
        STANDIN_TABLE_DATA: String(scenario.tableData ?? 2),
        STANDIN_EXISTING: String(scenario.existing ?? 0),
        STANDIN_RESTORE_FAILS: scenario.restoreFails ? "1" : "",
        PGHOST: "db",
        PGPORT: "5432",
        PGUSER: "shop",
        PGDATABASE: "shop",
        PREFIX: "shop-data",
        DATABASE_DIR: join(work, "database"),
        DATABASE_PASSWORD_FILE: join(secrets, "password"),
        ...env,
      },
    });
    const lines = readFileSync(log, "utf8").split("\n");
    const calls = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const [tool, ...args] = lines[i].split("\x1f").slice(0, -1);
      const [pgpassMode, ...pgpass] = lines[i + 1].replace(/^PGPASS=/, "").split("|");
      calls.push({ tool, args, pgpass: pgpass.join("|").trim(), pgpassMode });
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, tmp: join(work, "tmp") };
  };
  return { dir, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
