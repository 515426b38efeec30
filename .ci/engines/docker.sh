#!/usr/bin/env bash
# Docker engine for the real-engine tests (test/engines/docker), as root on Debian 12 with no
# services running. Idempotent: installs docker.io and busybox-static only if missing (apt-get
# update only then), starts dockerd only if `docker info` fails, waits (bounded) until it
# answers, and appends the PID of a dockerd it started to $DOCKYARD_CI_DIR/pids so .ci/run
# stops it at the end. Prints timings, and the whole provisioning time last.
set -euo pipefail

ci_dir=${DOCKYARD_CI_DIR:-/tmp/dockyard-ci}
wait_seconds=${DOCKYARD_DOCKER_WAIT_SECONDS:-60}
started=$(date +%s)
started_ns=$(date +%s%N)
log() { echo "[docker.sh +$(($(date +%s) - started))s] $*"; }
provisioned() {
  local status=$? ms=$((($(date +%s%N) - started_ns) / 1000000))
  printf 'docker.sh: %s in %d.%d s\n' "$([[ $status -eq 0 ]] && echo provisioned || echo "failed (exit $status)")" $((ms / 1000)) $((ms % 1000 / 100))
}
trap provisioned EXIT
mkdir -p "$ci_dir"
# shellcheck source=reaper.sh
. "$(dirname "$0")/reaper.sh"

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  log "installing ${missing[*]}"
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$ci_dir/apt-docker.log" 2>&1; then
    log "package lists stale or empty: apt-get update"
    apt-get update >>"$ci_dir/apt-docker.log" 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$ci_dir/apt-docker.log" 2>&1
  fi
  log "installed ${missing[*]}"
else
  log "docker.io and busybox-static already installed"
fi

if docker info >/dev/null 2>&1; then
  log "dockerd already answering ($(docker version --format '{{.Server.Version}}'))"
  exit 0
fi

pidfile=/var/run/docker.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  log "dockerd $(cat "$pidfile") running but not answering yet; waiting"
else
  log "starting dockerd (log: $ci_dir/dockerd.log)"
  start_reaped "$ci_dir/dockerd.log" /usr/sbin/dockerd
  echo "$REAPED_PID" >>"$ci_dir/pids"
  log "dockerd under tini pid $REAPED_PID"
fi

for ((i = 0; i < wait_seconds * 4; i++)); do
  if docker info >/dev/null 2>&1; then
    log "dockerd answering ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 0.25
done
log "dockerd did not answer within ${wait_seconds}s; last log lines:"
tail -n 30 "$ci_dir/dockerd.log" >&2 || true
exit 1
