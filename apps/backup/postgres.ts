/**
 * The database side of a PostgreSQL source (Backup `database`): a POSIX sh script the backup jobs
 * run in the database's own image, so pg_dump, pg_restore, psql, initdb and pg_ctl are the
 * server's own version and the backup image stays restic, busybox and ssh. It is passed inline
 * (`/bin/sh -c SCRIPT dockyard-postgres STEP`), so the image needs nothing of dockyard's.
 *
 * Steps (see docs/decisions/0020-database-backups.md):
 * - `dump`: `pg_dump --format=custom` of the live database (one transaction, one MVCC snapshot:
 *   consistent while the database runs) into DATABASE_DIR/dump/<database>.dump, read back with
 *   `pg_restore --list` before it counts; the restic container stores it next.
 * - `verify` (the drill): DATABASE_DIR/drill/<database>.dump, which the restic container took
 *   from the newest snapshot, restored into a throwaway server (`initdb` in DATABASE_DIR/server,
 *   a Unix socket only, no TCP); its table of contents must list table data, `pg_restore` must
 *   exit 0, and the restored tables are counted, rows and all. Prints `drill: OK …` or `drill: FAILED …`.
 * - `load` (the restore): DATABASE_DIR/restore/<database>.dump into the live database, which must
 *   hold no table, view or sequence yet; one transaction, so a failure writes nothing.
 * - `agent` (Docker, which has no pods): runs those steps for the scheduler and the restore
 *   container, asked through files in DATABASE_DIR/agent, one at a time ({@link AGENT_HEALTH_COMMAND}
 *   is its health check).
 *
 * Environment: PGHOST, PGPORT, PGUSER, PGDATABASE (read by libpq itself), DATABASE_PASSWORD_FILE
 * (dump and load: turned into a private pgpass file; the password is never an argument, a
 * variable or a log line), PREFIX (the snapshots' host name), DATABASE_DIR.
 */
import { DATABASE_DIR } from "./contract";

/** The steps of {@link POSTGRES_SCRIPT}. */
export const POSTGRES_STEPS = ["dump", "verify", "load", "agent"] as const;
/** @see POSTGRES_STEPS */
export type PostgresStep = (typeof POSTGRES_STEPS)[number];

/** The user the throwaway drill server's superuser is called. */
export const DRILL_SUPERUSER = "dockyard_drill";

/** The agent's own heartbeat (in its /tmp), which its health check consumes. */
export const AGENT_HEARTBEAT = "/tmp/dockyard-postgres-agent.alive";

/** Where the agent, beside its own heartbeat, shows the scheduler it is alive (touched every second). */
export const AGENT_ALIVE_FILE = `${DATABASE_DIR}/agent/alive`;

/**
 * The agent's Docker health check, exec form without a shell (Podman's Docker API splits an
 * argument holding whitespace): the agent re-creates its heartbeat every second, even while a step
 * runs, and the check removes it, so it passes only when the loop ran since the last check.
 */
export const AGENT_HEALTH_COMMAND: readonly string[] = ["rm", AGENT_HEARTBEAT];

/** The script's name in `ps` and in its messages (`$0` of `sh -c`). */
const SCRIPT_NAME = "dockyard-postgres";

/**
 * The script. Written for dash, bash and busybox ash alike (Debian- and Alpine-based images), with
 * only the utilities both have. It never uses the shell's `${…}`: in this String.raw template
 * `${…}` puts in the TypeScript constants above.
 */
