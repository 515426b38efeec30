# dockyard backup: what backup, check, drill and restore share (sourced, not run). POSIX sh with
# busybox applets and restic. Reads the repository from the environment:
#   RESTIC_REPOSITORY   rest:http(s)://host[:port]/path, sftp:user@host:/path, sftp://user@host[:port]/path,
#                       s3:[http(s)://]host/bucket[/prefix], or a directory (the volume repository)
#   RESTIC_PASSWORD     the repository password (a secret)
#   RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD   REST basic auth (secrets): put into the URL restic sees
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY     S3 (secrets), read by restic itself
#   SSH_PRIVATE_KEY (a secret), SSH_KNOWN_HOSTS  SFTP: the key restic's ssh logs in with, the pinned host keys
#   PREFIX              the snapshots' host name: the volume's name (one repository may hold several)
#   SCRATCH_DIR         writable working space (restic's temporary pack files); /tmp when unset
#   LOCK_WAIT_MINUTES   how long a job waits for another job's exclusive repository lock (default 60)
# Nothing secret is ever printed; the repository is printed without credentials.

PREFIX="${PREFIX:-backup}"
LOCK_WAIT_MINUTES="${LOCK_WAIT_MINUTES:-60}"

fail() {
  echo "$JOB: $*" >&2
  exit 1
}

log() {
  echo "$JOB: $*"
}

# The repository as it may be shown: no credentials (they never are in RESTIC_REPOSITORY as given).
shown_repository() {
  printf '%s' "$REPOSITORY_SHOWN"
}

# Percent-encodes every byte: valid in a URL's user information whatever the text holds.
urlencode() {
  printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g'
}

# Checks the environment and prepares restic's: REST credentials into the URL restic reads (never
# on a command line), the SSH key and known hosts into private files for sftp.
repository_setup() {
  : "${RESTIC_REPOSITORY:?RESTIC_REPOSITORY is required (the restic repository URL)}"
  [ -n "${RESTIC_PASSWORD:-}" ] || fail "RESTIC_PASSWORD is required (the repository password)"
  case "$PREFIX" in '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._-]*) fail "PREFIX must be letters, digits, '.', '_' or '-', got '$PREFIX'" ;; esac
  case "$RESTIC_REPOSITORY" in
    rest:*@* | s3:*@* | sftp:*:*@* | sftp://*:*@*) fail "RESTIC_REPOSITORY must not carry credentials: give them in their own variables" ;;
  esac
  REPOSITORY_SHOWN=$RESTIC_REPOSITORY
  SFTP_COMMAND=""
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-$JOB.XXXXXX") || fail "cannot create a private working directory"
  trap 'rm -rf "$WORK"' EXIT
  trap 'exit 1' HUP INT TERM
  if [ -n "${SCRATCH_DIR:-}" ]; then
    mkdir -p "$SCRATCH_DIR/tmp" || fail "cannot write the scratch directory $SCRATCH_DIR"
    export TMPDIR="$SCRATCH_DIR/tmp"
  fi
  case "$RESTIC_REPOSITORY" in
    rest:http://* | rest:https://*)
      if [ -n "${RESTIC_REST_USERNAME:-}" ] || [ -n "${RESTIC_REST_PASSWORD:-}" ]; then
        [ -n "${RESTIC_REST_USERNAME:-}" ] && [ -n "${RESTIC_REST_PASSWORD:-}" ] || fail "RESTIC_REST_USERNAME and RESTIC_REST_PASSWORD go together"
        scheme=${RESTIC_REPOSITORY%%://*}
        RESTIC_REPOSITORY="$scheme://$(urlencode "$RESTIC_REST_USERNAME"):$(urlencode "$RESTIC_REST_PASSWORD")@${RESTIC_REPOSITORY#*://}"
      fi
      ;;
    sftp:*) sftp_setup ;;
    s3:*) ;;
    /*) ;;
    *) fail "RESTIC_REPOSITORY must be a rest:, sftp: or s3: URL or a directory, got '$REPOSITORY_SHOWN'" ;;
  esac
  # Newer restic reads these itself; the URL already carries them.
  unset RESTIC_REST_USERNAME RESTIC_REST_PASSWORD
  export RESTIC_REPOSITORY
}

# sftp:user@host:/path or sftp://user@host[:port]/path: restic runs ssh with the key and the pinned
# host keys only (no agent, no prompt, no other identity, no config file).
sftp_setup() {
  case "$RESTIC_REPOSITORY" in
    sftp://*) rest=${RESTIC_REPOSITORY#sftp://} authority=${rest%%/*} ;;
    *) rest=${RESTIC_REPOSITORY#sftp:} authority=${rest%%:*} ;;
  esac
  user=${authority%@*} hostport=${authority#*@}
  host=${hostport%%:*} port=22
  case "$hostport" in *:*) port=${hostport#*:} ;; esac
  case "$user" in '' | -* | *[!A-Za-z0-9._-]*) fail "the sftp repository must name a user (sftp:user@host:/path)" ;; esac
  case "$host" in '' | -* | *[!A-Za-z0-9.-]*) fail "the sftp repository's host must be a DNS name or an IPv4 address" ;; esac
  case "$port" in '' | *[!0-9]*) fail "the sftp repository's port must be a number" ;; esac
  [ -n "${SSH_PRIVATE_KEY:-}" ] || fail "SSH_PRIVATE_KEY is required for an sftp repository"
  [ -n "${SSH_KNOWN_HOSTS:-}" ] || fail "SSH_KNOWN_HOSTS is required for an sftp repository (the server's host keys)"
  (
    umask 077
    printf '%s\n' "$SSH_PRIVATE_KEY" >"$WORK/key"
    printf '%s\n' "$SSH_KNOWN_HOSTS" >"$WORK/known_hosts"
  ) || fail "cannot write the SSH key"
  # restic splits this at spaces: every part is validated above or a path of ours without spaces.
  SFTP_COMMAND="ssh -F /dev/null -i $WORK/key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$WORK/known_hosts -o GlobalKnownHostsFile=/dev/null -p $port -l $user -s $host sftp"
  unset SSH_PRIVATE_KEY
}

# restic without a cache (the root filesystem is read-only; TMPDIR is scratch space), over ssh for sftp.
run_restic() {
  if [ -n "${SFTP_COMMAND:-}" ]; then
    restic --no-cache -o "sftp.command=$SFTP_COMMAND" "$@"
  else
    restic --no-cache "$@"
  fi
}

# restic, waiting (up to LOCK_WAIT_MINUTES) while another job holds the repository locked.
# Output goes through; a failure's stderr is repeated at the end of the log.
restic_waiting() {
  waited=0
  while :; do
    status=0
    run_restic "$@" 2>"$WORK/stderr" || status=$?
    if [ "$status" -ne 0 ] && grep -q "repository is already locked" "$WORK/stderr" && [ "$waited" -lt "$LOCK_WAIT_MINUTES" ]; then
      [ "$waited" -gt 0 ] || log "the repository is locked by another job; waiting up to $LOCK_WAIT_MINUTES minutes"
      sleep 60
      waited=$((waited + 1))
      continue
    fi
    cat "$WORK/stderr" >&2
    return "$status"
  done
}

# Opens the repository: 0 when it opens, 2 when none exists there; fails clearly on a wrong password.
repository_open() {
  if run_restic cat config >/dev/null 2>"$WORK/open"; then return 0; fi
  if grep -q "wrong password" "$WORK/open"; then
    fail "the repository password does not open the repository at $(shown_repository) (wrong password or no key for it)"
  fi
  if grep -q -e "Is there a repository at the following location" -e "does not exist" "$WORK/open"; then return 2; fi
  cat "$WORK/open" >&2
  fail "cannot open the repository at $(shown_repository)"
}

# The ID of the newest complete snapshot of this volume (tag dockyard), or nothing.
latest_snapshot() {
  run_restic snapshots --json --host "$PREFIX" --tag dockyard --latest 1 >"$WORK/snapshots" || fail "cannot list the snapshots in $(shown_repository)"
  sed -n 's/.*"id":"\([0-9a-f]\{64\}\)".*/\1/p' "$WORK/snapshots" | tail -n 1
}

