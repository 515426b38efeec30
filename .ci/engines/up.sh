#!/usr/bin/env bash
# Installs and starts everything the engine suite (`npm run test:engines`) needs, as root on
# Debian 12: `sudo npm run engines:up`. Runs each engine script in turn (docker.sh, registry.sh,
# backup.sh, monitoring.sh, libvirt.sh, podman.sh); each is idempotent, so a re-run only installs, starts or downloads what is missing.
# Daemons it starts keep running; their PIDs are appended to $DOCKYARD_CI_DIR/pids
# (default /tmp/dockyard-ci/pids), which is how .ci/run stops them. Prints each engine's time.
set -euo pipefail
cd "$(dirname "$0")"

if [[ $(id -u) -ne 0 ]]; then
  echo "engines:up: needs root (it installs Debian packages and starts dockerd and libvirtd): sudo npm run engines:up" >&2
  exit 1
fi
export DOCKYARD_CI_DIR="${DOCKYARD_CI_DIR:-/tmp/dockyard-ci}"
mkdir -p "$DOCKYARD_CI_DIR"
touch "$DOCKYARD_CI_DIR/pids"

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
seconds() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

start=$(date +%s%N)
summary=()
for engine in docker registry backup monitoring libvirt podman; do
  engine_start=$(date +%s%N)
  bash "./$engine.sh"
  summary+=("$(printf 'engines:up: %-9s %6s s' "$engine" "$(seconds "$(ms_since "$engine_start")")")")
done
printf '%s\n' "${summary[@]}"
printf 'engines:up: %-9s %6s s\n' "total" "$(seconds "$(ms_since "$start")")"
