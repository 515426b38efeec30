# Sourced by the engine scripts: installs the Debian packages of a list that are missing, without
# recommends, and without letting their maintainer scripts start a service (there is no init
# system here: a postinst would start sshd, a PostgreSQL cluster or Prometheus on their default
# ports). Runs `apt-get update` only when a package is unknown to the current lists.
# Usage: install_missing_quietly <script name> <package>...
install_missing_quietly() {
  local script=$1 pkg status policy=/usr/sbin/policy-rc.d added_policy=false
  shift
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      apt-get update -q >/dev/null
      break
    fi
  done
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# added by dockyard .ci/engines/%s while installing\nexit 101\n' "$script" >"$policy"
    chmod 0755 "$policy"
    added_policy=true
  fi
  echo "$script: installing ${missing[*]}"
  status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  [ "$added_policy" = false ] || rm -f "$policy"
  return "$status"
}