# Runs `stat -c FORMAT` on the entries of a tree matching the find tests given (the tree's own
# directory and a filesystem's top-level lost+found left out, as backup leaves them out).
tree_stat() {
  dir=$1 format=$2
  shift 2
  find "$dir" -mindepth 1 \( -path "$dir/lost+found" -prune \) -o "$@" -exec stat -c "$format" {} +
}

# Counts and bytes of a tree: "files dirs symlinks other bytes".
tree_summary() {
  files=$(tree_stat "$1" x -type f | wc -l)
  dirs=$(tree_stat "$1" x -type d | wc -l)
  links=$(tree_stat "$1" x -type l | wc -l)
  all=$(tree_stat "$1" x | wc -l)
  bytes=$(tree_stat "$1" %s -type f | awk '{ s += $1 } END { printf "%d", s }')
  echo "$files $dirs $links $((all - files - dirs - links)) $bytes"
}

# The same summary of a snapshot, from restic's own listing of it.
snapshot_summary() {
  run_restic ls --json "$1" >"$WORK/ls" || fail "cannot list snapshot $1"
  awk '/"struct_type":"node"/ {
      if ($0 ~ /"type":"file"/) { f++; if (match($0, /"size":[0-9]+/)) b += substr($0, RSTART + 7, RLENGTH - 7) }
      else if ($0 ~ /"type":"dir"/) d++
      else if ($0 ~ /"type":"symlink"/) l++
      else o++
    } END { printf "%d %d %d %d %d\n", f, d, l, o, b }' "$WORK/ls"
}

# sha256 over every file's sha256 and path, sorted: one digest for a tree's contents.
tree_digest() {
  (cd "$1" && find . \( -path ./lost+found -prune \) -o -type f -exec sha256sum {} + | LC_ALL=C sort -k 2 | sha256sum | cut -d ' ' -f 1)
}

# "files dirs symlinks other bytes" in words.
describe_summary() {
  set -- $1
  echo "$1 files, $2 directories, $3 symlinks, $4 other, $5 bytes"
}

# True when a directory holds nothing (a filesystem's lost+found aside).
is_empty_dir() {
  [ -z "$(ls -A "$1" | grep -v -x 'lost+found' || true)" ]
}
