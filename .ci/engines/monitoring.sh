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
# shellcheck source=packages.sh
. "$(dirname "$0")/packages.sh"
install_missing_quietly monitoring.sh "${PACKAGES[@]}"
ms=$((($(date +%s%N) - started_ns) / 1000000))
printf 'monitoring.sh: provisioned in %d.%d s (Prometheus %s, Alertmanager %s)\n' $((ms / 1000)) $((ms % 1000 / 100)) \
  "$(prometheus --version 2>&1 | awk 'NR == 1 { print $3 }')" \
  "$(prometheus-alertmanager --version 2>&1 | awk 'NR == 1 { print $3 }')"