export const POSTGRES_SCRIPT = String.raw`set -e
umask 007
JOB=postgres
WORK=""
SERVER_DATA=""
SERVER_DIR=""

say() { echo "$JOB: $*"; }
fail() {
  echo "$JOB: $*" >&2
  exit 1
}
# First lines of a file, on one line.
brief() { head -n 5 "$1" | tr '\n' ' ' | sed 's/ *$//'; }
require() {
  for name in "$@"; do
    eval "value=\$$name"
    [ -n "$value" ] || fail "$name is required"
  done
}
# The database as it may be shown (never the password).
where() { printf 'database "%s" on %s:%s as %s' "$DB" "$PGHOST" "$PGPORT" "$PGUSER"; }

cleanup() {
  if [ -n "$SERVER_DATA" ]; then
    pg_ctl --pgdata="$SERVER_DATA" --mode=immediate --wait stop >/dev/null 2>&1 || true
  fi
  [ -z "$SERVER_DIR" ] || rm -rf "$SERVER_DIR"
  [ -z "$WORK" ] || rm -rf "$WORK"
}

# A private working directory in /tmp (the container's scratch tmpfs), removed on exit.
workspace() {
  tmp=$TMPDIR
  [ -n "$tmp" ] || tmp=/tmp
  WORK=$(mktemp -d "$tmp/dockyard-postgres.XXXXXX") || fail "cannot create a private working directory in $tmp"
  trap cleanup EXIT
  trap 'exit 1' HUP INT TERM
}

# libpq's password file, readable by this user only: "*:*:*:*:" and the password's first line with
# "\" and ":" escaped. The password goes from file to file through pipes: never an argument.
password_setup() {
  file=$DATABASE_PASSWORD_FILE
  [ -n "$file" ] && [ -r "$file" ] || fail "the database password file $file cannot be read"
  (
    umask 077
    printf '*:*:*:*:' >"$WORK/pgpass"
    head -n 1 "$file" | tr -d '\r\n' | sed -e 's/\\/\\\\/g' -e 's/:/\\:/g' >>"$WORK/pgpass"
    echo >>"$WORK/pgpass"
  ) || fail "cannot write a private password file in $WORK"
  [ "$(wc -c <"$WORK/pgpass")" -gt 9 ] || fail "the database password file $file is empty"
  PGPASSFILE=$WORK/pgpass
  export PGPASSFILE
  unset PGPASSWORD
}

sql() { psql -X -A -t -q -v ON_ERROR_STOP=1 --no-password "$@"; }

connect() {
  sql -c 'select 1' >/dev/null 2>"$WORK/connect" || fail "cannot connect to $(where): $(brief "$WORK/connect")"
}

# What the restic container wrote about the snapshot it fetched into $1: "short-id day time age-hours".
snapshot_info() {
  SHORT=unknown TAKEN=unknown AGE=unknown
  if [ -r "$1/snapshot" ]; then
    read -r SHORT day time AGE <"$1/snapshot" || true
    TAKEN="$day $time"
  fi
}

# TABLES and ROWS of database $1: its ordinary tables outside the system schemas, each counted.
count_rows() {
  sql -d "$1" >"$WORK/count.sql" 2>"$WORK/count.err" <<'SQL' || return 1
select coalesce(string_agg(format('select count(*) from %I.%I', n.nspname, c.relname), E' union all\n'), '')
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'r' and n.nspname <> 'information_schema' and n.nspname not like 'pg\_%'
SQL
  TABLES=0
  ROWS=0
  grep -q count "$WORK/count.sql" || return 0
  sql -d "$1" -f "$WORK/count.sql" >"$WORK/counts" 2>"$WORK/count.err" || return 1
  while read -r n; do
    TABLES=$((TABLES + 1))
    ROWS=$((ROWS + n))
  done <"$WORK/counts"
}

# The table of contents of dump $1 into $WORK/toc, and ENTRIES: its table data entries.
table_of_contents() {
  pg_restore --list "$1" >"$WORK/toc" 2>"$WORK/toc.err" || return 1
  ENTRIES=$(grep -c ' TABLE DATA ' "$WORK/toc" || true)
}

step_dump() {
  require PGHOST PGPORT PGUSER PGDATABASE DATABASE_DIR
  DB=$PGDATABASE
  workspace
  password_setup
  connect
  dir=$DATABASE_DIR/dump
  mkdir -p "$dir" || fail "cannot create $dir"
  dump=$dir/$DB.dump
  rm -f "$dump" "$dump.partial"
  server=$(sql -c 'show server_version' 2>/dev/null) || server=unknown
  started=$(date +%s)
  # One transaction at REPEATABLE READ: the database as it was at one instant, while it runs.
  if ! pg_dump --format=custom --no-password --file="$dump.partial" 2>"$WORK/dump.err"; then
    rm -f "$dump.partial"
    cat "$WORK/dump.err" >&2
    fail "pg_dump of $(where) failed (above); nothing was stored"
  fi
  if ! table_of_contents "$dump.partial"; then
    rm -f "$dump.partial"
    fail "pg_restore --list cannot read the dump pg_dump wrote: $(brief "$WORK/toc.err")"
  fi
  mv "$dump.partial" "$dump"
  say "dumped $(where) with $(pg_dump --version) (server $server) in $(($(date +%s) - started)) s: $(wc -c <"$dump") bytes, $ENTRIES table data entries"
}

# A throwaway server in $SERVER_DIR: initdb, then a postmaster on a Unix socket in $WORK only (no
# TCP), without fsync (what it holds is thrown away). Stopped and removed on exit.
scratch_server() {
  rm -rf "$SERVER_DIR"
  mkdir -p "$SERVER_DIR" || return 1
  if ! initdb --pgdata="$SERVER_DIR/data" --username=${DRILL_SUPERUSER} --auth=trust --encoding=UTF8 --locale=C --no-sync >"$WORK/initdb" 2>&1; then
    if grep -q 'could not look up effective user ID' "$WORK/initdb"; then
      echo "initdb needs a user of the image to run as, and uid $(id -u) is none (database.runAsUser: the image's postgres user, e.g. 999)" >"$WORK/server.err"
    else
      echo "initdb of a scratch server failed: $(brief "$WORK/initdb")" >"$WORK/server.err"
    fi
    return 1
  fi
  mkdir -p "$WORK/socket"
  SERVER_DATA=$SERVER_DIR/data
  if ! pg_ctl --pgdata="$SERVER_DATA" --log="$SERVER_DIR/log" --wait --timeout=120 --silent \
    --options="-c listen_addresses='' -c unix_socket_directories='$WORK/socket' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
    start >/dev/null 2>&1; then
    echo "the scratch server did not start: $(tail -n 5 "$SERVER_DIR/log" 2>/dev/null | tr '\n' ' ')" >"$WORK/server.err"
    return 1
  fi
}

step_verify() {
  require PGDATABASE DATABASE_DIR PREFIX
  DB=$PGDATABASE
  workspace
  snapshot_info "$DATABASE_DIR/drill"
  drill_failed() {
    echo "drill: FAILED for $PREFIX: snapshot $SHORT (taken $TAKEN UTC): $*" >&2
    exit 1
  }
  dump=$DATABASE_DIR/drill/$DB.dump
  [ -s "$dump" ] || drill_failed "no dump of database $DB at $dump (the restic step fetches it first)"
  bytes=$(wc -c <"$dump")
  table_of_contents "$dump" ||
    drill_failed "the dump of database $DB ($bytes bytes) is not a readable pg_dump archive: $(brief "$WORK/toc.err")"
  [ "$ENTRIES" -gt 0 ] ||
    drill_failed "the dump's table of contents lists no table data: database $DB held no table when it was dumped (the wrong database or user?)"
  SERVER_DIR=$DATABASE_DIR/server
  started=$(date +%s)
  scratch_server || drill_failed "$(cat "$WORK/server.err")"
  PGHOST=$WORK/socket PGPORT=5432 PGUSER=${DRILL_SUPERUSER}
  export PGHOST PGPORT PGUSER
  unset PGPASSFILE PGDATABASE
  version=$(sql -d postgres -c 'show server_version') || drill_failed "the scratch server does not answer"
  sql -d postgres -c 'create database drill' >/dev/null 2>"$WORK/create.err" ||
    drill_failed "cannot create the scratch database: $(brief "$WORK/create.err")"
  # Objects belong to the scratch superuser: the dump's roles do not exist in a fresh server.
  pg_restore --exit-on-error --no-owner --no-privileges --dbname=drill "$dump" 2>"$WORK/restore.err" ||
    drill_failed "pg_restore of the dump of database $DB ($bytes bytes, $ENTRIES table data entries) into a scratch server failed: $(brief "$WORK/restore.err")"
  count_rows drill || drill_failed "cannot count the restored rows: $(brief "$WORK/count.err")"
  [ "$TABLES" -ge "$ENTRIES" ] ||
    drill_failed "the dump lists $ENTRIES table data entries, the scratch server holds $TABLES tables"
  echo "drill: OK for $PREFIX: snapshot $SHORT (taken $TAKEN UTC, $AGE h ago): the dump of database $DB ($bytes bytes, $ENTRIES table data entries) restored into a scratch PostgreSQL $version server in $(($(date +%s) - started)) s: $TABLES tables, $ROWS rows"
}

step_load() {
  require PGHOST PGPORT PGUSER PGDATABASE DATABASE_DIR PREFIX
  DB=$PGDATABASE
  workspace
  snapshot_info "$DATABASE_DIR/restore"
  dump=$DATABASE_DIR/restore/$DB.dump
  [ -s "$dump" ] || fail "no dump of database $DB at $dump (the restic step fetches it first)"
  table_of_contents "$dump" || fail "the dump in snapshot $SHORT is not a readable pg_dump archive: $(brief "$WORK/toc.err")"
  password_setup
  connect
  existing=$(sql 2>"$WORK/existing.err" <<'SQL'
select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname <> 'information_schema' and n.nspname not like 'pg\_%'
SQL
  ) || fail "cannot read the catalog of $(where): $(brief "$WORK/existing.err")"
  [ "$existing" -eq 0 ] ||
    fail "$(where) is not empty ($existing tables, views or sequences): restore only into an empty database (nothing was written); drop it and create it empty first"
  say "restoring snapshot $SHORT of $PREFIX (taken $TAKEN UTC) into $(where)"
  # One transaction: on any error nothing is written. Objects belong to the user restoring.
  if ! pg_restore --exit-on-error --single-transaction --no-owner --no-password --dbname="$DB" "$dump" 2>"$WORK/restore.err"; then
    cat "$WORK/restore.err" >&2
    fail "pg_restore into $(where) failed (above); nothing was written"
  fi
  count_rows "$DB" || fail "cannot count the restored rows: $(brief "$WORK/count.err")"
  say "restored snapshot $SHORT into $(where): $TABLES tables, $ROWS rows"
}

# One request: "<id>.request" holds a step; its output goes to <id>.out and <id>.err, its exit
# status last to <id>.status. The heartbeats go on while it runs.
serve() {
  id=$(basename "$1" .request)
  step=$(cat "$AGENT_DIR/$1" 2>/dev/null || true)
  rm -f "$AGENT_DIR/$1"
  case "$step" in
    dump | verify | load) ;;
    *)
      echo "$JOB: unknown step '$step'" >"$AGENT_DIR/$id.err"
      echo 2 >"$AGENT_DIR/$id.status"
      return 0
      ;;
  esac
  say "$step (request $id)"
  ("step_$step") >"$AGENT_DIR/$id.out" 2>"$AGENT_DIR/$id.err" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    touch "${AGENT_HEARTBEAT}" "$AGENT_DIR/alive" 2>/dev/null || true
    sleep 1
  done
  status=0
  wait "$pid" || status=$?
  cat "$AGENT_DIR/$id.out" "$AGENT_DIR/$id.err" 2>/dev/null || true
  say "$step (request $id) ended with status $status"
  { echo "$status" >"$AGENT_DIR/$id.tmp" && mv "$AGENT_DIR/$id.tmp" "$AGENT_DIR/$id.status"; } ||
    say "cannot write the result of request $id into $AGENT_DIR"
}

agent() {
  require DATABASE_DIR PREFIX
  AGENT_DIR=$DATABASE_DIR/agent
  say "serving dump, verify and load for $PREFIX through $AGENT_DIR"
  waiting=""
  trap 'exit 0' TERM INT
  while :; do
    touch "${AGENT_HEARTBEAT}" 2>/dev/null || true
    if [ -d "$AGENT_DIR" ] && [ -w "$AGENT_DIR" ]; then
      touch "$AGENT_DIR/alive" 2>/dev/null || true
      for request in $(ls "$AGENT_DIR" 2>/dev/null | grep '\.request$' | sort || true); do
        serve "$request"
      done
    elif [ -z "$waiting" ]; then
      say "waiting for $AGENT_DIR (the backup scheduler creates it)"
      waiting=1
    fi
    sleep 1
  done
}

[ "$#" -eq 1 ] || fail "usage: ${SCRIPT_NAME} dump|verify|load|agent"
case "$1" in
  dump) step_dump ;;
  verify) step_verify ;;
  load) step_load ;;
  agent) agent ;;
  *) fail "usage: ${SCRIPT_NAME} dump|verify|load|agent" ;;
esac
`;

/** The command of a database container running `step` (exec form: the script inline, no file in the image). */
export function postgresStepCommand(step: PostgresStep): string[] {
  return ["/bin/sh", "-c", POSTGRES_SCRIPT, SCRIPT_NAME, step];
}
