#!/usr/bin/env bash
# Debian's distribution registry, htpasswd and openssl for the registry tests, and skopeo, which
# promotion copies images between registries with. Nothing to start: each test starts its own
# registry on a free port with the translator's config (the TLS tests with a CA openssl makes).
# Idempotent: installs only what is missing. Prints its provisioning time.
set -euo pipefail
started_ns=$(date +%s%N)
if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null || ! command -v openssl >/dev/null ||
  ! command -v skopeo >/dev/null; then
  [ -n "$(find /var/lib/apt/lists -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -q
  echo "registry.sh: installing docker-registry apache2-utils openssl skopeo"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-registry apache2-utils openssl skopeo >/dev/null
fi
ms=$((($(date +%s%N) - started_ns) / 1000000))
printf 'registry.sh: provisioned in %d.%d s (%s)\n' $((ms / 1000)) $((ms % 1000 / 100)) "$(docker-registry --version 2>/dev/null | head -1)"
