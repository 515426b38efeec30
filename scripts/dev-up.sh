#!/usr/bin/env bash
# Brings the dev stack up on the local Docker engine: no account, no login.
# State lives in .pulumi-state/ (git-ignored); secrets use a passphrase whose dev
# default is "dockyard-dev" (override with PULUMI_CONFIG_PASSPHRASE). Extra
# arguments go to `pulumi up` (e.g. --yes). See docs/decisions/0002-program-entry-and-state.md.
#
# The Pulumi CLI, first that runs: a `pulumi` on PATH; $PULUMI_HOME/bin/pulumi; the npm
# launcher (devDependency `pulumi`), which downloads the pinned CLI on first use when online.
# Nothing is created until the CLI is known to run, and a .pulumi-state/ this run created is
# removed again if it is still empty when the run fails.
set -euo pipefail
cd "${BASH_SOURCE[0]%/*}/.."

export PULUMI_BACKEND_URL="file://${PWD}/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-dockyard-dev}"
export PULUMI_SKIP_UPDATE_CHECK=true

launcher="node_modules/.bin/pulumi"
pinned=$(node -p 'require("./package.json").devDependencies.pulumi' 2>/dev/null || echo "?")
# The CLI version the project runs everywhere (.pulumi.version, as CI's pulumi/actions reads it):
# the launcher installs that version rather than its own.
cli_version=""
[[ -r .pulumi.version ]] && read -r cli_version <.pulumi.version
launcher_version="${PULUMI_VERSION:-${cli_version:-$pinned}}"
export PULUMI_VERSION="$launcher_version"
launcher_home="${PULUMI_HOME:-$HOME/.pulumi}"
tried=()
version=""

# runs <path> <what it is>: true when `<path> version` succeeds (its output in $version);
# otherwise records what failed, with the command's last line of output.
runs() {
  local out
  if out=$("$1" version 2>&1 </dev/null); then
    version=$(printf '%s' "$out" | tail -n 1)
    return 0
  fi
  tried+=("$2 failed: $(printf '%s' "$out" | tail -n 1)")
  return 1
}

# A pulumi on PATH, not counting the npm launcher that `npm run` puts there.
on_path() {
  local dir
  local IFS=:
  for dir in $PATH; do
    [[ -n $dir && $dir != */node_modules/.bin ]] || continue
    if [[ -x $dir/pulumi && -f $dir/pulumi ]]; then
      echo "$dir/pulumi"
      return 0
    fi
  done
  return 1
}

pulumi=""
if candidate=$(on_path); then
  runs "$candidate" "\`pulumi\` on PATH ($candidate)" && pulumi=$candidate
else
  tried+=("no \`pulumi\` on PATH")
fi
if [[ -z $pulumi ]]; then
  if [[ -z ${PULUMI_HOME:-} ]]; then
    tried+=("PULUMI_HOME is not set")
  elif [[ -x $PULUMI_HOME/bin/pulumi ]]; then
    runs "$PULUMI_HOME/bin/pulumi" "\$PULUMI_HOME/bin/pulumi ($PULUMI_HOME/bin/pulumi)" && pulumi="$PULUMI_HOME/bin/pulumi"
  else
    tried+=("no \$PULUMI_HOME/bin/pulumi ($PULUMI_HOME/bin/pulumi)")
  fi
fi
if [[ -z $pulumi ]]; then
  if [[ ! -x $launcher ]]; then
    tried+=("the npm launcher $launcher is not installed (run \`npm ci\`)")
  else
    [[ -x $launcher_home/versions/$launcher_version/bin/pulumi ]] ||
      echo "dev-up: no Pulumi CLI on PATH or in PULUMI_HOME; trying the npm launcher, which downloads v$launcher_version from get.pulumi.com on first use" >&2
  fi
  if [[ -x $launcher ]] && runs "$launcher" "the npm launcher ($launcher, package pulumi@$pinned), which installs Pulumi CLI v$launcher_version by running https://get.pulumi.com/install.sh into $launcher_home/versions/$launcher_version,"; then
    pulumi=$launcher
  fi
fi

if [[ -z $pulumi ]]; then
  {
    echo "dev-up: no Pulumi CLI could be run:"
    printf '  - %s\n' "${tried[@]}"
    echo "Provide the Pulumi CLI in one of three ways, then run \`npm run dev:up\` again:"
    echo "  1. install it so that \`pulumi\` is on PATH (https://www.pulumi.com/docs/iac/download-install/);"
    echo "  2. set PULUMI_HOME to a directory holding an installed CLI in bin/pulumi (e.g. \`curl -fsSL https://get.pulumi.com | sh\` installs into ~/.pulumi);"
    echo "  3. be online once: the npm launcher (devDependency \"pulumi\": \"$pinned\") downloads Pulumi CLI v$launcher_version into $launcher_home/versions/$launcher_version on first use."
    echo "Nothing was created."
  } >&2
  exit 1
fi

if ! docker info >/dev/null 2>&1; then
  echo "dev-up: the Docker engine is not reachable (docker info failed): start Docker and try again" >&2
  exit 1
fi

# Create the state directory only now; if this run made it and fails before writing to it,
# leave no empty directory behind.
created_state=false
if [[ ! -d .pulumi-state ]]; then
  mkdir .pulumi-state
  created_state=true
fi
remove_empty_state() {
  if $created_state && [[ -d .pulumi-state && -z "$(ls -A .pulumi-state)" ]]; then
    rmdir .pulumi-state
  fi
}
trap remove_empty_state EXIT

echo "dev-up: Pulumi CLI $version ($pulumi)"
"$pulumi" stack select dev --create --secrets-provider passphrase
"$pulumi" up --stack dev "$@"
