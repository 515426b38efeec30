#!/usr/bin/env bash
# Prepares a Debian 12 machine (run as root, no init system needed) for dockyard's libvirt
# engine tests: installs libvirt + QEMU and the seed-ISO tools if missing, starts virtlogd and
# libvirtd if libvirt is not answering, and caches the tiny test guest (a Debian cloud kernel
# and a busybox initrd). Idempotent: a re-run installs, starts and downloads only what is missing.
#
# Outputs, for the caller (.ci/run):
#   $DOCKYARD_CI_DIR/pids   one PID per line of each daemon this script started (stop them by PID)
#   $DOCKYARD_CI_DIR/*.log  the daemons' logs
#   $DOCKYARD_TEST_CACHE/{vmlinuz,initrd.img}   the tiny guest test/engines/libvirt/tiny-guest.test.ts boots
set -euo pipefail

STATE_DIR="${DOCKYARD_CI_DIR:-/tmp/dockyard-ci}"
CACHE_DIR="${DOCKYARD_TEST_CACHE:-/var/cache/dockyard-test}"
URI="qemu:///system"
# Installed without recommends (those pull in QEMU's GUI, gstreamer, mesa, gtk and more, which a
# headless TCG host never loads), so everything the engine tests use is listed:
#   libvirt-daemon-system        libvirtd with the system config, the libvirt-qemu user and its
#                                directories (depends on libvirt-daemon and iptables for networks)
#   libvirt-daemon-driver-qemu   the QEMU driver
#   libvirt-clients              virsh and virt-xml-validate
#   libxml2-utils                xmllint, which virt-xml-validate runs
#   qemu-system-x86              QEMU itself (depends on SeaBIOS and the iPXE option ROMs of NICs)
#   qemu-utils                   qemu-img (qcow2 volumes with backing stores; test/engines/libvirt/image)
#   dnsmasq-base                 DHCP on libvirt networks
#   iproute2 procps              ip (bridges, free subnets) and pgrep (this script)
#   cloud-image-utils xorriso genisoimage   the three seed-ISO tools the provider can use
#   busybox-static               the tiny guest's initrd
#   tini                         the subreaper the daemons run under (reaper.sh)
PACKAGES=(libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libxml2-utils qemu-system-x86 qemu-utils
  dnsmasq-base iproute2 procps cloud-image-utils xorriso genisoimage busybox-static tini)
export DEBIAN_FRONTEND=noninteractive

t0=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
step() { # step <label> <command…>: runs a step and prints how long it took
  local label=$1 start
  shift
  start=$(date +%s%N)
  "$@"
  printf 'libvirt.sh: %-28s %6d ms\n' "$label" "$(ms_since "$start")"
}

if [[ $(id -u) -ne 0 ]]; then
  echo "libvirt.sh: must run as root (it installs packages and starts libvirtd)" >&2
  exit 1
fi
mkdir -p "$STATE_DIR" "$CACHE_DIR"
touch "$STATE_DIR/pids"
# shellcheck source=reaper.sh
. "$(dirname "$0")/reaper.sh"
# shellcheck source=kvm.sh
. "$(dirname "$0")/kvm.sh"

# Keep only PIDs that still are daemons the engine scripts start (each under tini, see
# reaper.sh; bare daemon names from older runs), so a caller never kills a reused PID.
prune_pids() {
  local pid kept=()
  while read -r pid; do
    [[ -n $pid ]] || continue
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
      tini | virtlogd | libvirtd | dockerd | podman) kept+=("$pid") ;; # the file is shared with the other engine scripts
    esac
  done <"$STATE_DIR/pids"
  printf '%s\n' "${kept[@]}" | sed '/^$/d' >"$STATE_DIR/pids"
}
prune_pids

install_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "libvirt.sh: installing ${missing[*]}"
  # Refresh the package lists only if apt does not know one of the packages yet.
  for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      apt-get update -q
      break
    fi
  done
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Starts a daemon under tini (reaper.sh) unless one is running; records the PID of what it started.
start_daemon() {
  local name=$1 binary=$2
  if pgrep -x "$name" >/dev/null; then
    return 0
  fi
  start_reaped "$STATE_DIR/$name.log" "$binary"
  echo "$REAPED_PID" >>"$STATE_DIR/pids"
  echo "libvirt.sh: started $name under tini (pid $REAPED_PID)"
}

