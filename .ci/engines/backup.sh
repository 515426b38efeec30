#!/usr/bin/env bash
# Host tools for the backup engine tests (test/engines/backup), as root on Debian 12: restic (the
# backup engine, copied into the stand-in of the backup image's base), rclone (`rclone serve
# restic`, the REST repository server), openssh-server (sshd, the SFTP repository server; the
# ssh client comes with it) and PostgreSQL 15's server and client (postgresql, postgresql-client:
# copied into the stand-in of a database's image for the database backup tests). Each test runs
# its servers in containers of its own, so nothing is started here: the packages' scripts are kept
# from starting a system sshd or PostgreSQL cluster.
# Idempotent: installs only what is missing, without recommends. Prints its provisioning time.
set -euo pipefail
started_ns=$(date +%s%N)
PACKAGES=(restic rclone openssh-server openssh-client postgresql postgresql-client)
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
  # No init system here: without a policy, openssh-server's postinst would start sshd on port 22
  # and postgresql's its main cluster on 5432.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# added by dockyard .ci/engines/backup.sh while installing\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    added_policy=true
  fi
  echo "backup.sh: installing ${missing[*]}"
  status=0
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  [ "$added_policy" = false ] || rm -f "$policy"
  [ "$status" -eq 0 ] || exit "$status"
fi
ms=$((($(date +%s%N) - started_ns) / 1000000))
printf 'backup.sh: provisioned in %d.%d s (restic %s, rclone %s, %s, PostgreSQL %s)\n' $((ms / 1000)) $((ms % 1000 / 100)) \
  "$(restic version 2>/dev/null | awk '{ print $2 }')" "$(rclone version 2>/dev/null | awk 'NR == 1 { print $2 }')" \
  "$(/usr/sbin/sshd -V 2>&1 | head -1 | awk '{ print $1 }' | tr -d ',')" \
  "$(/usr/lib/postgresql/15/bin/postgres --version 2>/dev/null | awk '{ print $3 }')"
