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
# shellcheck source=packages.sh
. "$(dirname "$0")/packages.sh"
install_missing_quietly backup.sh "${PACKAGES[@]}"
ms=$((($(date +%s%N) - started_ns) / 1000000))
printf 'backup.sh: provisioned in %d.%d s (restic %s, rclone %s, %s, PostgreSQL %s)\n' $((ms / 1000)) $((ms % 1000 / 100)) \
  "$(restic version 2>/dev/null | awk '{ print $2 }')" "$(rclone version 2>/dev/null | awk 'NR == 1 { print $2 }')" \
  "$(/usr/sbin/sshd -V 2>&1 | head -1 | awk '{ print $1 }' | tr -d ',')" \
  "$(/usr/lib/postgresql/15/bin/postgres --version 2>/dev/null | awk '{ print $3 }')"