start_libvirt() {
  # virtlogd writes the domains' serial logs: needed even when libvirtd already answers.
  start_daemon virtlogd /usr/sbin/virtlogd
  if timeout 10 virsh -c "$URI" version >/dev/null 2>&1; then
    return 0
  fi
  start_daemon libvirtd /usr/sbin/libvirtd
  local deadline=$((SECONDS + 60))
  until timeout 10 virsh -c "$URI" version >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "libvirt.sh: libvirtd did not answer on $URI within 60 s; its log:" >&2
      tail -n 30 "$STATE_DIR/libvirtd.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

# Bumped whenever the guest's make-up changes, so cached copies are rebuilt.
GUEST_VERSION=3
# virtio-net and what it needs, in load order: the cloud kernel builds them as modules.
GUEST_MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net)

# A Debian cloud kernel (boots to userspace in ~15 s under TCG, console on ttyS0) and its
# virtio-net modules, taken from the package in Debian's archive.
cache_kernel() {
  [[ -s "$CACHE_DIR/vmlinuz" && -s "$CACHE_DIR/modules/virtio_net.ko" ]] && return 0
  local pkg work module found
  pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
  if [[ -z $pkg ]]; then
    apt-get update -q
    pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')
  fi
  work=$(mktemp -d)
  (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$pkg")
  dpkg-deb -x "$work"/*.deb "$work/root"
  rm -rf "$CACHE_DIR/modules" && mkdir -p "$CACHE_DIR/modules"
  for module in "${GUEST_MODULES[@]}"; do
    found=$(find "$work/root/lib/modules" -name "$module.ko" | head -n 1)
    [[ -n $found ]] || { echo "libvirt.sh: $module.ko not found in $pkg" >&2; exit 1; }
    cp "$found" "$CACHE_DIR/modules/"
  done
  cp "$work"/root/boot/vmlinuz-* "$CACHE_DIR/vmlinuz.tmp"
  mv "$CACHE_DIR/vmlinuz.tmp" "$CACHE_DIR/vmlinuz"
  echo "$pkg" >"$CACHE_DIR/vmlinuz.package"
  rm -rf "$work"
}

# A busybox initramfs whose /init reports on the serial console: that it reached userspace,
# then (given a NIC) the DHCP lease it obtained; it stays up while it has a NIC so the lease
# can be read from libvirt, and powers off otherwise.
cache_initrd() {
  [[ -s "$CACHE_DIR/initrd.img" && "$(cat "$CACHE_DIR/initrd.version" 2>/dev/null)" == "$GUEST_VERSION" ]] && return 0
  local work module
  work=$(mktemp -d)
  mkdir -p "$work/bin" "$work/proc" "$work/sys" "$work/dev" "$work/lib/modules"
  cp /bin/busybox "$work/bin/busybox"
  for module in "${GUEST_MODULES[@]}"; do cp "$CACHE_DIR/modules/$module.ko" "$work/lib/modules/"; done
  printf '%s\n' "${GUEST_MODULES[@]}" >"$work/lib/modules/order"
  cat >"$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "DOCKYARD-GUEST-UP kernel=$(uname -r)"
for module in $(cat /lib/modules/order); do insmod "/lib/modules/$module.ko"; done
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  udhcpc -i eth0 -n -q -t 30 -T 2 -s /bin/dhcp-event || echo "DOCKYARD-GUEST-NO-LEASE"
  sleep 600
fi
poweroff -f
INIT
  cat >"$work/bin/dhcp-event" <<'EVENT'
#!/bin/sh
[ "$1" = bound ] && echo "DOCKYARD-GUEST-LEASE ip=$ip"
exit 0
EVENT
  chmod 755 "$work/init" "$work/bin/dhcp-event"
  (cd "$work" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -9 >"$CACHE_DIR/initrd.img.tmp")
  mv "$CACHE_DIR/initrd.img.tmp" "$CACHE_DIR/initrd.img"
  echo "$GUEST_VERSION" >"$CACHE_DIR/initrd.version"
  rm -rf "$work"
}

step "packages" install_packages
step "/dev/kvm" ensure_kvm_access
step "virtlogd + libvirtd" start_libvirt
step "define round trip" prove_define
step "guest kernel" cache_kernel
step "guest initrd" cache_initrd
printf 'libvirt.sh: %-28s %6d ms (%s; daemons started by this script: %s)\n' "provisioned" "$(ms_since "$t0")" \
  "$(virsh -c "$URI" version 2>/dev/null | awk '/Running hypervisor/ { print $(NF-1), $NF }')" "$(tr '\n' ' ' <"$STATE_DIR/pids")"
