#!/usr/bin/env bash
# Sourced by the engine scripts: starts a daemon under a subreaper (Debian's tini, `tini -s`).
#
# Daemons fork helpers that outlive them (libvirtd's QEMU capability probes and domains,
# dockerd's containerd shims, Podman's conmon): orphans go to the nearest subreaper, else to the
# machine's init, and an init that does not reap (a container's, or a CI machine's) leaves every
# one of them a zombie. Under `tini -s` they are reaped by tini, which also forwards SIGTERM to the
# daemon, so stopping tini's PID stops the daemon (.ci/run does that at the end).

# Installs tini if it is missing (the engine scripts run as root on Debian 12).
ensure_tini() {
  command -v tini >/dev/null 2>&1 && return 0
  echo "reaper.sh: installing tini (the subreaper the daemons run under)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tini >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tini >/dev/null
  fi
}

# start_reaped <log file> <command…>: starts `tini -s -- command…` in the background with its
# output in the log; sets REAPED_PID to tini's PID (the one to record and to stop).
start_reaped() {
  local log=$1
  shift
  ensure_tini
  nohup tini -s -- "$@" >"$log" 2>&1 &
  REAPED_PID=$!
}
