#!/usr/bin/env bash
# Prometheus' own tools for the monitoring engine tests (test/engines/monitoring), as root on
# Debian 12: prometheus (the server, and promtool, which checks rule files and runs their unit
# tests) and prometheus-alertmanager (alertmanager, and amtool, which checks its config). Each
# test starts its own Prometheus and Alertmanager on loopback free ports with a config of its own,
# so nothing is started here: the packages' scripts are kept from starting the system services.
# Idempotent: installs only what is missing, without recommends (no node exporter). Prints its
# provisioning time.
set -euo pipefail
started_ns=$(date +%s%N)
PACKAGES=(prometheus prometheus-alertmanager)
export DEBIAN_FRONTEND=noninteractive

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      apt-get update -q >/dev/null
      break
    fi
  done
  # No init system here: without a policy, the packages' postinst would start both daemons on
  # their default ports (9090, 9093).
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# added by dockyard .ci/engines/monitoring.sh while installing\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    added_policy=true
  fi
  echo "monitoring.sh: installing ${missing[*]}"
  status=0
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  [ "$added_policy" = false ] || rm -f "$policy"
  [ "$status" -eq 0 ] || exit "$status"
fi
ms=$((($(date +%s%N) - started_ns) / 1000000))
printf 'monitoring.sh: provisioned in %d.%d s (Prometheus %s, Alertmanager %s)\n' $((ms / 1000)) $((ms % 1000 / 100)) \
  "$(prometheus --version 2>&1 | awk 'NR == 1 { print $3 }')" \
  "$(prometheus-alertmanager --version 2>&1 | awk 'NR == 1 { print $3 }')"
