#!/usr/bin/env bash
# Podman for the engine tests that run against a second engine (DOCKYARD_ENGINE=podman: the
# container, registry, backup and Compose tests), as root on Debian 12 with no services running.
# Idempotent: installs podman, podman-compose and docker-compose only if missing (apt-get update
# only then); starts `podman system service` on $DOCKYARD_PODMAN_SOCKET (rootful, default
# /run/podman/podman.sock: the Docker API) only if nothing answers there, and the health-check
# timer beside it only if none runs; waits (bounded) until the API answers; appends the PIDs of
# what it started to $DOCKYARD_CI_DIR/pids so .ci/run stops them. Prints its provisioning time.
#
# Engine configuration the dev stack needs on Podman (docs/decisions/0010-podman.md): plain HTTP to
# the registry on 127.0.0.1, which Docker allows by default (registries.conf.d drop-in). And two
# things this machine lacks, which a workstation has:
# - the hard open-files limit is 20000, below the 1048576 Podman asks for by default, so
#   containers.conf sets default_ulimits (CONTAINERS_CONF, for the service and the timer);
# - there is no systemd, whose timers run Podman's health checks: podman-health-timer.sh stands in.
# And one a workstation's Podman with the CNI backend needs too: containers on one network reach
# each other by name (front reaches web as `web`) only with CNI's dnsname plugin.
set -euo pipefail

ci_dir=${DOCKYARD_CI_DIR:-/tmp/dockyard-ci}
socket=${DOCKYARD_PODMAN_SOCKET:-/run/podman/podman.sock}
wait_seconds=${DOCKYARD_PODMAN_WAIT_SECONDS:-60}
started_ns=$(date +%s%N)
log() { echo "[podman.sh] $*"; }
provisioned() {
  local status=$? ms=$((($(date +%s%N) - started_ns) / 1000000))
  printf 'podman.sh: %s in %d.%d s\n' "$([[ $status -eq 0 ]] && echo provisioned || echo "failed (exit $status)")" $((ms / 1000)) $((ms % 1000 / 100))
}
trap provisioned EXIT
mkdir -p "$ci_dir"
touch "$ci_dir/pids"
# shellcheck source=reaper.sh
. "$(dirname "$0")/reaper.sh"

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v podman-compose >/dev/null 2>&1 || missing+=(podman-compose)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ -x /usr/lib/cni/dnsname ] || missing+=(golang-github-containernetworking-plugin-dnsname)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  log "installing ${missing[*]}"
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$ci_dir/apt-podman.log" 2>&1; then
    log "package lists stale or empty: apt-get update"
    apt-get update >>"$ci_dir/apt-podman.log" 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$ci_dir/apt-podman.log" 2>&1
  fi
  log "installed ${missing[*]}"
else
  log "podman, podman-compose, docker-compose and CNI's dnsname plugin already installed"
fi

# One file for every run on this machine, so a service another run started reads the same.
conf=/etc/dockyard-ci/podman/containers.conf
mkdir -p "${conf%/*}"
cat >"$conf.tmp" <<'CONF'
# Written by dockyard's .ci/engines/podman.sh. Podman's default open-files limit (1048576)
# exceeds this machine's hard limit (20000), and runc cannot raise it: containers would not start.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
CONF
mv "$conf.tmp" "$conf"
export CONTAINERS_CONF=$conf

# Docker lets clients talk plain HTTP to registries on 127.0.0.0/8 (the dev stack's registry, and
# the test registries); Podman asks registries.conf. The same allowance, for loopback only.
registries=/etc/containers/registries.conf.d/50-dockyard-loopback.conf
mkdir -p "${registries%/*}"
cat >"$registries.tmp" <<'CONF'
# Written by dockyard's .ci/engines/podman.sh: plain HTTP to registries on loopback (any port),
# as Docker allows for 127.0.0.0/8 by default.
[[registry]]
location = "localhost"
insecure = true

[[registry]]
location = "127.0.0.1"
insecure = true
CONF
mv "$registries.tmp" "$registries"

answers() { DOCKER_HOST="unix://$socket" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  log "podman service already answering on $socket"
else
  mkdir -p "${socket%/*}"
  log "starting podman system service on unix://$socket (log: $ci_dir/podman-service.log)"
  start_reaped "$ci_dir/podman-service.log" podman system service --time=0 "unix://$socket"
  echo "$REAPED_PID" >>"$ci_dir/pids"
  log "podman service under tini pid $REAPED_PID"
  for ((i = 0; i < wait_seconds * 4; i++)); do
    answers && break
    sleep 0.25
  done
  if ! answers; then
    log "podman did not answer on $socket within ${wait_seconds}s; last log lines:"
    tail -n 30 "$ci_dir/podman-service.log" >&2 || true
    exit 1
  fi
fi
log "podman $(DOCKER_HOST="unix://$socket" docker version --format '{{.Server.Version}}') answering the Docker API on unix://$socket"

timer_pidfile=/run/dockyard-podman-health-timer.pid
timer=$(cd "$(dirname "$0")" && pwd)/podman-health-timer.sh
if [ -s "$timer_pidfile" ] && tr '\0' ' ' 2>/dev/null <"/proc/$(cat "$timer_pidfile")/cmdline" | grep -q podman-health-timer; then
  log "health-check timer already running (pid $(cat "$timer_pidfile"))"
else
  start_reaped "$ci_dir/podman-health-timer.log" bash "$timer"
  echo "$REAPED_PID" >"$timer_pidfile"
  echo "$REAPED_PID" >>"$ci_dir/pids"
  log "health-check timer under tini pid $REAPED_PID (log: $ci_dir/podman-health-timer.log)"
fi
