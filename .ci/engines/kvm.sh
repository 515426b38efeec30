#!/usr/bin/env bash
# Sourced by libvirt.sh: makes libvirt usable whatever state /dev/kvm is in, then proves it.
#
# A fresh machine may have /dev/kvm as root:root 0600 (no udev to apply Debian's
# `KERNEL=="kvm", GROUP="kvm", MODE="0660"` rule). QEMU runs as an unprivileged user and cannot
# open it; libvirtd then finds its capability cache stale on every call and probes QEMU again,
# so each `virsh define` waits seconds to tens of seconds (measured: 5–35 s for a define and an undefine;
# 20–30 ms once QEMU can open the device). Present and usable: nothing to do. Present but not
# usable by QEMU's user: granted as the udev rule would, with a line saying so. Absent: QEMU
# emulates (TCG); the engine tests define type='qemu' domains, which need no KVM.

KVM_DEVICE=/dev/kvm
# Bound of the define → undefine round trip that proves provisioning (seconds).
PROBE_SECONDS=${DOCKYARD_LIBVIRT_PROBE_SECONDS:-3}

# The user QEMU runs as: qemu.conf's `user`, else Debian's build default.
qemu_user() {
  local user
  user=$(sed -n 's/^[[:space:]]*user[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' /etc/libvirt/qemu.conf 2>/dev/null | tail -n 1)
  echo "${user:-libvirt-qemu}"
}

# True if `user` (with its supplementary groups, as libvirt starts QEMU) can open /dev/kvm.
kvm_usable_by() {
  runuser -u "$1" -- test -r "$KVM_DEVICE" -a -w "$KVM_DEVICE" 2>/dev/null
}

kvm_state() {
  if [[ -e $KVM_DEVICE ]]; then stat -c '%U:%G %a' "$KVM_DEVICE"; else echo absent; fi
}

ensure_kvm_access() {
  local user before
  if [[ ! -e $KVM_DEVICE ]]; then
    echo "libvirt.sh: $KVM_DEVICE absent: QEMU emulates (TCG), which the engine tests' type='qemu' domains use"
    return 0
  fi
  user=$(qemu_user)
  before=$(kvm_state)
  if kvm_usable_by "$user"; then
    echo "libvirt.sh: $KVM_DEVICE ($before) usable by QEMU's user $user"
    return 0
  fi
  getent group kvm >/dev/null || groupadd --system kvm
  id -nG "$user" | tr ' ' '\n' | grep -qx kvm || usermod -a -G kvm "$user"
  chgrp kvm "$KVM_DEVICE"
  chmod 0660 "$KVM_DEVICE"
  if ! kvm_usable_by "$user"; then
    echo "libvirt.sh: $KVM_DEVICE is $(kvm_state) and QEMU's user $user still cannot open it" >&2
    return 1
  fi
  echo "libvirt.sh: $KVM_DEVICE was $before, which QEMU's user $user cannot open (libvirtd would re-probe QEMU on every call):" \
    "granted root:kvm 0660, as Debian's udev rule does"
}

# The daemon's log: the one this script's run started, else libvirt's default file.
libvirtd_log() {
  local file
  for file in "$STATE_DIR/libvirtd.log" /var/log/libvirt/libvirtd.log; do
    [[ -s $file ]] && { echo "$file"; return 0; }
  done
  echo /dev/null
}

# Proves libvirt usable before any test runs: a 64 MiB type='qemu' domain is defined and
# undefined within PROBE_SECONDS, else the likely cause is named with libvirtd's last log lines.
prove_define() {
  local name="dockyard-probe-$$" dir start output ms
  dir=$(mktemp -d)
  printf "<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>\n" \
    "$name" >"$dir/probe.xml"
  start=$(date +%s%N)
  if output=$(timeout -k 2 "$PROBE_SECONDS" virsh -q -c "$URI" "define $dir/probe.xml; undefine $name" 2>&1); then
    ms=$((($(date +%s%N) - start) / 1000000))
    rm -rf "$dir"
    echo "libvirt.sh: define → undefine of a minimal domain on $URI in $ms ms"
    return 0
  fi
  rm -rf "$dir"
  {
    echo "libvirt.sh: a define → undefine of a minimal domain on $URI did not finish within ${PROBE_SECONDS} s${output:+: $output}"
    timeout 10 virsh -q -c "$URI" undefine "$name" >/dev/null 2>&1 || true
    # /dev/kvm first: in that state even `virsh version` waits for the probe.
    if [[ -e $KVM_DEVICE ]] && ! kvm_usable_by "$(qemu_user)"; then
      echo "  cause: $KVM_DEVICE is $(kvm_state) and QEMU's user $(qemu_user) cannot open it: libvirtd re-probes QEMU on every call"
    elif ! timeout 5 virsh -q -c "$URI" version >/dev/null 2>&1; then
      echo "  cause: libvirtd does not answer on $URI within 5 s"
    else
      echo "  cause: libvirtd answers, but defining a domain is slow or failing (its QEMU capabilities probe: virsh domcapabilities --virttype qemu)"
    fi
    echo "  zombie QEMU processes: $(ps -eo stat=,comm= | grep -c '^Z.*qemu' || true)"
    echo "  libvirtd's last log lines ($(libvirtd_log)):"
    tail -n 20 "$(libvirtd_log)" | sed 's/^/    /'
  } >&2
  return 1
}
