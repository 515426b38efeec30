#!/usr/bin/env bash
# Brings the dev stack up on the local Docker engine: no account, no login.
# State lives in .pulumi-state/ (git-ignored); secrets use a passphrase whose dev
# default is "dockyard-dev" (override with PULUMI_CONFIG_PASSPHRASE). Extra
# arguments go to `pulumi up` (e.g. --yes). See docs/decisions/0002-program-entry-and-state.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export PULUMI_BACKEND_URL="file://${PWD}/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-dockyard-dev}"
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p .pulumi-state

if ! docker info >/dev/null 2>&1; then
  echo "dev-up: the Docker engine is not reachable (docker info failed): start Docker and try again" >&2
  exit 1
fi

npx pulumi stack select dev --create --secrets-provider passphrase
npx pulumi up --stack dev "$@"
