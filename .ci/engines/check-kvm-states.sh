#!/usr/bin/env bash
# Checks libvirt provisioning itself (.ci/run runs it after engines:up): for each /dev/kvm state
# this machine can be put in — usable by QEMU (root:kvm 0660), root only (root:root 0600, as a
# fresh machine without udev has it) and absent (the node moved aside) — it puts /dev/kvm in that
# state while libvirtd runs, runs libvirt.sh, and checks that it passed (its define → undefine
# proof included), said what it did, and left QEMU able to use the device. The original state
# is restored at the end, whatever happened. As root; libvirt must be provisioned already.
set -euo pipefail
cd "$(dirname "$0")"

device=/dev/kvm
hidden=/dev/kvm.dockyard-hidden
if [[ $(id -u) -ne 0 ]]; then
  echo "check-kvm-states.sh: needs root (it changes /dev/kvm)" >&2
  exit 1
fi
if [[ ! -e $device && ! -e $hidden ]]; then
  echo "check-kvm-states.sh: no /dev/kvm on this machine: only the absent state can be checked"
  states=(absent)
else
  [[ -e $device ]] || mv "$hidden" "$device" # a previous run stopped while the node was aside
  states=(usable root-only absent)
  original=$(stat -c '%u:%g %a' "$device")
fi

restore() {
  local status=$?
  if [[ -n ${original:-} ]]; then
    [[ -e $device ]] || mv "$hidden" "$device"
    chown "${original% *}" "$device"
    chmod "${original#* }" "$device"
    echo "check-kvm-states.sh: /dev/kvm restored to $(stat -c '%U:%G %a' "$device")"
  fi
  exit "$status"
}
trap restore EXIT

# shellcheck source=kvm.sh
. ./kvm.sh

set_state() {
  case $1 in
    usable) chown root:kvm "$device" && chmod 0660 "$device" ;;
    root-only) chown root:root "$device" && chmod 0600 "$device" ;;
    absent) [[ ! -e $device ]] || mv "$device" "$hidden" ;;
  esac
  [[ $1 == absent || ! -e $hidden ]] || mv "$hidden" "$device"
}

expected_line() {
  case $1 in
    usable) echo "usable by QEMU's user" ;;
    root-only) echo "granted root:kvm 0660" ;;
    absent) echo "absent: QEMU emulates" ;;
  esac
}

failures=0
for state in "${states[@]}"; do
  set_state "$state"
  before=$(kvm_state)
  started=$(date +%s%N)
  status=0
  output=$(bash ./libvirt.sh 2>&1) || status=$?
  ms=$((($(date +%s%N) - started) / 1000000))
  problem=""
  if ((status != 0)); then
    problem="libvirt.sh exited $status"
  elif ! grep -qF "$(expected_line "$state")" <<<"$output"; then
    problem="libvirt.sh did not say \"$(expected_line "$state")\""
  elif ! grep -q "define → undefine of a minimal domain" <<<"$output"; then
    problem="libvirt.sh did not prove a define → undefine"
  elif [[ $state != absent ]] && ! kvm_usable_by "$(qemu_user)"; then
    problem="QEMU's user cannot open /dev/kvm afterwards ($(kvm_state))"
  fi
  if [[ -z $problem ]]; then
    printf 'check-kvm-states.sh: %-9s (%s) ok in %d ms: %s\n' "$state" "$before" "$ms" \
      "$(grep -o 'define → undefine .*' <<<"$output")"
  else
    printf 'check-kvm-states.sh: %-9s (%s) FAILED: %s; its output:\n' "$state" "$before" "$problem" >&2
    sed 's/^/  /' <<<"$output" >&2
    failures=$((failures + 1))
  fi
done
((failures == 0))
