#!/usr/bin/env bash
# Runs Podman's health checks on a machine without systemd. Podman schedules each container's
# check as a systemd timer (`podman healthcheck run <id>` every interval); where there is no
# systemd (this CI machine, most containers), no check ever runs and every container stays
# "starting". This loop does what those timers do, for every running container of the local
# rootful Podman that has a health check: the first check one interval after it is first seen,
# then one interval after each check ends; a check still running is never started twice. Podman
# itself applies the start period, timeout and retries. Started by podman.sh; stopped by PID.
set -uo pipefail

declare -A interval due running
while :; do
  now=$(date +%s)
  mapfile -t ids < <(podman ps --quiet --no-trunc --filter status=running 2>/dev/null)
  declare -A seen=()
  for id in "${ids[@]}"; do
    [ -n "$id" ] || continue
    seen[$id]=1
    if [ -z "${interval[$id]+x}" ]; then
      seconds=$(podman inspect --format '{{if .Config.Healthcheck}}{{if .Config.Healthcheck.Test}}{{.Config.Healthcheck.Interval.Seconds}}{{end}}{{end}}' "$id" 2>/dev/null) || continue
      seconds=${seconds%%.*}
      interval[$id]=${seconds:-0}
      ((interval[$id] > 0)) && [ "${interval[$id]}" -ge 1 ] || interval[$id]=0
      due[$id]=$((now + interval[$id]))
    fi
    ((interval[$id] > 0)) || continue
    if [ -n "${running[$id]:-}" ]; then
      kill -0 "${running[$id]}" 2>/dev/null && continue
      unset "running[$id]"
      due[$id]=$((now + interval[$id]))
      continue
    fi
    if ((now >= due[$id])); then
      podman healthcheck run "$id" >/dev/null 2>&1 &
      running[$id]=$!
    fi
  done
  for id in "${!interval[@]}"; do
    [ -n "${seen[$id]:-}" ] || unset "interval[$id]" "due[$id]" "running[$id]"
  done
  unset seen
  sleep 1
done
